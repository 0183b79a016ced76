package wsbench

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	coder "github.com/coder/websocket"
	gorilla "github.com/gorilla/websocket"
	"github.com/tako-go/tako/ws"
)

func gorillaDial(tb testing.TB, url string, compress bool) *gorilla.Conn {
	d := gorilla.Dialer{EnableCompression: compress}
	c, resp, err := d.Dial(url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if compress && resp.Header.Get("Sec-WebSocket-Extensions") == "" {
		tb.Fatal("compression not negotiated")
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// interopMessages are round-tripped by every interop test: text, binary,
// an empty message, a 1 MB message and a compressible one.
func interopMessages() []struct {
	text bool
	p    []byte
} {
	return []struct {
		text bool
		p    []byte
	}{
		{true, []byte("hello, wörld")},
		{false, []byte{0, 1, 2, 0xff}},
		{true, nil},
		{false, bytes.Repeat([]byte{0xa5, 0x5a, 1}, 1<<20/3)},
		{true, []byte(strings.Repeat("compress me ", 10000))},
	}
}

// TestGorillaClientTakoServer: gorilla/websocket as the client.
func TestGorillaClientTakoServer(t *testing.T) {
	for _, compress := range []bool{false, true} {
		u := &ws.Upgrader{}
		if compress {
			u.Compression = &ws.CompressionOptions{}
		}
		for _, engine := range []string{"net/http", "fasthttp"} {
			if engine == "fasthttp" && compress {
				continue
			}
			t.Run(engine+"/compress="+map[bool]string{false: "no", true: "yes"}[compress], func(t *testing.T) {
				url := server(t, takoHandler(u))
				if engine == "fasthttp" {
					url = fastServer(t, takoFastHTTPHandler())
				}
				c := gorillaDial(t, url, compress)
				c.EnableWriteCompression(compress)
				for _, m := range interopMessages() {
					typ := gorilla.BinaryMessage
					if m.text {
						typ = gorilla.TextMessage
					}
					if err := c.WriteMessage(typ, m.p); err != nil {
						t.Fatal(err)
					}
					gt, got, err := c.ReadMessage()
					if err != nil || gt != typ || !bytes.Equal(got, m.p) {
						t.Fatalf("echo of %d bytes: type %d, %d bytes, %v", len(m.p), gt, len(got), err)
					}
				}
				// Ping is answered with a pong carrying the payload.
				pong := make(chan string, 1)
				c.SetPongHandler(func(s string) error { pong <- s; return nil })
				c.WriteControl(gorilla.PingMessage, []byte("are you there"), time.Now().Add(time.Second))
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				c.ReadMessage() // runs the pong handler, then times out
				if got := <-pong; got != "are you there" {
					t.Fatalf("pong %q", got)
				}
			})
		}
	}
}

func TestGorillaCleanClose(t *testing.T) {
	c := gorillaDial(t, server(t, takoHandler(&ws.Upgrader{})), false)
	c.WriteMessage(gorilla.CloseMessage, gorilla.FormatCloseMessage(gorilla.CloseGoingAway, "bye"))
	_, _, err := c.ReadMessage()
	if !gorilla.IsCloseError(err, gorilla.CloseGoingAway) {
		t.Fatalf("want close 1001 echoed, got %v", err)
	}
}

// TestTakoClientGorillaServer: tako's Dialer against gorilla's server.
func TestTakoClientGorillaServer(t *testing.T) {
	for _, compress := range []bool{false, true} {
		url := server(t, gorillaHandler(compress))
		d := ws.Dialer{}
		if compress {
			// gorilla supports only no_context_takeover.
			d.Compression = &ws.CompressionOptions{ClientNoContextTakeover: true, ServerNoContextTakeover: true}
		}
		c, resp, err := d.Dial(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if compress != (resp.Header.Get("Sec-WebSocket-Extensions") != "") {
			t.Fatalf("extensions %q", resp.Header.Get("Sec-WebSocket-Extensions"))
		}
		for _, m := range interopMessages() {
			op := ws.Binary
			if m.text {
				op = ws.Text
			}
			if err := c.WriteMessage(op, m.p); err != nil {
				t.Fatal(err)
			}
			gop, got, err := c.ReadMessage()
			if err != nil || gop != op || !bytes.Equal(got, m.p) {
				t.Fatalf("compress=%v echo of %d bytes: %s %d bytes %v", compress, len(m.p), gop, len(got), err)
			}
		}
		c.WriteClose(ws.CloseNormal, "done")
		if _, _, err := c.ReadMessage(); !ws.IsClose(err, ws.CloseNormal) {
			t.Fatalf("close: %v", err)
		}
		c.Close()
	}
}

// TestCoderClientTakoServer: coder/websocket with context takeover.
func TestCoderClientTakoServer(t *testing.T) {
	for _, mode := range []coder.CompressionMode{coder.CompressionDisabled, coder.CompressionContextTakeover, coder.CompressionNoContextTakeover} {
		url := server(t, takoHandler(&ws.Upgrader{Compression: &ws.CompressionOptions{}}))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, resp, err := coder.Dial(ctx, url, &coder.DialOptions{CompressionMode: mode, CompressionThreshold: 1})
		if err != nil {
			t.Fatal(err)
		}
		if (mode != coder.CompressionDisabled) != (resp.Header.Get("Sec-WebSocket-Extensions") != "") {
			t.Fatalf("mode %v: extensions %q", mode, resp.Header.Get("Sec-WebSocket-Extensions"))
		}
		c.SetReadLimit(4 << 20)
		for i := 0; i < 2; i++ { // twice: the second pass uses the takeover window
			for _, m := range interopMessages() {
				typ := coder.MessageBinary
				if m.text {
					typ = coder.MessageText
				}
				if err := c.Write(ctx, typ, m.p); err != nil {
					t.Fatal(err)
				}
				gt, got, err := c.Read(ctx)
				if err != nil || gt != typ || !bytes.Equal(got, m.p) {
					t.Fatalf("mode %v: echo of %d bytes: %v %d bytes %v", mode, len(m.p), gt, len(got), err)
				}
			}
		}
		if err := c.Close(coder.StatusNormalClosure, "bye"); err != nil {
			t.Fatalf("mode %v: clean close: %v", mode, err)
		}
	}
}

var _ = http.StatusOK
