package tako_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/ws"
)

// echoApp serves /echo, a WebSocket echo through Ctx.Upgrade with compression enabled.
func echoApp(h *harness) {
	app := h.newApp()
	up := &ws.Upgrader{Compression: &ws.CompressionOptions{}}
	app.Get("/echo", func(c *tako.Ctx) error {
		c.SetHeader("X-Echo", "yes")
		return c.Upgrade(up, func(conn *ws.Conn) {
			var buf []byte
			for {
				op, msg, err := conn.AppendMessage(buf[:0])
				if err != nil {
					return
				}
				buf = msg
				if err := conn.WriteMessage(op, msg); err != nil {
					return
				}
			}
		})
	})
	h.start()
}

func dialEcho(t *testing.T, h *harness, d *ws.Dialer) (*ws.Conn, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := d.Dial(ctx, "ws://"+h.addr+"/echo")
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	return conn, resp
}

func roundTrip(t *testing.T, conn *ws.Conn, op ws.MessageType, p []byte) {
	t.Helper()
	if err := conn.WriteMessage(op, p); err != nil {
		t.Fatalf("WriteMessage: %v", err)
	}
	gotOp, got, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("ReadMessage: %v", err)
	}
	if gotOp != op || !bytes.Equal(got, p) {
		t.Fatalf("echo: got op %v, %d bytes; want op %v, %d bytes", gotOp, len(got), op, len(p))
	}
}

func TestUpgradeEcho(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		echoApp(h)
		conn, resp := dialEcho(t, h, &ws.Dialer{})
		if resp.StatusCode != 101 || resp.Header.Get("X-Echo") != "yes" {
			t.Errorf("handshake response: %d, X-Echo %q", resp.StatusCode, resp.Header.Get("X-Echo"))
		}
		if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
			t.Errorf("extension %q negotiated though the client offered none", ext)
		}
		roundTrip(t, conn, ws.Text, []byte("hello, tako"))
		roundTrip(t, conn, ws.Binary, []byte{0, 1, 2, 0xff, 0xfe})
		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
		big[12345] = 'Z'
		roundTrip(t, conn, ws.Binary, big)
		// Clean close: the server echoes the close frame with the same code.
		if err := conn.WriteClose(ws.CloseNormal, "bye"); err != nil {
			t.Fatal(err)
		}
		_, _, err := conn.ReadMessage()
		var ce *ws.CloseError
		if !errors.As(err, &ce) || ce.Code != ws.CloseNormal {
			t.Errorf("after close: %v, want a *ws.CloseError with code 1000", err)
		}
		conn.Close()
	})
}

func TestUpgradeCompressed(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		echoApp(h)
		conn, resp := dialEcho(t, h, &ws.Dialer{Compression: &ws.CompressionOptions{}})
		defer conn.Close()
		if ext := resp.Header.Get("Sec-WebSocket-Extensions"); !strings.HasPrefix(ext, "permessage-deflate") {
			t.Fatalf("Sec-WebSocket-Extensions %q, want permessage-deflate", ext)
		}
		msg := []byte(strings.Repeat("compressible text, ", 500))
		roundTrip(t, conn, ws.Text, msg)
		roundTrip(t, conn, ws.Text, msg) // context takeover: the second reuses the window
		big := bytes.Repeat([]byte("a 1 MiB compressed message "), (1<<20)/27)
		roundTrip(t, conn, ws.Binary, big)
	})
}

func TestUpgradeBadHandshake(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		echoApp(h)
		good := []string{"Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="}
		with := func(repl ...string) []string {
			out := append([]string(nil), good...)
			for _, r := range repl {
				name, _, _ := strings.Cut(r, ":")
				for i, g := range out {
					if gn, _, _ := strings.Cut(g, ":"); gn == name {
						out[i] = r
					}
				}
				if !strings.Contains(strings.Join(out, "\n"), r) {
					out = append(out, r)
				}
			}
			return out
		}
		cases := []struct {
			name   string
			hdr    []string
			status int
		}{
			{"no upgrade", []string{"Sec-WebSocket-Version: 13"}, 400},
			{"version", with("Sec-WebSocket-Version: 8"), 426},
			{"key", with("Sec-WebSocket-Key: short"), 400},
			{"origin", with("Origin: http://evil.example"), 403},
		}
		for _, tc := range cases {
			r := h.get("/echo", tc.hdr...)
			if r.status != tc.status {
				t.Errorf("%s: status %d, want %d (%s)", tc.name, r.status, tc.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q, want problem+json", tc.name, ct)
			}
			if tc.status == 426 && r.header.Get("Sec-WebSocket-Version") != "13" {
				t.Errorf("426 without Sec-WebSocket-Version: 13")
			}
		}
		// The connection still works for a real handshake after the refusals.
		conn, _ := dialEcho(t, h, &ws.Dialer{})
		roundTrip(t, conn, ws.Text, []byte("still here"))
		conn.Close()
	})
}

