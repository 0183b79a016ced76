package h3

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/quic-go/quic-go/http3"
	"github.com/quic-go/webtransport-go"
)

// Session is a WebTransport session (webtransport-go's): AcceptStream and OpenStream(Sync)
// for bidirectional streams, AcceptUniStream and OpenUniStream(Sync) for unidirectional
// ones, SendDatagram and ReceiveDatagram for datagrams, CloseWithError to end it, and
// Context, which ends with the session.
type Session = webtransport.Session

// SessionErrorCode is the application error code of a closed session
// (Session.CloseWithError).
type SessionErrorCode = webtransport.SessionErrorCode

// CodeGoingAway is the session error code with which Shutdown closes open sessions.
const CodeGoingAway SessionErrorCode = 0x1001

// Upgrader turns an HTTP/3 extended CONNECT request (:protocol webtransport-h3) into a
// WebTransport session. The zero value allows same-origin requests only.
type Upgrader struct {
	// Origins lists the allowed values of the Origin header (such as
	// "https://app.example.com"), compared without regard to case; "*" allows any origin.
	// A request with no Origin header (a non-browser client) is always allowed.
	Origins []string
	// CheckOrigin, if set, decides instead of Origins and the same-origin rule.
	CheckOrigin func(r *http.Request) bool
}

// UpgradeError is a refused upgrade: Status is the HTTP status to answer with (400 for a
// request that is not a WebTransport CONNECT, 403 for a refused origin, 501 when the
// Server does not have WebTransport on, 503 when it is shutting down).
type UpgradeError struct {
	Status int
	Msg    string
}

// Error returns the message, prefixed with "h3: ".
func (e *UpgradeError) Error() string { return "h3: " + e.Msg }

// IsWebTransport reports whether r asks for a WebTransport session (an extended CONNECT
// with the webtransport-h3 protocol, or the "webtransport" of earlier drafts).
func IsWebTransport(r *http.Request) bool {
	return r.Method == http.MethodConnect && r.ProtoMajor == 3 &&
		(r.Proto == "webtransport-h3" || r.Proto == "webtransport")
}

// Check reports, without answering r, whether Upgrade would accept it: nil, or an
// *UpgradeError.
func (u *Upgrader) Check(r *http.Request) error {
	_, err := u.check(r)
	return err
}

func (u *Upgrader) check(r *http.Request) (*Server, error) {
	if !IsWebTransport(r) {
		return nil, &UpgradeError{http.StatusBadRequest, fmt.Sprintf("not a WebTransport request: %s %s", r.Method, r.Proto)}
	}
	s, _ := r.Context().Value(serverKey{}).(*Server)
	if s == nil || s.wt == nil {
		return nil, &UpgradeError{http.StatusNotImplemented, "WebTransport is not enabled on this server"}
	}
	if s.draining.Load() {
		return nil, &UpgradeError{http.StatusServiceUnavailable, "the server is shutting down"}
	}
	if !u.originOK(r) {
		return nil, &UpgradeError{http.StatusForbidden, fmt.Sprintf("origin %q not allowed for host %q", r.Header.Get("Origin"), r.Host)}
	}
	return s, nil
}

func (u *Upgrader) originOK(r *http.Request) bool {
	if u.CheckOrigin != nil {
		return u.CheckOrigin(r)
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(u.Origins) > 0 {
		for _, o := range u.Origins {
			if o == "*" || strings.EqualFold(o, origin) {
				return true
			}
		}
		return false
	}
	return SameOrigin(origin, r.Host)
}

// SameOrigin reports whether origin (an Origin header) names the host host (a Host or
// :authority value), port included. An empty origin is allowed: non-browser clients send
// none.
func SameOrigin(origin, host string) bool {
	if origin == "" {
		return true
	}
	o, err := url.Parse(origin)
	if err != nil || o.Host == "" {
		return false
	}
	return strings.EqualFold(o.Host, host)
}

// Upgrade accepts the WebTransport session r asks for, answering 200, and returns it. The
// session outlives the handler (close it with CloseWithError when done); Shutdown and
// Close close it. A refused request is answered with the UpgradeError's status and Upgrade
// returns that error.
func (u *Upgrader) Upgrade(w http.ResponseWriter, r *http.Request) (*Session, error) {
	s, err := u.check(r)
	if err != nil {
		var ue *UpgradeError
		errors.As(err, &ue)
		http.Error(w, ue.Msg, ue.Status)
		return nil, err
	}
	qw, ok := quicWriter(w)
	if !ok {
		http.Error(w, "WebTransport upgrade failed", http.StatusInternalServerError)
		return nil, errors.New("h3: WebTransport upgrade: the response writer does not lead to quic-go's (a wrapper without Unwrap?)")
	}
	w = qw
	if d, ok := w.(deadliner); ok {
		// The request's timeouts do not apply to the session, which lives on the stream.
		d.SetReadDeadline(time.Time{})
		d.SetWriteDeadline(time.Time{})
	}
	sess, err := s.wt.Upgrade(w, r)
	if err != nil {
		// webtransport-go refused (the client sent no SETTINGS in time or has no datagram
		// support); it has answered nothing.
		w.WriteHeader(http.StatusBadRequest)
		return nil, fmt.Errorf("h3: WebTransport upgrade: %w", err)
	}
	s.sessions.add(sess)
	return sess, nil
}

// quicWriter finds quic-go's response writer under w, since webtransport-go needs its
// HTTPStreamer and Settingser. Middleware may have wrapped w: wrappers are followed through
// their Unwrap method, as http.ResponseController does. Headers set so far through h3's
// own wrapper are checked on the way.
func quicWriter(w http.ResponseWriter) (http.ResponseWriter, bool) {
	for range 16 {
		if rw, ok := w.(*responseWriter); ok {
			rw.scrub()
			rw.sent = true
			return rw.w, true
		}
		_, streamer := w.(http3.HTTPStreamer)
		_, settings := w.(http3.Settingser)
		if streamer && settings {
			return w, true
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	return nil, false
}

// sessionSet holds the open sessions, for Shutdown to close.
type sessionSet struct {
	mu     sync.Mutex
	m      map[*Session]struct{}
	closed bool
}

func (ss *sessionSet) add(sess *Session) {
	ss.mu.Lock()
	if ss.closed {
		ss.mu.Unlock()
		sess.CloseWithError(CodeGoingAway, "server shutting down")
		return
	}
	if ss.m == nil {
		ss.m = make(map[*Session]struct{})
	}
	ss.m[sess] = struct{}{}
	ss.mu.Unlock()
	go func() {
		<-sess.Context().Done()
		ss.mu.Lock()
		delete(ss.m, sess)
		ss.mu.Unlock()
	}()
}

func (ss *sessionSet) closeAll() {
	ss.mu.Lock()
	ss.closed = true
	m := ss.m
	ss.m = nil
	ss.mu.Unlock()
	for sess := range m {
		sess.CloseWithError(CodeGoingAway, "server shutting down")
	}
}
