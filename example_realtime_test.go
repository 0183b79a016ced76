package tako_test

import (
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/sse"
	"github.com/tako-go/tako/ws"
)

// A WebSocket echo on either engine. The room name is copied before Upgrade: on FastHTTP
// the connection function runs after the handler has returned.
func ExampleCtx_Upgrade() {
	app := tako.New()
	up := &ws.Upgrader{Compression: &ws.CompressionOptions{}}
	app.Get("/echo/:room", func(c *tako.Ctx) error {
		room := c.ParamCopy("room")
		return c.Upgrade(up, func(conn *ws.Conn) {
			_ = room
			var buf []byte
			for {
				op, msg, err := conn.AppendMessage(buf[:0])
				if err != nil {
					return // the peer closed, or the App is shutting down (1001)
				}
				buf = msg
				if err := conn.WriteMessage(op, msg); err != nil {
					return
				}
			}
		})
	})
}

// A hub serving a route on either engine; the hub closes when the App shuts down.
func ExampleServeHub() {
	app := tako.New()
	hub := sse.NewHub(nil)
	app.Get("/events", tako.ServeHub(hub))
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				hub.Publish(sse.Event{Event: "tick", Data: []byte(now.Format(time.RFC3339))})
			case <-app.Done():
				hub.Close()
				return
			}
		}
	}()
}

// One event stream without a hub.
func ExampleCtx_SSE() {
	app := tako.New()
	app.Get("/countdown", func(c *tako.Ctx) error {
		return c.SSE(func(s *tako.EventStream) error {
			for i := 3; i > 0; i-- {
				if err := s.Send(&sse.Event{Data: []byte{'0' + byte(i)}}); err != nil {
					return err // the client went away
				}
				select {
				case <-time.After(time.Second):
				case <-s.Done():
					return nil
				}
			}
			return nil
		})
	})
}
