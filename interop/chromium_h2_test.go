package interop_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/tako-go/tako"
	_ "github.com/tako-go/tako/ws/xconnect" // extended CONNECT on in net/http's HTTP/2 server
)

// h2Page opens a WebSocket to its own origin, round-trips a text and a binary message,
// closes with 1000 and POSTs what happened to /result.
const h2Page = `<!doctype html><meta charset="utf-8"><title>ws over h2</title><script>
const r = {text: "", binary: "", closeCode: 0, wasClean: false, extensions: "", error: ""};
function report() { fetch("/result", {method: "POST", body: JSON.stringify(r)}); }
try {
  const ws = new WebSocket("wss://" + location.host + "/echo");
  ws.binaryType = "arraybuffer";
  let step = 0;
  ws.onopen = () => { r.extensions = ws.extensions; ws.send("hello over h2"); };
  ws.onmessage = (e) => {
    if (step === 0) {
      r.text = e.data === "hello over h2" ? "ok" : "got " + e.data;
      step = 1;
      ws.send(new Uint8Array([0, 1, 2, 255]));
    } else {
      const b = new Uint8Array(e.data);
      r.binary = (b.length === 4 && b[0] === 0 && b[3] === 255) ? "ok" : "got " + b;
      ws.close(1000, "done");
    }
  };
  ws.onclose = (e) => { r.closeCode = e.code; r.wasClean = e.wasClean; report(); };
  ws.onerror = () => { r.error = "websocket error"; };
} catch (e) { r.error = String(e); report(); }
</script>`

// TestChromiumWebSocketOverHTTP2 loads a page over HTTP/2 (TLS, ALPN h2, self-signed
// certificate) from Tako on the net/http engine, in headless Chromium; the page opens a
// WebSocket to the same origin. With SETTINGS_ENABLE_CONNECT_PROTOCOL advertised (ws/xconnect),
// Chromium sends it as an RFC 8441 extended CONNECT on the page's HTTP/2 connection: the
// test checks the server saw the handshake over HTTP/2 and the round trips and close.
func TestChromiumWebSocketOverHTTP2(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skip(chromiumPath + " is not installed (CI installs the Debian package chromium; see .ci/run)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	echoDone := make(chan echoResult, 1)
	protos := make(chan string, 4)
	results := make(chan []byte, 1)
	app := tako.New(tako.Config{Engine: tako.NetHTTP})
	app.Get("/", func(c *tako.Ctx) error { return c.Bytes("text/html; charset=utf-8", []byte(h2Page)) })
	echo := echoHandler(echoDone)
	ws := func(c *tako.Ctx) error {
		select {
		case protos <- c.Method() + " " + c.Protocol():
		default:
		}
		return echo(c)
	}
	app.Get("/echo", ws)
	app.Handle("CONNECT", "/echo", ws)
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
	t.Cleanup(func() { app.Shutdown(context.Background()) })
	addr := takoH2Server(t, app, devCert(t))
	_, port, _ := net.SplitHostPort(addr)

	cmd := exec.CommandContext(ctx, chromiumPath,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--ignore-certificate-errors",
		"--user-data-dir="+t.TempDir(), "https://localhost:"+port+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
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
	for i := 0; i < 100 && syscall.Kill(-cmd.Process.Pid, 0) == nil; i++ {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		time.Sleep(50 * time.Millisecond)
	}
	if raw == nil {
		t.Fatalf("no result from the page within 60s; chromium output:\n%s", stderr.tail(4000))
	}
	t.Logf("page result: %s", raw)
	var r struct {
		Text, Binary, Extensions, Error string
		CloseCode                       int
		WasClean                        bool
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("page result %q: %v", raw, err)
	}
	select {
	case p := <-protos:
		t.Logf("the WebSocket handshake came as %s", p)
		if p != "CONNECT HTTP/2.0" {
			t.Errorf("handshake %s, want an extended CONNECT over HTTP/2.0", p)
		}
	default:
		t.Error("the echo route saw no handshake")
	}
	if r.Error != "" || r.Text != "ok" || r.Binary != "ok" || r.CloseCode != 1000 || !r.WasClean {
		t.Errorf("page: %+v; want both round trips ok and a clean 1000 close", r)
	}
	if er := waitEcho(t, echoDone); er.closeCode != 1000 || er.err != nil || er.messages != 2 {
		t.Errorf("server saw %d messages, close code %d, error %v; want 2, 1000, nil", er.messages, er.closeCode, er.err)
	}
}
