package tako

import (
	"context"
	"errors"
	"net/http"

	"github.com/tako-go/tako/h3"
)

// WebTransport accepts the WebTransport session that an HTTP/3 extended CONNECT request
// asks for, with u's origin check (nil means the zero h3.Upgrader: same origin only), and
// calls fn with the session; the session is closed when fn returns. The App must serve
// HTTP/3 with Config.WebTransport on. Register the route for CONNECT:
//
//	app.Handle("CONNECT", "/wt", func(c *tako.Ctx) error {
//		return c.WebTransport(nil, func(s *h3.Session) {
//			str, err := s.AcceptStream(s.Context())
//			...
//		})
//	})
//
// A request that cannot be upgraded is not: WebTransport returns an *Error for the
// ErrorHandler to render, with status 400 (not a WebTransport request, or not over
// HTTP/3), 403 (refused origin), 501 (Config.WebTransport off) or 503 (shutting down).
// Headers set on c before the call are sent with the 200 response.
//
// fn runs before WebTransport returns; c stays valid meanwhile (c.Protocol is the request's
// :protocol, "webtransport-h3"). App.Shutdown closes every
// open session with h3.CodeGoingAway, so that calls on it in fn fail and fn returns, and
// waits (bounded by its context) until every fn has returned.
func (c *Ctx) WebTransport(u *h3.Upgrader, fn func(s *h3.Session)) error {
	if u == nil {
		u = &h3.Upgrader{}
	}
	if c.engine != NetHTTP || c.r.ProtoMajor != 3 {
		return NewError(http.StatusBadRequest, "WebTransport needs HTTP/3, not "+c.Protocol())
	}
	if err := u.Check(c.r); err != nil {
		var ue *h3.UpgradeError
		if errors.As(err, &ue) {
			return NewError(ue.Status, ue.Msg)
		}
		return NewError(http.StatusBadRequest, err.Error())
	}
	a := c.app
	if a.stopping.Load() {
		return NewError(http.StatusServiceUnavailable, "the server is shutting down")
	}
	sess, err := u.Upgrade(c.w, c.r)
	c.committed = true
	if err != nil {
		// Checked above, so the client did not complete the session setup (no SETTINGS in
		// time, no datagram support); h3 has answered.
		a.cfg.Logger.Warn("tako: WebTransport upgrade failed", "path", c.Path(), "err", err)
		return nil
	}
	c.status = http.StatusOK
	a.live.add()
	defer a.live.done()
	stop := context.AfterFunc(a.baseCtx, func() {
		sess.CloseWithError(h3.CodeGoingAway, "server shutting down")
	})
	defer stop()
	defer sess.CloseWithError(0, "")
	fn(sess)
	return nil
}
