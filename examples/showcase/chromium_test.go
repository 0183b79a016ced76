package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// showcaseProbePage joins the chat room over WebSocket (the browser offers permessage-deflate,
// which the room accepts), sends a short message and a long compressible one, waits for both
// to come back from the room and through the live EventSource, closes with 1000 and POSTs
// what it saw to /interop/result.
const showcaseProbePage = `<!doctype html>
<meta charset="utf-8">
<script>
const out = { extensions: "", ws: [], sse: [], closeCode: 0, wasClean: false, error: "" };
const texts = ["hello from chromium \u2603", "la ".repeat(160).trim()];
const seen = (list) => texts.every((t) => list.includes(t));
let resolveAll;
const all = new Promise((r) => (resolveAll = r));
const check = () => { if (seen(out.ws) && seen(out.sse)) resolveAll(); };
(async () => {
  try {
    // lastEventId=0 is in no replay buffer, so the hub replays all it holds: nothing the
    // room publishes after this point can be missed, however late the subscription starts.
    const es = new EventSource("/live/events?lastEventId=0");
    es.addEventListener("chat", (e) => { const m = JSON.parse(e.data); if (m.name === "browser") out.sse.push(m.text); check(); });
    await new Promise((res) => (es.onopen = res));
    const ws = new WebSocket("ws://" + location.host + "/chat/ws?name=browser");
    ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.name === "browser") out.ws.push(m.text); check(); };
    const closed = new Promise((r) => (ws.onclose = r));
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error("WebSocket error")); });
    out.extensions = ws.extensions;
    for (const t of texts) ws.send(t);
    await all;
    es.close();
    ws.close(1000, "bye");
    const ev = await closed;
    out.closeCode = ev.code;
    out.wasClean = ev.wasClean;
  } catch (e) {
    out.error = String(e);
  }
  await fetch("/interop/result", { method: "POST", body: JSON.stringify(out) });
})();
</script>`

// TestChromiumShowcase opens a probe page in headless Chromium against the showcase's own
// chat WebSocket and live event stream, on both engines. (interop/ covers 1 MB and binary
// messages and Last-Event-ID resumption, which the chat room's limits do not allow.)
func TestChromiumShowcase(t *testing.T) {
	const chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Skip(chromium + " is not installed (CI installs the Debian package chromium; see .ci/run)")
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			results := make(chan []byte, 1)
			app := newApp(tako.Config{Engine: e})
			app.Get("/interop", page(showcaseProbePage))
			app.Post("/interop/result", func(c *tako.Ctx) error {
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
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			served := make(chan error, 1)
			go func() { served <- app.Serve(ln) }()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := app.Shutdown(ctx); err != nil {
					t.Errorf("shutdown: %v", err)
				}
				<-served
			}()

			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, chromium,
				"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--user-data-dir="+t.TempDir(), "http://"+ln.Addr().String()+"/interop")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
			var output struct {
				sync.Mutex
				strings.Builder
			}
			cmd.Stdout = writerFunc(func(p []byte) (int, error) { output.Lock(); defer output.Unlock(); return output.Write(p) })
			cmd.Stderr = cmd.Stdout
			if err := cmd.Start(); err != nil {
				t.Fatalf("starting chromium: %v", err)
			}
			stopped := make(chan struct{})
			go func() { cmd.Wait(); close(stopped) }()
			var raw []byte
			select {
			case raw = <-results:
			case <-stopped:
			case <-ctx.Done():
			}
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-stopped
			for i := 0; i < 100 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ { // its helpers too
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				time.Sleep(50 * time.Millisecond)
			}
			if raw == nil {
				output.Lock()
				defer output.Unlock()
				s := output.String()
				t.Fatalf("no result from the page within 60s; chromium output:\n%s", s[max(0, len(s)-4000):])
			}
			var r struct {
				Extensions string   `json:"extensions"`
				WS         []string `json:"ws"`
				SSE        []string `json:"sse"`
				CloseCode  int      `json:"closeCode"`
				WasClean   bool     `json:"wasClean"`
				Error      string   `json:"error"`
			}
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatalf("page result %q: %v", raw, err)
			}
			t.Logf("page result: %s", raw)
			want := []string{"hello from chromium ☃", strings.TrimSpace(strings.Repeat("la ", 160))}
			if r.Error != "" {
				t.Errorf("page error: %s", r.Error)
			}
			if !strings.Contains(r.Extensions, "permessage-deflate") {
				t.Errorf("WebSocket extensions %q, want permessage-deflate", r.Extensions)
			}
			if strings.Join(r.WS, "|") != strings.Join(want, "|") {
				t.Errorf("chat over WebSocket: %q, want %q", r.WS, want)
			}
			if strings.Join(r.SSE, "|") != strings.Join(want, "|") {
				t.Errorf("chat over EventSource: %q, want %q", r.SSE, want)
			}
			if r.CloseCode != 1000 || !r.WasClean {
				t.Errorf("close: code %d, clean %v; want 1000, true", r.CloseCode, r.WasClean)
			}
		})
	}
}

// writerFunc adapts a function to io.Writer.
type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
