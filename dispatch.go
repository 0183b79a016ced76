package tako

import (
	"net/http"
	"time"

	"github.com/tako-go/tako/router"
)

// dispatch routes one request on either engine and renders any error. Routing fills the
// Params held inline in the Ctx, so a lookup allocates nothing.
func (a *App) dispatch(c *Ctx) {
	var err error
	if t := a.requestTopic(); t != nil { // TopicRequest (lifecycle.go)
		defer a.requestDone(c, t, time.Now(), &err)
	}
	defer func() {
		if rec := recover(); rec != nil {
			a.recovered(c, rec)
		}
	}()
	if v := a.h3.altSvc.Load(); v != nil { // HTTP/3 is served (http3.go)
		c.setAltSvc(v)
	}
	method := c.Method()
	var path string
	if c.engine == FastHTTP {
		path = b2s(c.fc.URI().PathOriginal())
	} else {
		path = router.RequestPath(c.r)
	}
	if ep, ok := a.routes.Find(method, path, &c.params); ok {
		c.ep = ep
		err = ep.h(c)
	} else {
		err = a.miss(c, method, path)
	}
	if err != nil {
		a.cfg.ErrorHandler(c, err)
	}
}

// miss answers a request no route matched: 405 with Allow (or the automatic OPTIONS
// answer), a redirect to the corrected path, or 404.
func (a *App) miss(c *Ctx, method, path string) error {
	if method == http.MethodConnect && c.isExtendedConnect() {
		// A WebSocket over HTTP/2 (RFC 8441) opens with CONNECT where HTTP/1.1 sends GET:
		// the GET route that upgrades serves both.
		if ep, ok := a.routes.Find(http.MethodGet, path, &c.params); ok {
			c.ep = ep
			return ep.h(c)
		}
	}
	res := a.routes.Lookup(method, path, &c.params)
	var err error
	switch {
	case res.Allow != "":
		c.SetHeader("Allow", res.Allow)
		if method == http.MethodOptions && !a.cfg.DisableAutoOptions {
			err = a.autoOptions(c)
		} else {
			err = a.notAllow(c)
		}
	default:
		if loc := a.fixPath(method, path); loc != "" {
			err = c.redirectTo(method, loc)
		} else {
			err = a.notFound(c)
		}
	}
	return err
}

// redirectTo sends the client to the corrected path loc, keeping the query: 301 for GET,
// 308 (method and body preserved) otherwise, as router.RedirectCode says.
func (c *Ctx) redirectTo(method, loc string) error {
	if q := c.RawQuery(); q != "" {
		loc += "?" + q
	}
	return c.Redirect(router.RedirectCode(method), loc)
}

// isExtendedConnect reports whether the request is an HTTP/2 extended CONNECT (RFC 8441),
// which net/http shows with a ":protocol" header.
func (c *Ctx) isExtendedConnect() bool {
	return c.engine == NetHTTP && c.r.ProtoMajor >= 2 && len(c.r.Header[":protocol"]) > 0
}
