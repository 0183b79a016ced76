package tako

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tako-go/tako/pool"
	"github.com/tako-go/tako/router"
	"github.com/valyala/fasthttp"
)

// Handler handles one request. It writes the response through the Ctx and returns nil, or
// returns an error for the App's ErrorHandler to render.
type Handler func(c *Ctx) error

// Middleware wraps a Handler. Middleware is composed once, when the App starts serving, in
// the order app, then group, then route; a request pays no per-request chain bookkeeping.
type Middleware func(next Handler) Handler

// endpoint is what the route table stores: the composed handler and its pattern.
type endpoint struct {
	pattern string
	h       Handler
}

// registration is a route as declared; the App composes and inserts it when it starts.
type registration struct {
	group   *routeGroup
	method  string
	pattern string // full pattern, group prefixes included
	h       Handler
	mw      []Middleware
	sub     *App // non-nil for a mounted sub-App: h and method are unused
}

// App is a Tako application: routes, middleware, state and server settings. Create one with
// New, register routes, then serve it with Listen or Serve (the Config.Engine), through
// net/http with Handler, or in memory with Test.
//
// Routes and middleware are fixed when the App first serves (Listen, Serve, Handler,
// ServeHTTP or Test); registering afterwards panics.
type App struct {
	routeGroup // the root group: App.Get, App.Use, ... register at the top level

	cfg   Config
	state sync.Map // stateKey[T] -> T; see SetState

	buildOnce   sync.Once
	built       atomic.Bool
	routes      *routeTable
	notFound    Handler
	notAllow    Handler
	autoOptions Handler
	regs        []registration

	ctxPool pool.Of[Ctx]

	srvMu    sync.Mutex
	fast     *fasthttp.Server
	std      *http.Server
	baseCtx  context.Context
	cancel   context.CancelFunc
	stopping atomic.Bool
	fastLns  []net.Listener // listeners given to the fasthttp server, closed again by Shutdown
	servers  []stopper      // other servers (TLS, h2c, HTTP/3, raw TCP/UDP) registered by track
	h2       *connQueue     // FastHTTP engine: the queue of Go's HTTP/2 server (http2.go), once started

	life lifecycle    // signals bus and lifecycle state (lifecycle.go)
	live liveHandlers // WebSocket and event-stream handlers, waited for by Shutdown
	h3   http3State   // HTTP/3 servers and the Alt-Svc value they advertise (http3.go)
}

// New returns an App configured by cfg (the zero Config works; see its field docs for the
// defaults). At most one Config is used; New() takes the defaults.
func New(cfg ...Config) *App {
	a := &App{}
	if len(cfg) > 0 {
		a.cfg = cfg[0]
	}
	a.cfg.setDefaults()
	a.routeGroup.app = a
	a.baseCtx, a.cancel = context.WithCancel(context.Background())
	a.ctxPool.New = func() *Ctx { return &Ctx{app: a} }
	a.ctxPool.Reset = (*Ctx).reset
	a.ctxPool.Poison = (*Ctx).poisonScratch
	a.initSignals()
	return a
}

// Config returns the App's configuration with defaults filled in.
func (a *App) Config() Config { return a.cfg }

// Group is a set of routes under a common path prefix that share middleware. Create one
// with App.Group or Group.Group. It has the same route methods as App.
type Group struct {
	routeGroup
}

// routeGroup holds the route methods shared by App and Group.
type routeGroup struct {
	app    *App
	parent *routeGroup
	prefix string
	mw     []Middleware
}

// Use appends middleware to the group (App.Use: to every route of the App, including the
// not-found and method-not-allowed handlers). Order is app, then outer group, then inner
// group, then route, whenever Use is called, as long as it is before the App starts.
func (g *routeGroup) Use(mw ...Middleware) {
	g.app.mustNotBeBuilt("Use")
	g.mw = append(g.mw, mw...)
}

// Group returns a sub-group at prefix (relative to g) with extra middleware.
func (g *routeGroup) Group(prefix string, mw ...Middleware) *Group {
	g.app.mustNotBeBuilt("Group")
	return &Group{routeGroup{app: g.app, parent: g, prefix: g.prefix + strings.TrimSuffix(prefix, "/"), mw: mw}}
}

// Handle registers h for method and pattern (relative to the group). Patterns use ":name"
// for a path segment parameter and "*name" for a catch-all at the end.
//
// Route middleware wraps h inside the app and group middleware.
func (g *routeGroup) Handle(method, pattern string, h Handler, mw ...Middleware) {
	g.app.mustNotBeBuilt("Handle")
	if h == nil {
		panic(fmt.Sprintf("tako: nil handler for %s %q", method, pattern))
	}
	full := g.prefix + pattern
	if full == "" {
		full = "/"
	}
	g.app.regs = append(g.app.regs, registration{group: g, method: method, pattern: full, h: h, mw: mw})
}

