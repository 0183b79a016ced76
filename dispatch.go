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
	res := a.routes.Lookup(method, path, &c.params)
	switch {
	case res.OK:
		c.ep = res.Handler
		err = res.Handler.h(c)
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
	if err != nil {
		a.cfg.ErrorHandler(c, err)
	}
}

// redirectTo sends the client to the corrected path loc, keeping the query: 301 for GET,
// 308 (method and body preserved) otherwise, as router.RedirectCode says.
func (c *Ctx) redirectTo(method, loc string) error {
	if q := c.RawQuery(); q != "" {
		loc += "?" + q
	}
	return c.Redirect(router.RedirectCode(method), loc)
}
