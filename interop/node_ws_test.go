package interop_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// nodeResult is what testdata/ws_client.mjs prints.
type nodeResult struct {
	Extensions       string            `json:"extensions"`
	Checks           map[string]string `json:"checks"`
	CompressedWireIn int64             `json:"compressedWireIn"`
	CompressedOut    int64             `json:"compressedWireOut"`
	CloseCode        int               `json:"closeCode"`
	CloseReason      string            `json:"closeReason"`
	Error            string            `json:"error"`
}

// compressibleSize is the size of the script's compressible message.
const compressibleSize = 33 * 16384

// TestNodeWS round-trips messages between Tako's WebSocket server and Node's ws client on
// both engines: text, binary, 1 MB, a permessage-deflate compressed message (checked on
// the wire), and a clean close with 1000.
func TestNodeWS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed (CI installs it; see .ci/run)")
	}
	if _, err := os.Stat(filepath.Join("testdata", "node_modules", "ws", "package.json")); err != nil {
		t.Skip("Node's ws package is not installed: run npm ci in interop/testdata (.ci/run does)")
	}
	cases := []struct {
		name  string
		steps string
	}{
		{"all", "text,binary,compressed,1MB"},
		// The order of a long-lived connection: a compressed message after a large one
		// (regression: with context takeover the server once sent it empty).
		{"compressed-after-1MB", "1MB,compressed"},
	}
	for _, e := range engines {
		for _, tc := range cases {
			t.Run(e.String()+"/"+tc.name, func(t *testing.T) {
				runNodeClient(t, node, e, tc.steps)
			})
		}
	}
}

// runNodeClient serves an echo route on engine e, runs ws_client.mjs with steps against it
// and checks what both sides saw.
func runNodeClient(t *testing.T, node string, e tako.Engine, steps string) {
	done := make(chan echoResult, 1)
	app := tako.New(tako.Config{Engine: e})
	app.Get("/echo", echoHandler(done))
	base, ln := serve(t, app)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "ws_client.mjs", "ws"+strings.TrimPrefix(base, "http")+"/echo", steps)
	cmd.Dir = "testdata"
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\nstdout: %s\nstderr: %s", err, out, stderr.String())
	}
	var r nodeResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("node printed %q: %v (stderr: %s)", out, err, stderr.String())
	}
	if r.Error != "" {
		t.Errorf("node client error: %s", r.Error)
	}
	if !strings.Contains(r.Extensions, "permessage-deflate") {
		t.Errorf("negotiated extensions %q, want permessage-deflate", r.Extensions)
	}
	names := strings.Split(steps, ",")
	for _, name := range names {
		if got := r.Checks[name]; got != "ok" {
			t.Errorf("round trip %s: %q", name, got)
		}
	}
	// Compressed, the repeated text is a few KiB; uncompressed it would be all of it. Both
	// directions are checked (client to server and back).
	if r.CompressedOut <= 0 || r.CompressedOut > compressibleSize/8 {
		t.Errorf("client sent %d bytes on the wire for a %d-byte compressible message", r.CompressedOut, compressibleSize)
	}
	if r.CompressedWireIn <= 0 || r.CompressedWireIn > compressibleSize/8 {
		t.Errorf("server sent %d bytes on the wire for a %d-byte compressible message", r.CompressedWireIn, compressibleSize)
	}
	if r.CloseCode != 1000 {
		t.Errorf("client saw close code %d (%q), want 1000", r.CloseCode, r.CloseReason)
	}
	er := waitEcho(t, done)
	if er.closeCode != 1000 || er.err != nil || er.messages != len(names) {
		t.Errorf("server saw %d messages, close code %d, error %v; want %d, 1000, nil", er.messages, er.closeCode, er.err, len(names))
	}
	// The 1 MB random message dominates what the server read; the compressible one must
	// not have added its full size.
	if n := ln.read.Load(); n > 1<<20+compressibleSize/2 {
		t.Errorf("server read %d bytes in all: the compressible message was not compressed", n)
	}
}
