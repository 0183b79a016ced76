package ws

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// upgradeStream answers an RFC 8441 extended CONNECT request on an HTTP/2
// stream: 200 with the negotiated subprotocol and extensions, then the
// WebSocket frames flow in the request body (client to server) and the
// response body (server to client). Masking is as in RFC 6455: the client
// still masks.
func (u *Upgrader) upgradeStream(w http.ResponseWriter, r *http.Request, req *Request) (*Conn, error) {
	if !req.ExtendedConnect() {
		err := hsErr(400, "%s %s over HTTP/2 is not a WebSocket handshake: WebSocket over HTTP/2 is an extended CONNECT with :protocol websocket (RFC 8441)", r.Method, r.URL.Path)
		if r.Method != "GET" && r.Method != "CONNECT" {
			err = hsErr(405, "method %q is not CONNECT (WebSocket over HTTP/2, RFC 8441)", r.Method)
		}
		httpError(w, err)
		return nil, err
	}
	resp, err := u.negotiate(req)
	if err != nil {
		httpError(w, err)
		return nil, err
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	// The stream carries WebSocket frames, not a body with a type or length; with no
	// Content-Type, body-transforming wrappers (compression) also leave it alone.
	h.Del("Content-Length")
	h.Del("Content-Type")
	if resp.proto != "" {
		h.Set("Sec-WebSocket-Protocol", resp.proto)
	}
	if resp.ext != "" {
		h.Set("Sec-WebSocket-Extensions", resp.ext)
	}
	// The server's ReadTimeout and WriteTimeout apply to every stream;
	// a WebSocket outlives them, as a hijacked HTTP/1.1 connection does.
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil, err
	}
	return u.newConn(newServerStream(w, rc, r), nil, &resp), nil
}

// serverStream is the net.Conn a Conn runs on over an HTTP/2 stream: reads
// come from the request body, writes go to the ResponseWriter and are
// flushed at once (a Conn writes whole frames), deadlines go through the
// http.ResponseController.
//
// net/http panics when a ResponseWriter or its ResponseController is used
// after the handler returned, and a WebSocket is often written from other
// goroutines (broadcasts, a Shutdown hook). So every operation holds life
// for reading and fails with net.ErrClosed once Close ran; Close takes life
// for writing, which waits out an operation in progress. A write blocked
// on HTTP/2 flow control (a peer that stopped reading) would make Close
// wait forever: after closeWait Close resets the stream with a past write
// deadline, which fails the write.
type serverStream struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	body io.ReadCloser

	life   sync.RWMutex
	closed atomic.Bool

	laddr, raddr net.Addr
}

// closeWait bounds how long Close waits for a write in progress before
// resetting the stream.
const closeWait = time.Second

func newServerStream(w http.ResponseWriter, rc *http.ResponseController, r *http.Request) *serverStream {
	s := &serverStream{w: w, rc: rc, body: r.Body}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		s.laddr = a
	} else {
		s.laddr = streamAddr("")
	}
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		s.raddr = net.TCPAddrFromAddrPort(ap)
	} else {
		s.raddr = streamAddr(r.RemoteAddr)
	}
	return s
}

func (s *serverStream) Read(p []byte) (int, error) {
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	n, err := s.body.Read(p)
	if err != nil && s.closed.Load() {
		err = net.ErrClosed
	}
	return n, err
}

func (s *serverStream) Write(p []byte) (int, error) {
	s.life.RLock()
	defer s.life.RUnlock()
	if s.closed.Load() {
		return 0, net.ErrClosed
	}
	n, err := s.w.Write(p)
	if err == nil {
		err = s.rc.Flush()
	}
	return n, err
}

// Close ends the WebSocket's use of the stream: reads and writes fail from
// now on. The stream itself ends when the handler returns (END_STREAM,
// the orderly close of RFC 8441 section 4), or at once with RST_STREAM if
// a write was stuck.
func (s *serverStream) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.body.Close() // a pending Read returns
	if !s.life.TryLock() {
		deadline := time.Now().Add(closeWait)
		wait := 50 * time.Microsecond
		for !s.life.TryLock() {
			if time.Now().After(deadline) {
				// Still under RLock by the stuck writer, so the handler
				// has not returned: the controller may be used.
				s.rc.SetWriteDeadline(time.Unix(1, 0))
				s.life.Lock()
				break
			}
			time.Sleep(wait)
			wait = min(2*wait, 5*time.Millisecond)
		}
	}
	s.life.Unlock()
	return nil
}

func (s *serverStream) deadline(set func(time.Time) error, t time.Time) error {
	s.life.RLock()
	defer s.life.RUnlock()
	if s.closed.Load() {
		return net.ErrClosed
	}
	return set(t)
}

func (s *serverStream) SetReadDeadline(t time.Time) error {
	return s.deadline(s.rc.SetReadDeadline, t)
}

func (s *serverStream) SetWriteDeadline(t time.Time) error {
	return s.deadline(s.rc.SetWriteDeadline, t)
}

func (s *serverStream) SetDeadline(t time.Time) error {
	return errors.Join(s.SetReadDeadline(t), s.SetWriteDeadline(t))
}

func (s *serverStream) LocalAddr() net.Addr  { return s.laddr }
func (s *serverStream) RemoteAddr() net.Addr { return s.raddr }

// streamAddr is an address that net/http gave as a string only.
type streamAddr string

func (a streamAddr) Network() string { return "tcp" }
func (a streamAddr) String() string  { return string(a) }