// Get registers h for GET (and, automatically, HEAD) at pattern.
func (g *routeGroup) Get(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodGet, pattern, h, mw...)
}

// Head registers h for HEAD at pattern, overriding the automatic HEAD of a GET route.
func (g *routeGroup) Head(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodHead, pattern, h, mw...)
}

// Post registers h for POST at pattern.
func (g *routeGroup) Post(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodPost, pattern, h, mw...)
}

// Put registers h for PUT at pattern.
func (g *routeGroup) Put(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodPut, pattern, h, mw...)
}

// Patch registers h for PATCH at pattern.
func (g *routeGroup) Patch(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodPatch, pattern, h, mw...)
}

// Delete registers h for DELETE at pattern.
func (g *routeGroup) Delete(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodDelete, pattern, h, mw...)
}

// Options registers h for OPTIONS at pattern, overriding the automatic OPTIONS answer.
func (g *routeGroup) Options(pattern string, h Handler, mw ...Middleware) {
	g.Handle(http.MethodOptions, pattern, h, mw...)
}

// anyMethods are the methods Any registers.
var anyMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace,
}

// Any registers h for every standard method at pattern.
func (g *routeGroup) Any(pattern string, h Handler, mw ...Middleware) {
	for _, m := range anyMethods {
		g.Handle(m, pattern, h, mw...)
	}
}

// Mount attaches h at prefix (relative to the group).
//
// If h is an *App, its routes are added under prefix when the parent starts: they run
// inside the parent's app and group middleware, then the sub-App's own middleware; the
// parent's Config (error handler, limits) applies. Any other http.Handler receives every
// request whose path is prefix or starts with prefix+"/", with prefix stripped from the
// path (as http.StripPrefix does), through WrapHTTP.
func (g *routeGroup) Mount(prefix string, h http.Handler, mw ...Middleware) {
	g.app.mustNotBeBuilt("Mount")
	prefix = strings.TrimSuffix(prefix, "/")
	if sub, ok := h.(*App); ok {
		if sub == g.app {
			panic("tako: an App cannot be mounted on itself")
		}
		full := g.prefix + prefix
		g.app.regs = append(g.app.regs, registration{group: g, pattern: full, mw: mw, sub: sub})
		return
	}
	wrapped := WrapHTTP(http.StripPrefix(g.prefix+prefix, h))
	if prefix != "" {
		g.Any(prefix, wrapped, mw...)
	}
	g.Any(prefix+"/*path", wrapped, mw...)
}

func (a *App) mustNotBeBuilt(what string) {
	if a.built.Load() {
		panic("tako: " + what + " called after the App started serving")
	}
}

// chain returns the middleware of g and its ancestors, outermost first.
func (g *routeGroup) chain() []Middleware {
	if g == nil {
		return nil
	}
	return append(g.parent.chain(), g.mw...)
}

func compose(h Handler, mw []Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// build composes every route once and fills the route table. It runs on first use.
func (a *App) build() {
	a.buildOnce.Do(func() {
		a.built.Store(true)
		a.routes = newRouteTable()
		a.addRoutes("", nil, a)
		nf := a.cfg.NotFound
		if nf == nil {
			nf = func(*Ctx) error { return ErrNotFound }
		}
		na := a.cfg.MethodNotAllowed
		if na == nil {
			na = func(*Ctx) error { return ErrMethodNotAllowed }
		}
		a.notFound = compose(nf, a.routeGroup.mw)
		a.notAllow = compose(na, a.routeGroup.mw)
		a.autoOptions = compose(func(c *Ctx) error { return c.NoContent() }, a.routeGroup.mw)
	})
}

// addRoutes inserts src's registrations under prefix, wrapped in outer middleware.
func (a *App) addRoutes(prefix string, outer []Middleware, src *App) {
	src.built.Store(true)
	for _, r := range src.regs {
		mw := append(append(append([]Middleware(nil), outer...), r.group.chain()...), r.mw...)
		if r.sub != nil {
			a.addRoutes(prefix+r.pattern, mw, r.sub)
			continue
		}
		pattern := prefix + r.pattern
		if pattern != "/" && strings.HasSuffix(r.pattern, "/") && prefix != "" && r.pattern == "/" {
			pattern = prefix
		}
		ep := &endpoint{pattern: pattern, h: compose(r.h, mw)}
		if err := a.routes.Handle(r.method, pattern, ep); err != nil {
			panic(err)
		}
	}
}

// Routes returns the registered routes (method, pattern, parameter names) in registration
// order, mounted sub-Apps included. It fixes the routes like the first request does.
func (a *App) Routes() []router.Route {
	a.build()
	return a.routes.Routes()
}
