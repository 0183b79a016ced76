package tako_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/sse"
)

// sseEvent is one event as a client parses it (comments skipped).
type sseEvent struct{ id, event, data string }

// sseClient reads an event stream incrementally with the net/http client.
type sseClient struct {
	t    *testing.T
	resp *http.Response
	br   *bufio.Reader
}

func openSSE(t *testing.T, h *harness, path string, hdr ...string) *sseClient {
	t.Helper()
	req, err := http.NewRequest("GET", h.url(path), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return &sseClient{t: t, resp: resp, br: bufio.NewReader(resp.Body)}
}

// next reads the next dispatched event; io.EOF when the stream ended.
func (s *sseClient) next() (sseEvent, error) {
	var e sseEvent
	var data []string
	seen := false
	for {
		line, err := s.br.ReadString('\n')
		if err != nil {
			return e, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			if seen {
				e.data = strings.Join(data, "\n")
				return e, nil
			}
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		name, val, _ := strings.Cut(line, ":")
		val = strings.TrimPrefix(val, " ")
		seen = true
		switch name {
		case "id":
			e.id = val
		case "event":
			e.event = val
		case "data":
			data = append(data, val)
		}
	}
}

func (s *sseClient) expect(id, data string) {
	s.t.Helper()
	e, err := s.next()
	if err != nil {
		s.t.Fatalf("waiting for event %s: %v", id, err)
	}
	if e.id != id || e.data != data {
		s.t.Fatalf("got event id %q data %q, want id %q data %q", e.id, e.data, id, data)
	}
}

func checkSSEHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

// TestServeHub checks a hub served through the facade: headers, each event readable
// before the next is published, and a reconnect that resumes from the replay buffer.
func TestServeHub(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		hub := sse.NewHub(nil)
		defer hub.Close()
		// A short heartbeat: on FastHTTP a departed client shows only as a failed write.
		app.Get("/events", tako.ServeHub(hub, tako.SSEOptions{Heartbeat: 10 * time.Millisecond}))
		h.start()

		c := openSSE(t, h, "/events")
		checkSSEHeaders(t, c.resp)
		waitSubscribers(t, hub, 1)
		for i, msg := range []string{"one", "two\nlines"} {
			id := hub.Publish(sse.Event{Data: []byte(msg)})
			if want := string(rune('1' + i)); id != want {
				t.Fatalf("Publish id %q, want %q", id, want)
			}
			c.expect(id, msg) // read before the next Publish: the event was flushed
		}
		c.resp.Body.Close()
		waitSubscribers(t, hub, 0) // the server noticed the client left

		hub.Publish(sse.Event{Data: []byte("three")}) // published while disconnected
		hub.Publish(sse.Event{Data: []byte("four")})
		r := openSSE(t, h, "/events", "Last-Event-ID: 2")
		checkSSEHeaders(t, r.resp)
		r.expect("3", "three")
		r.expect("4", "four")
		waitSubscribers(t, hub, 1)
		hub.Publish(sse.Event{Data: []byte("five")})
		r.expect("5", "five")

		q := openSSE(t, h, "/events?lastEventId=4") // query fallback for clients without headers
		q.expect("5", "five")

		hub.Close() // ends every stream
		if _, err := r.next(); err != io.EOF {
			t.Errorf("after hub.Close: %v, want io.EOF", err)
		}
		if resp := h.get("/events"); resp.status != 503 {
			t.Errorf("closed hub: status %d, want 503", resp.status)
		}
	})
}

// waitSubscribers polls hub.Len until it is n: the server subscribes and unsubscribes
// asynchronously from the client's point of view.
func waitSubscribers(t *testing.T, hub *sse.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for hub.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("hub has %d subscribers, want %d", hub.Len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSSE checks Ctx.SSE with events fed from a channel, Last-Event-ID, and that
// App.Shutdown ends an open stream.
func TestSSE(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		feed := make(chan string)
		gotLast := make(chan string, 1)
		app.Get("/sse", func(c *tako.Ctx) error {
			return c.SSE(func(s *tako.EventStream) error {
				gotLast <- s.LastEventID()
				for {
					select {
					case msg := <-feed:
						if err := s.Send(&sse.Event{ID: msg, Event: "tick", Data: []byte(msg)}); err != nil {
							return err
						}
					case <-s.Done():
						return nil
					}
				}
			})
		})
		h.start()

		c := openSSE(t, h, "/sse", "Last-Event-ID: 41")
		checkSSEHeaders(t, c.resp)
		if last := <-gotLast; last != "41" {
			t.Errorf("LastEventID %q, want 41", last)
		}
		for _, msg := range []string{"42", "43"} {
			feed <- msg
			e, err := c.next()
			if err != nil || e.id != msg || e.event != "tick" || e.data != msg {
				t.Fatalf("got %+v, %v; want event %s", e, err, msg)
			}
		}
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			shut <- h.app.Shutdown(ctx)
		}()
		if _, err := c.next(); err == nil {
			t.Errorf("stream still open after Shutdown")
		}
		if err := <-shut; err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
}

// TestSSEOutlivesWriteTimeout checks that an event stream is not cut by Config.WriteTimeout:
// each write has its own deadline instead.
func TestSSEOutlivesWriteTimeout(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{WriteTimeout: 100 * time.Millisecond})
		hub := sse.NewHub(nil)
		defer hub.Close()
		app.Get("/events", tako.ServeHub(hub))
		app.Get("/untimed", tako.ServeHub(hub, tako.SSEOptions{WriteTimeout: -1}))
		h.start()
		c := openSSE(t, h, "/events")
		u := openSSE(t, h, "/untimed")
		waitSubscribers(t, hub, 2)
		id := hub.Publish(sse.Event{Data: []byte("early")})
		c.expect(id, "early")
		u.expect(id, "early")
		time.Sleep(300 * time.Millisecond) // past the server's write timeout
		id = hub.Publish(sse.Event{Data: []byte("late")})
		c.expect(id, "late")
		u.expect(id, "late")
	})
}
