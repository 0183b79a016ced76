package interop_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/sse"
)

//go:embed testdata/browser_page.html
var browserPage []byte

const chromiumPath = "/usr/bin/chromium"

// browserResult is what testdata/browser_page.html POSTs to /result.
type browserResult struct {
	WS struct {
		Extensions string `json:"extensions"`
		Text       string `json:"text"`
		Binary     string `json:"binary"`
		Compressed string `json:"compressed"`
		OneMB      string `json:"1MB"`
		CloseCode  int    `json:"closeCode"`
		WasClean   bool   `json:"wasClean"`
	} `json:"ws"`
	SSE struct {
		Events []string `json:"events"`
		Opens  int      `json:"opens"`
		Errors int      `json:"errors"`
	} `json:"sse"`
	Error string `json:"error"`
}

// sseRequest is one request to the event stream as the server saw it.
type sseRequest struct {
	remote      string
	lastEventID string
}

// TestChromium opens a page in headless Chromium that uses WebSocket and EventSource
// against Tako on both engines. The WebSocket round-trips text, binary, a compressible
// message (checked on the wire: the server reads far less than its size) and 1 MB with the
// browser's permessage-deflate, then closes with 1000. The EventSource reads three events
// from an sse.Hub through ServeHub; the test then cuts its TCP connection and publishes two
// more; the browser reconnects with Last-Event-ID 3 and the hub replays what it missed.
func TestChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip(chromiumPath + " is not installed (CI installs the Debian package chromium; see .ci/run)")
	}
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) { runChromium(t, e) })
	}
}

func runChromium(t *testing.T, e tako.Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	echoDone := make(chan echoResult, 1)
	results := make(chan []byte, 1)
	got3 := make(chan struct{}, 1)
	sseReqs := make(chan sseRequest, 8)
	hub := sse.NewHub(&sse.HubOptions{Heartbeat: 100 * time.Millisecond})
	defer hub.Close()
	hubHandler := tako.ServeHub(hub)

	app := tako.New(tako.Config{Engine: e})
	app.Get("/", func(c *tako.Ctx) error { return c.Bytes("text/html; charset=utf-8", browserPage) })
	app.Get("/echo", echoHandler(echoDone))
	app.Get("/events", func(c *tako.Ctx) error {
		select {
		case sseReqs <- sseRequest{remote: c.RemoteAddr().String(), lastEventID: c.HeaderCopy("Last-Event-ID")}:
		default:
		}
		return hubHandler(c)
	})
	app.Post("/sse-got3", func(c *tako.Ctx) error {
		select {
		case got3 <- struct{}{}:
		default:
		}
		return c.Text("ok")
	})
	app.Post("/result", func(c *tako.Ctx) error {
		b, err := c.Body()
		if err != nil {
			return err
		}
		select {
		case results <- append([]byte(nil), b...):
		default:
		}
		return c.Text("ok")
	})
	base, ln := serve(t, app)

	// The event stream's script, run alongside the page; it reports what went wrong.
	var (
		mu       sync.Mutex
		sseLog   []string
		resumeID = "(no reconnection)"
	)
	logf := func(format string, args ...any) {
		mu.Lock()
		sseLog = append(sseLog, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	sseDone := make(chan struct{})
	go func() {
		defer close(sseDone)
		var first sseRequest
		select {
		case first = <-sseReqs:
		case <-ctx.Done():
			logf("no event-stream request")
			return
		}
		for hub.Len() == 0 { // the subscription starts inside ServeHub
			select {
			case <-ctx.Done():
				logf("no subscriber")
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-1"), Retry: 200 * time.Millisecond})
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-2")})
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-3")})
		select {
		case <-got3:
		case <-ctx.Done():
			logf("the page did not report three events")
			return
		}
		// Cut the stream's connection, then publish while the browser is away.
		nc := ln.conn(first.remote)
		if nc == nil {
			logf("no connection from %s", first.remote)
			return
		}
		nc.Close()
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-4")})
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-5")})
		select {
		case second := <-sseReqs:
			mu.Lock()
			resumeID = second.lastEventID
			mu.Unlock()
		case <-ctx.Done():
			logf("the browser did not reconnect")
			return
		}
		hub.Publish(sse.Event{Event: "n", Data: []byte("event-6")})
	}()

	cmd := exec.CommandContext(ctx, chromiumPath,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), base+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so the kill reaches its helpers
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	stopped := make(chan struct{})
	go func() { cmd.Wait(); close(stopped) }()
	stop := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-stopped
		// Wait (bounded) for its helpers too, so that none still writes to the profile
		// directory when the test removes it.
		for i := 0; i < 100 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			time.Sleep(50 * time.Millisecond)
		}
	}

	var raw []byte
	select {
	case raw = <-results:
	case <-stopped:
	case <-ctx.Done():
	}
	stop()
	cancel()
	<-sseDone
	mu.Lock()
	defer mu.Unlock()
	if raw == nil {
		t.Fatalf("no result from the page within 60s; event-stream log %q; chromium output:\n%s", sseLog, stderr.tail(4000))
	}
	var r browserResult
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("page result %q: %v", raw, err)
	}
	t.Logf("page result: %s", raw)
	if r.Error != "" {
		t.Errorf("page error: %s", r.Error)
	}
	if !strings.Contains(r.WS.Extensions, "permessage-deflate") {
		t.Errorf("WebSocket extensions %q, want permessage-deflate", r.WS.Extensions)
	}
	for name, got := range map[string]string{"text": r.WS.Text, "binary": r.WS.Binary, "compressed": r.WS.Compressed, "1MB": r.WS.OneMB} {
		if got != "ok" {
			t.Errorf("WebSocket round trip %s: %q", name, got)
		}
	}
	if r.WS.CloseCode != 1000 || !r.WS.WasClean {
		t.Errorf("WebSocket close: code %d, clean %v; want 1000, true", r.WS.CloseCode, r.WS.WasClean)
	}
	er := waitEcho(t, echoDone)
	if er.closeCode != 1000 || er.err != nil || er.messages != 4 {
		t.Errorf("server saw %d messages, close code %d, error %v; want 4, 1000, nil", er.messages, er.closeCode, er.err)
	}
	// The 1 MB random message and the page's few requests are what the server read; the
	// compressible message must have added only a little.
	n := ln.read.Load()
	t.Logf("the server read %d bytes in all", n)
	if n > 1<<20+compressibleSize/2 {
		t.Errorf("server read %d bytes in all: the browser's compressible message was not compressed", n)
	}

	if len(sseLog) > 0 {
		t.Errorf("event stream: %q", sseLog)
	}
	want := []string{"1:event-1", "2:event-2", "3:event-3", "4:event-4", "5:event-5", "6:event-6"}
	if strings.Join(r.SSE.Events, " ") != strings.Join(want, " ") {
		t.Errorf("EventSource got %q, want %q", r.SSE.Events, want)
	}
	if resumeID != "3" {
		t.Errorf("the reconnecting EventSource sent Last-Event-ID %q, want 3", resumeID)
	}
	if r.SSE.Opens != 2 {
		t.Errorf("EventSource opened %d times, want 2 (one reconnection)", r.SSE.Opens)
	}
}

// lockedBuffer collects a process's output from its copying goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.b = append(l.b, p...)
	l.mu.Unlock()
	return len(p), nil
}

// tail returns the last n bytes written.
func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.b) > n {
		return string(l.b[len(l.b)-n:])
	}
	return string(l.b)
}
