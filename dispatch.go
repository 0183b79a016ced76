package tako

import (
	"net/http"
	"strings"
)

// dispatch routes one request on either engine and renders any error. Routing fills the
// Params held inline in the Ctx, so a lookup allocates nothing.
func (a *App) dispatch(c *Ctx) {
	defer func() {
		if rec := recover(); rec != nil {
			a.recovered(c, rec)
		}
	}()
	method := c.Method()
	var path string
	if c.engine == FastHTTP {
		path = b2s(c.fc.Path())
	} else {
		path = c.r.URL.Path
	}
	ep, tsr, allow := a.routes.lookup(method, path, &c.params)
	var err error
	switch {
	case ep != nil:
		c.ep = ep
		err = ep.h(c)
	case tsr && method != http.MethodConnect:
		err = c.redirectSlash(method, path)
	case allow != "":
		c.SetHeader("Allow", allow)
		if method == http.MethodOptions && !a.cfg.DisableAutoOptions {
			err = a.autoOptions(c)
		} else {
			err = a.notAllow(c)
		}
	default:
		err = a.notFound(c)
	}
	if err != nil {
		a.cfg.ErrorHandler(c, err)
	}
}

// redirectSlash sends the client to the path with the trailing slash added or removed:
// 301 for GET and HEAD, 308 (method and body preserved) otherwise.
func (c *Ctx) redirectSlash(method, path string) error {
	var loc string
	if len(path) > 1 && strings.HasSuffix(path, "/") {
		loc = path[:len(path)-1]
	} else {
		loc = path + "/"
	}
	if q := c.RawQuery(); q != "" {
		loc += "?" + q
	}
	code := http.StatusPermanentRedirect
	if method == http.MethodGet || method == http.MethodHead {
		code = http.StatusMovedPermanently
	}
	return c.Redirect(code, loc)
}
