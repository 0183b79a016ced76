package router

import (
	"net/http"
	"strings"
)

// HandlerFunc is the handler type of Mux. The parameters come by value, so
// no pool and no allocation is needed to hand them over; their values alias
// the request path and are valid while the request is.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, ps Params)

// Mux is an http.Handler that routes with a Router. Its zero value is ready
// to use: it redirects trailing-slash and unclean paths, answers OPTIONS with
// the allowed methods, 405 with an Allow header, and 404 otherwise.
//
// Routes registered with HandleFunc get their parameters as an argument and
// cost no allocation to route; routes registered with Handle take a plain
// http.Handler, which reads parameters with r.PathValue (setting them costs
// net/http an allocation per request that has parameters).
type Mux struct {
	// Router holds the routes. It may be used directly, for Routes or for
	// lookups outside HTTP serving.
	Router Router[HandlerFunc]

	// NotFound answers requests no route matches; nil means http.NotFound.
	NotFound http.Handler
	// MethodNotAllowed answers requests whose path matches only routes of
	// other methods, after the Allow header is set; nil means a plain 405.
	MethodNotAllowed http.Handler

	// NoTrailingSlashRedirect turns off the redirect of "/a/" to "/a" (or
	// the reverse) when only the other one has a route.
	NoTrailingSlashRedirect bool
	// NoCleanPathRedirect turns off the redirect of unclean paths ("//a",
	// "/a/./b", "/a/../b") to their CleanPath form when that has a route.
	NoCleanPathRedirect bool
	// CaseInsensitiveRedirect also redirects a path that matches a route
	// only when ASCII case is ignored ("/Users" to "/users").
	CaseInsensitiveRedirect bool
	// NoAutoOptions turns off the automatic 204 answer, with an Allow
	// header, to OPTIONS requests that have no OPTIONS route.
	NoAutoOptions bool
}

// NewMux returns an empty Mux with the default behaviour.
func NewMux() *Mux { return &Mux{} }

// HandleFunc registers f for method and pattern; see Router.Handle for the
// pattern syntax and the errors.
func (m *Mux) HandleFunc(method, pattern string, f HandlerFunc) error {
	return m.Router.Handle(method, pattern, f)
}

// Handle registers a plain http.Handler for method and pattern. Parameters
// are set on the request with SetPathValue before h runs, so h reads them
// with r.PathValue as under net/http's ServeMux.
func (m *Mux) Handle(method, pattern string, h http.Handler) error {
	return m.Router.Handle(method, pattern, func(w http.ResponseWriter, r *http.Request, ps Params) {
		for i := 0; i < ps.Len(); i++ {
			r.SetPathValue(ps.Name(i), ps.Value(i))
		}
		h.ServeHTTP(w, r)
	})
}

// RequestPath returns the raw path of a server request, the one Mux routes
// on: the path part of r.RequestURI when that is in origin form, else
// r.URL.RawPath or r.URL.Path. It does not allocate.
func RequestPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u[0] == '/' {
		if i := strings.IndexByte(u, '?'); i >= 0 {
			return u[:i]
		}
		return u
	}
	if r.URL.RawPath != "" {
		return r.URL.RawPath
	}
	return r.URL.Path
}

// ServeHTTP routes the request.
func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := RequestPath(r)
	var ps Params
	if c, rt, _ := m.Router.find(r.Method, path, &ps); rt >= 0 {
		c.handlers[rt](w, r, ps)
		return
	}
	res := m.Router.Lookup(r.Method, path, &ps)
	if res.OK { // HEAD answered by a GET route
		res.Handler(w, r, ps)
		return
	}
	if r.Method != http.MethodConnect && path != "/" && path != "*" {
		if res.TSR && !m.NoTrailingSlashRedirect {
			m.redirect(w, r, TrailingSlashPath(path))
			return
		}
		var fix Fix
		if !m.NoCleanPathRedirect {
			fix |= FixClean
		}
		if m.CaseInsensitiveRedirect {
			fix |= FixCase
		}
		if fix != 0 {
			if !m.NoTrailingSlashRedirect {
				fix |= FixTrailingSlash
			}
			if fixed, ok := m.Router.FixPath(r.Method, path, fix); ok {
				m.redirect(w, r, fixed)
				return
			}
		}
	}
	if res.Allow != "" {
		w.Header().Set("Allow", res.Allow)
		if r.Method == http.MethodOptions && !m.NoAutoOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if m.MethodNotAllowed != nil {
			m.MethodNotAllowed.ServeHTTP(w, r)
			return
		}
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if m.NotFound != nil {
		m.NotFound.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

func (m *Mux) redirect(w http.ResponseWriter, r *http.Request, path string) {
	// "//host/x" or "/\\host/x" in Location would send the client to
	// another host.
	if len(path) > 1 && (path[1] == '/' || path[1] == '\\') {
		path = "/" + strings.TrimLeft(path, "/\\")
	}
	if q := r.URL.RawQuery; q != "" {
		path += "?" + q
	}
	w.Header().Set("Location", path)
	w.WriteHeader(RedirectCode(r.Method))
}