// TestUpgradeShutdown checks that App.Shutdown closes open WebSockets with 1001 and waits
// for their handlers.
func TestUpgradeShutdown(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		echoApp(h)
		conn, _ := dialEcho(t, h, &ws.Dialer{})
		defer conn.Close()
		roundTrip(t, conn, ws.Text, []byte("before shutdown"))
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			shut <- h.app.Shutdown(ctx)
		}()
		_, _, err := conn.ReadMessage() // the client answers the close frame here
		var ce *ws.CloseError
		if !errors.As(err, &ce) || ce.Code != ws.CloseGoingAway {
			t.Errorf("read during shutdown: %v, want a *ws.CloseError with code 1001", err)
		}
		if err := <-shut; err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
}

// TestUpgradeStatusForMiddleware checks that middleware sees 101 after an upgrade.
func TestUpgradeStatusForMiddleware(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		status := make(chan int, 1)
		app.Use(func(next tako.Handler) tako.Handler {
			return func(c *tako.Ctx) error {
				err := next(c)
				status <- c.ResponseStatus()
				return err
			}
		})
		app.Get("/ws", func(c *tako.Ctx) error {
			return c.Upgrade(nil, func(conn *ws.Conn) {})
		})
		h.start()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, _, err := (&ws.Dialer{}).Dial(ctx, "ws://"+h.addr+"/ws")
		if err != nil {
			t.Fatal(err)
		}
		conn.Close()
		if got := <-status; got != 101 {
			t.Errorf("ResponseStatus after Upgrade: %d, want 101", got)
		}
	})
}

// TestUpgradeOutlivesServerTimeouts checks that a WebSocket is not cut by the HTTP
// server's read and write timeouts, which bound requests, not upgraded connections.
func TestUpgradeOutlivesServerTimeouts(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		cfg := tako.Config{ReadTimeout: 100 * time.Millisecond, ReadHeaderTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond}
		app := h.newApp(cfg)
		app.Get("/echo", func(c *tako.Ctx) error {
			return c.Upgrade(nil, func(conn *ws.Conn) {
				for {
					op, msg, err := conn.ReadMessage()
					if err != nil {
						return
					}
					if conn.WriteMessage(op, msg) != nil {
						return
					}
				}
			})
		})
		h.start()
		conn, _ := dialEcho(t, h, &ws.Dialer{})
		defer conn.Close()
		roundTrip(t, conn, ws.Text, []byte("before"))
		time.Sleep(300 * time.Millisecond) // idle past every server timeout
		roundTrip(t, conn, ws.Text, []byte("after the server's timeouts"))
	})
}

// TestUpgradeRefusesGETOverHTTP2 checks that an RFC 6455 GET handshake over HTTP/2 is
// refused with 400 naming RFC 8441's extended CONNECT, rather than hijacked
// (upgrade_http2_test.go tests the extended CONNECT itself).
func TestUpgradeRefusesGETOverHTTP2(t *testing.T) {
	app := tako.New(tako.Config{Engine: tako.NetHTTP})
	app.Get("/ws", func(c *tako.Ctx) error {
		return c.Upgrade(nil, func(conn *ws.Conn) { t.Error("upgraded over HTTP/2") })
	})
	req := httptest.NewRequest("GET", "/ws", nil)
	req.Proto, req.ProtoMajor, req.ProtoMinor = "HTTP/2.0", 2, 0
	for k, v := range map[string]string{"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="} {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "extended CONNECT") {
		t.Errorf("got %d %s, want 400 naming extended CONNECT", rec.Code, rec.Body)
	}
}
