// Package interop_test checks Tako's WebSocket and Server-Sent Events support against real
// clients that are not written in Go: Node's ws package (node_ws_test.go) and headless
// Chromium's WebSocket and EventSource (chromium_test.go). Each test skips, saying why,
// when its client is not installed; .ci/run installs both.
package interop_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/ws"
)

var engines = []tako.Engine{tako.FastHTTP, tako.NetHTTP}

func init() {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// countingListener counts the bytes the server reads from its clients, so a test can tell
// that compressed messages really were compressed on the wire, and keeps the accepted
// connections by remote address so a test can cut one.
type countingListener struct {
	net.Listener
	read  atomic.Int64
	mu    sync.Mutex
	conns map[string]net.Conn
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns[c.RemoteAddr().String()] = c
	l.mu.Unlock()
	return &countingConn{Conn: c, n: &l.read}, nil
}

// conn returns the accepted connection whose remote address is addr.
func (l *countingListener) conn(addr string) net.Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns[addr]
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// serve serves app on a loopback port until the test ends and returns the base URL.
func serve(t *testing.T, app *tako.App) (string, *countingListener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cl := &countingListener{Listener: ln, conns: map[string]net.Conn{}}
	served := make(chan error, 1)
	go func() { served <- app.Serve(cl) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), cl
}

// echoResult is what the echo route saw on one connection.
type echoResult struct {
	messages  int   // data messages echoed
	closeCode int   // the client's close code, 0 if it did not send one
	err       error // the read error that ended the connection when it was not a close
}

// echoHandler upgrades with permessage-deflate and echoes every data message with its
// type; when the connection ends it sends what it saw on done.
func echoHandler(done chan<- echoResult) tako.Handler {
	up := &ws.Upgrader{Compression: &ws.CompressionOptions{}}
	return func(c *tako.Ctx) error {
		return c.Upgrade(up, func(conn *ws.Conn) {
			var r echoResult
			for {
				conn.SetReadDeadline(time.Now().Add(30 * time.Second))
				op, msg, err := conn.ReadMessage()
				if err != nil {
					var ce *ws.CloseError
					if errors.As(err, &ce) {
						r.closeCode = ce.Code
					} else {
						r.err = err
					}
					break
				}
				conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
				if err := conn.WriteMessage(op, msg); err != nil {
					r.err = err
					break
				}
				r.messages++
			}
			select {
			case done <- r:
			default:
			}
		})
	}
}

// waitEcho waits for the echo route's report on its connection.
func waitEcho(t *testing.T, done <-chan echoResult) echoResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("the echo connection did not end within 30s")
		return echoResult{}
	}
}
