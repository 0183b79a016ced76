package tako

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tako-go/tako/sse"
)

// Event-stream defaults, matching the sse package's Hub.
const (
	defaultSSEHeartbeat    = 15 * time.Second
	defaultSSEWriteTimeout = 10 * time.Second
)

// The comments an event stream opens with and sends as heartbeats.
var (
	sseOpen      = []byte(": ok\n\n")
	sseHeartbeat = []byte(":\n\n")
)

// EventStream writes Server-Sent Events to one client, on either engine. Every Send and
// WriteRaw is flushed at once, and bounded by the write timeout so that a stuck client
// cannot hold the stream. It is valid only inside the function given to Ctx.SSE.
type EventStream struct {
	nc      net.Conn // FastHTTP: the connection, for write deadlines
	sw      *StreamWriter
	buf     []byte
	lastID  string
	ctx     context.Context
	timeout time.Duration
}

// SSE streams Server-Sent Events: it sets the event-stream headers (Content-Type:
// text/event-stream, Cache-Control: no-cache, X-Accel-Buffering: no), sends the 200 at
// once and calls fn, which sends events until EventStream.Done is closed (the client went
// away or the App is shutting down) or it has nothing more to send. The client's
// Last-Event-ID (header, or the lastEventId query parameter) is EventStream.LastEventID.
//
// As with Stream, fn runs before SSE returns on NetHTTP and on its own goroutine after the
// handler returns on FastHTTP, where the client's departure shows only as a failed write:
// send heartbeats (EventStream.Heartbeat) on idle streams. App.Shutdown closes Done and
// waits for fn to return. Config.WriteTimeout does not cut the stream: each write has its
// own ten-second deadline instead.
func (c *Ctx) SSE(fn func(s *EventStream) error) error {
	if c.app.stopping.Load() {
		return NewError(http.StatusServiceUnavailable, "the server is shutting down")
	}
	c.SetHeader("Cache-Control", "no-cache")
	c.SetHeader("X-Accel-Buffering", "no")
	a := c.app
	a.live.add()
	ran, sync := false, c.engine == NetHTTP // on NetHTTP fn runs before Stream returns
	var base context.Context = context.Background()
	var nc net.Conn
	if c.engine == NetHTTP {
		base = c.r.Context()
	} else {
		// fasthttp recycles its RequestCtx as soon as the connection fails, which may be
		// while fn still runs: take what the stream needs from it now.
		nc = c.fc.Conn()
	}
	last := c.Header("Last-Event-ID")
	if last == "" {
		last = c.Query("lastEventId")
	}
	last = strings.Clone(last)
	err := c.Stream("text/event-stream", func(w *StreamWriter) error {
		if sync {
			ran = true
		}
		defer a.live.done()
		ctx, cancel := context.WithCancel(base)
		defer cancel()
		stop := context.AfterFunc(a.baseCtx, cancel)
		defer stop()
		s := EventStream{nc: nc, sw: w, lastID: last, ctx: ctx, timeout: defaultSSEWriteTimeout}
		// A comment makes both engines send the status and headers now, so the client
		// sees the stream open before the first event.
		if err := s.WriteRaw(sseOpen); err != nil {
			return nil
		}
		return fn(&s)
	})
	if sync && !ran { // on FastHTTP the stream function always runs
		a.live.done()
	}
	return err
}

// LastEventID is the ID a reconnecting client last received ("" on a first connection).
func (s *EventStream) LastEventID() string { return s.lastID }

// Done is closed when the client has gone away (NetHTTP; on FastHTTP a write fails
// instead) or the App is shutting down. The stream function should then return.
func (s *EventStream) Done() <-chan struct{} { return s.ctx.Done() }

// Context is canceled when Done is closed.
func (s *EventStream) Context() context.Context { return s.ctx }

// Send writes one event and flushes it. It reuses one encoding buffer.
func (s *EventStream) Send(e *sse.Event) error {
	s.buf = sse.AppendEvent(s.buf[:0], e)
	return s.WriteRaw(s.buf)
}

// Heartbeat writes a comment line, ignored by clients, and flushes: it keeps proxies from
// timing out an idle stream and finds out that a client has gone.
func (s *EventStream) Heartbeat() error { return s.WriteRaw(sseHeartbeat) }

// WriteRaw writes bytes already in event-stream form (as sse.AppendEvent and sse.Hub
// encode them) and flushes.
func (s *EventStream) WriteRaw(p []byte) error {
	if err := s.write(p); err != nil {
		return err
	}
	return s.flush()
}

func (s *EventStream) write(p []byte) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	s.deadline()
	_, err := s.sw.Write(p)
	return err
}

func (s *EventStream) flush() error {
	s.deadline()
	return s.sw.Flush()
}

// deadline bounds the next write by the stream's write timeout, replacing the server's
// deadline for the whole response.
func (s *EventStream) deadline() {
	var t time.Time // no timeout: clear the server's response deadline
	if s.timeout > 0 {
		t = time.Now().Add(s.timeout)
	}
	if s.nc != nil {
		s.nc.SetWriteDeadline(t)
	} else if s.sw.rc != nil {
		s.sw.rc.SetWriteDeadline(t)
	}
}

// SSEOptions configure ServeHub. The zero value works: a heartbeat every 15 seconds and a
// 10-second timeout on every write.
type SSEOptions struct {
	// Heartbeat is the interval of keep-alive comments on an idle stream (default 15s;
	// negative disables). On FastHTTP it is also how soon a departed client is noticed.
	Heartbeat time.Duration
	// WriteTimeout bounds each write to the client (default 10s; negative: no deadline,
	// and Config.WriteTimeout does not apply either).
	WriteTimeout time.Duration
}

// ServeHub returns a Handler that streams hub's events to each client on either engine,
// the facade counterpart of sse.Hub.ServeHTTP: a reconnecting client's Last-Event-ID is
// replayed from the hub's buffer, queued events are written in batches with one flush per
// batch, and the stream ends when the client goes away, its subscription ends (the hub's
// slow-consumer policy) or the hub or the App shuts down. A closed hub answers 503.
func ServeHub(hub *sse.Hub, opt ...SSEOptions) Handler {
	var o SSEOptions
	if len(opt) > 0 {
		o = opt[0]
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = defaultSSEHeartbeat
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = defaultSSEWriteTimeout
	}
	return func(c *Ctx) error {
		last := c.Header("Last-Event-ID")
		if last == "" {
			last = c.Query("lastEventId")
		}
		sub, err := hub.Subscribe(last)
		if err != nil {
			return NewError(http.StatusServiceUnavailable, "the event stream is closed")
		}
		err = c.SSE(func(s *EventStream) error {
			defer sub.Unsubscribe()
			s.timeout = o.WriteTimeout
			var tick <-chan time.Time
			if o.Heartbeat > 0 {
				t := time.NewTicker(o.Heartbeat)
				defer t.Stop()
				tick = t.C
			}
			var batch [][]byte
			for {
				select {
				case <-sub.Ready():
					batch = sub.Drain(batch[:0])
					for _, p := range batch {
						if err := s.write(p); err != nil {
							return nil
						}
					}
					if err := s.flush(); err != nil {
						return nil
					}
				case <-sub.Done():
					return nil
				case <-s.Done():
					return nil
				case <-tick:
					if err := s.Heartbeat(); err != nil {
						return nil
					}
				}
			}
		})
		if err != nil {
			sub.Unsubscribe()
		}
		return err
	}
}
