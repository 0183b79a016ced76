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
