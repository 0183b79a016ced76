package tako

import (
	"net/http"

	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// WrapHTTP adapts any http.Handler into a Handler, so existing net/http code can serve a
// Tako route (see also Group.Mount). On the NetHTTP engine h runs directly on the
// request's ResponseWriter; on the FastHTTP engine it runs through fasthttp's adaptor,
// which converts the request and buffers the response (so allocates; streaming net/http
// handlers work but are buffered until they flush).
func WrapHTTP(h http.Handler) Handler {
	fast := fasthttpadaptor.NewFastHTTPHandler(h)
	return func(c *Ctx) error {
		if c.engine == FastHTTP {
			fast(c.fc)
			return nil
		}
		c.committed = true // h owns the response now
		h.ServeHTTP(c.w, c.r)
		return nil
	}
}

// WrapHTTPFunc is WrapHTTP for an http.HandlerFunc.
func WrapHTTPFunc(f http.HandlerFunc) Handler { return WrapHTTP(f) }

// WrapMiddleware adapts a net/http middleware (func(http.Handler) http.Handler) into a
// Middleware. The next Tako handler runs inside it on the ResponseWriter and Request the
// middleware passes on, so a middleware that wraps the writer (compression, logging,
// metrics) sees the response. On the FastHTTP engine this goes through fasthttp's adaptor:
// it allocates per request, the response is buffered, and handlers inside must not stream
// (Ctx.Stream), since the adaptor would return before they finish.
func WrapMiddleware(mw func(http.Handler) http.Handler) Middleware {
	return func(next Handler) Handler {
		var inner http.HandlerFunc = func(w http.ResponseWriter, r *http.Request) {
			c := r.Context().Value(ctxKey{}).(*Ctx)
			// Run next on the net/http view the middleware built.
			engine, fc, w0, r0, committed := c.engine, c.fc, c.w, c.r, c.committed
			c.engine, c.w, c.r, c.committed = NetHTTP, w, r, false
			if err := next(c); err != nil {
				c.app.cfg.ErrorHandler(c, err)
			}
			c.engine, c.fc, c.w, c.r, c.committed = engine, fc, w0, r0, committed || c.committed
		}
		h := mw(inner)
		fast := fasthttpadaptor.NewFastHTTPHandler(h)
		return func(c *Ctx) error {
			if c.engine == FastHTTP {
				c.fc.SetUserValue(ctxKey{}, c)
				fast(c.fc)
				c.fc.RemoveUserValue(ctxKey{})
				return nil
			}
			r := c.r.WithContext(contextWithCtx(c.r.Context(), c))
			h.ServeHTTP(c.w, r)
			return nil
		}
	}
}
