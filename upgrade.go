package tako

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/tako-go/tako/ws"
)

// wsCloseGrace is how long a WebSocket closed by App.Shutdown waits for the peer's close
// frame before its reads fail.
const wsCloseGrace = 2 * time.Second

// Upgrade answers a WebSocket opening handshake (RFC 6455) with u (nil means the zero
// ws.Upgrader: same-origin check, no compression) on whichever engine served the request,
// and calls fn with the connection. The connection is closed when fn returns.
//
// Over HTTP/2 (NetHTTP engine, TLS or h2c) the handshake is RFC 8441's extended CONNECT
// (:method CONNECT, :protocol websocket), answered with 200, and the WebSocket runs on that
// stream. The GET route that upgrades serves it: an extended CONNECT that no CONNECT route
// matches is routed as a GET. Go 1.26's HTTP/2 server advertises extended CONNECT only
// when the program opts in (Go issue 71128): put the directive //go:debug http2xconnect=1
// in the main package, start the process with GODEBUG=http2xconnect=1, or import
// github.com/tako-go/tako/ws/xconnect for its side effect. Without it Go's HTTP/2 server
// refuses such requests itself and browsers open their WebSockets over HTTP/1.1, which
// works as well. (Tako does not opt in for you: browsers would then open every WebSocket
// to the origin over HTTP/2, which another WebSocket library mounted in the same server may
// not support.)
//
// A bad handshake is not upgraded: Upgrade returns an *Error with the status RFC 6455 asks
// for (405 for a method other than GET, 426 with Sec-WebSocket-Version: 13 for another
// version, 403 for a refused origin, 400 otherwise), which the handler returns so that the
// ErrorHandler renders it. Headers set on c before the call (cookies, ...) are sent with the
// 101 response.
//
// The engines differ in when fn runs:
//
//   - NetHTTP: the connection is hijacked (HTTP/1.1) or the stream is taken over (HTTP/2)
//     and fn runs before Upgrade returns; Upgrade returns nil when fn returns. c stays valid
//     while fn runs.
//   - FastHTTP: fasthttp sends the 101 response after the handler returns and then runs fn
//     on the hijacked connection, on its own goroutine; Upgrade returns nil at once and the
//     handler should return. c is recycled by then: fn must not use c (copy what it needs
//     from the request, such as parameters, before calling Upgrade).
//
// On both engines App.Shutdown sends every open connection a close frame with status 1001
// (going away), gives the peer two seconds to answer it, and waits (bounded by its context)
// until every fn has returned; reads in fn then fail with a *ws.CloseError or a timeout, and
// fn should return.
func (c *Ctx) Upgrade(u *ws.Upgrader, fn func(conn *ws.Conn)) error {
	if u == nil {
		u = &ws.Upgrader{}
	}
	var req ws.Request
	if c.engine == FastHTTP {
		req = ws.RequestFromFastHTTP(c.fc)
	} else {
		if (c.r.ProtoMajor != 1 || c.r.ProtoMinor < 1) && c.r.ProtoMajor != 2 {
			return Errorf(http.StatusBadRequest, "WebSocket upgrade needs HTTP/1.1 or HTTP/2, not %s", c.r.Proto)
		}
		req = ws.RequestFromHTTP(c.r)
		if c.r.ProtoMajor == 2 && !req.ExtendedConnect() {
			if req.Method != http.MethodGet {
				c.SetHeader("Allow", "GET, CONNECT")
				return Errorf(http.StatusMethodNotAllowed, "WebSocket over HTTP/2 is an extended CONNECT (RFC 8441), not %s", req.Method)
			}
			return NewError(http.StatusBadRequest, "WebSocket over HTTP/2 is an extended CONNECT with :protocol websocket (RFC 8441), not a GET")
		}
	}
	if err := checkHandshake(u, &req); err != nil {
		var he *ws.HandshakeError
		status := http.StatusBadRequest
		if errors.As(err, &he) {
			status = he.Status
		}
		if status == http.StatusUpgradeRequired {
			c.SetHeader("Sec-WebSocket-Version", "13")
		}
		return NewError(status, err.Error())
	}
	if c.app.stopping.Load() {
		return NewError(http.StatusServiceUnavailable, "the server is shutting down")
	}
	a := c.app
	run := func(conn *ws.Conn) {
		a.live.add()
		defer a.live.done()
		fired := make(chan struct{})
		stop := context.AfterFunc(a.baseCtx, func() {
			defer close(fired)
			conn.WriteClose(ws.CloseGoingAway, "server shutting down")
			conn.SetReadDeadline(time.Now().Add(wsCloseGrace))
		})
		defer func() {
			if !stop() {
				<-fired // the connection is closed (and, on FastHTTP, recycled) after this
			}
		}()
		fn(conn)
	}
	if c.engine == FastHTTP {
		if err := u.UpgradeFastHTTP(c.fc, run); err != nil {
			return err // not reached: the handshake was checked above
		}
		c.status = http.StatusSwitchingProtocols // for logging middleware
		return nil
	}
	conn, err := u.Upgrade(c.w, c.r)
	if err != nil {
		// The handshake was checked above, so this is a failed hijack or write; ws has
		// answered what could still be answered.
		c.committed = true
		a.cfg.Logger.Warn("tako: WebSocket upgrade failed", "path", c.Path(), "err", err)
		return nil
	}
	c.committed = true
	c.status = http.StatusSwitchingProtocols
	if c.r.ProtoMajor == 2 {
		c.status = http.StatusOK // RFC 8441 answers the CONNECT with 200
	}
	defer conn.Close()
	run(conn)
	return nil
}

// checkHandshake validates r the way ws.Upgrader does before answering, so that a bad
// handshake is returned as an error for the ErrorHandler instead of being answered by ws.
func checkHandshake(u *ws.Upgrader, r *ws.Request) error {
	if err := r.Check(); err != nil {
		return err
	}
	ok := false
	if u.CheckOrigin != nil {
		ok = u.CheckOrigin(r)
	} else {
		ok = ws.SameOrigin(r.Origin, r.Host)
	}
	if !ok {
		return &ws.HandshakeError{Status: http.StatusForbidden, Msg: "origin " + r.Origin + " not allowed for host " + r.Host}
	}
	return nil
}

// liveHandlers counts the long-lived handlers (WebSocket connections, event streams) that
// outlive the HTTP servers' own bookkeeping, so that App.Shutdown can wait for them.
type liveHandlers struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0
}

func (l *liveHandlers) add() {
	l.mu.Lock()
	if l.n == 0 {
		l.zero = make(chan struct{})
	}
	l.n++
	l.mu.Unlock()
}

func (l *liveHandlers) done() {
	l.mu.Lock()
	l.n--
	if l.n == 0 {
		close(l.zero)
	}
	l.mu.Unlock()
}

// wait returns when no live handler is left, or with ctx's error.
func (l *liveHandlers) wait(ctx context.Context) error {
	l.mu.Lock()
	if l.n == 0 {
		l.mu.Unlock()
		return nil
	}
	z := l.zero
	l.mu.Unlock()
	select {
	case <-z:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done returns a channel that is closed when App.Shutdown begins, for background work tied
// to the App (tickers, broadcasters) to stop, and hubs to close.
func (a *App) Done() <-chan struct{} { return a.baseCtx.Done() }
