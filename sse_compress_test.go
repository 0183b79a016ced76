package tako_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/middleware/compress"
	"github.com/tako-go/tako/sse"
	"github.com/tako-go/tako/ws"
)

// TestRealtimeThroughCompression checks that the compression middleware neither buffers an
// event stream (each gzip-compressed event is readable before the next is published) nor
// breaks a WebSocket upgrade.
func TestRealtimeThroughCompression(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Use(compress.New(compress.Config{MinSize: 1}))
		hub := sse.NewHub(nil)
		defer hub.Close()
		app.Get("/events", tako.ServeHub(hub))
		app.Get("/ws", func(c *tako.Ctx) error {
			return c.Upgrade(nil, func(conn *ws.Conn) {
				op, msg, err := conn.ReadMessage()
				if err == nil {
					conn.WriteMessage(op, msg)
				}
			})
		})
		h.start()

		req, _ := http.NewRequest("GET", h.url("/events"), nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := h.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		checkSSEHeaders(t, resp)
		if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("Content-Encoding %q, want gzip", ce)
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		c := &sseClient{t: t, resp: resp, br: bufio.NewReader(zr)}
		waitSubscribers(t, hub, 1)
		for _, msg := range []string{"first", "second", strings.Repeat("long ", 1000)} {
			id := hub.Publish(sse.Event{Data: []byte(msg)})
			c.expect(id, msg)
		}

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d := ws.Dialer{Header: http.Header{"Accept-Encoding": {"gzip"}}}
		conn, _, err := d.Dial(ctx, "ws://"+h.addr+"/ws")
		if err != nil {
			t.Fatalf("Dial through the compression middleware: %v", err)
		}
		defer conn.Close()
		roundTrip(t, conn, ws.Text, []byte("through compress"))
	})
}
