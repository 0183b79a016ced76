package router

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
)

// The standard methods have fixed indices so that choosing a method's tree
// costs a string switch, not a map lookup. Custom methods follow them.
const (
	mGET = iota
	mHEAD
	mPOST
	mPUT
	mPATCH
	mDELETE
	mCONNECT
	mOPTIONS
	mTRACE
	numStd
)

// maxMethods bounds the standard plus custom methods of one router: the
// methods allowed for a path are kept in a uint64 bit set.
const maxMethods = 64

var stdMethods = [numStd]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"}

func stdIndex(m string) int {
	switch m {
	case "GET":
		return mGET
	case "HEAD":
		return mHEAD
	case "POST":
		return mPOST
	case "PUT":
		return mPUT
	case "PATCH":
		return mPATCH
	case "DELETE":
		return mDELETE
	case "CONNECT":
		return mCONNECT
	case "OPTIONS":
		return mOPTIONS
	case "TRACE":
		return mTRACE
	}
	return -1
}

// Route describes one registered route.
type Route struct {
	Method  string   // request method, as registered
	Pattern string   // pattern, as registered
	Params  []string // parameter names in pattern order; a bare "*" is named "*"
}

// Result is the answer of Router.Lookup. It holds no allocation of its own:
// Pattern and Allow are strings owned by the router.
type Result[H any] struct {
	// Handler is the handler of the matched route; the zero H when OK is false.
	Handler H
	// Pattern is the matched route's pattern as registered (for metrics and
	// logs); "" when OK is false.
	Pattern string
	// Allow lists the methods that have a route for this path, in the form of
	// an Allow header ("GET, HEAD, OPTIONS"), when OK is false and the path
	// matches a route of another method: the request deserves 405 Method Not
	// Allowed with this header, or, for OPTIONS, 204 with it. HEAD is listed
	// whenever GET is, and OPTIONS whenever the list is not empty. For
	// "OPTIONS *" it lists every method the router has routes for.
	Allow string
	// OK reports that a route matched; Handler, Pattern and the Params given
	// to Lookup describe it.
	OK bool
	// TSR (trailing slash redirect) is set when OK is false but the path with
	// its trailing slash removed, or with one added, matches a route of the
	// method: the usual answer is a redirect there (see RedirectCode).
	TSR bool
}

// Router maps a method and a path to a handler of type H. Build it with New
// or use the zero value; register routes with Handle, then look them up with
// Lookup from any number of goroutines.
//
// Handle may be called while lookups run: each lookup sees either the routes
// before or after a registration. The first lookup after a registration
// rebuilds the compiled tree, so register everything before serving.
type Router[H any] struct {
	mu       sync.Mutex
	roots    []*bnode // by method index
	custom   []string // custom methods, index numStd+i
	routes   []Route
	handlers []H
	shapes   map[string]int       // method+" "+shape -> route index
	wilds    map[string]wildOwner // wildcard position shape -> first user
	state    atomic.Pointer[compiled[H]]
}

// compiled is an immutable snapshot used by lookups.
type compiled[H any] struct {
	trees    []ctree // by method index
	custom   []string
	routes   []Route
	handlers []H
	allowAll string
	mu       sync.Mutex // serialises additions to allow
	allow    atomic.Pointer[map[uint64]string]
}

// New returns an empty router.
func New[H any]() *Router[H] { return &Router[H]{} }

// Handle registers h for method and pattern.
//
// method is any HTTP method token: GET, HEAD, POST, PUT, PATCH, DELETE,
// CONNECT, OPTIONS, TRACE or a custom one (at most 55 custom methods).
//
// pattern is a path beginning with '/', made of segments separated by '/'.
// A segment is static text, a parameter ":name" or "{name}" that matches one
// non-empty segment, or, as the last segment only, a catch-all "*name", "*"
// or "{name...}" that matches the rest of the path after the '/', possibly
// empty. A last segment "{$}" is accepted and ignored ("/a/{$}" is "/a/"),
// as patterns are always exact. ':' and '*' elsewhere than at the start of a
// segment are literal; '{' and '}' are only allowed around a whole segment.
//
// Handle returns an error, and registers nothing, when the pattern is
// malformed, has more than MaxParams parameters, has the same shape as a
// pattern already registered for the method (":a" and "{b}" are the same
// shape), or names a parameter differently from another route at the same
// position (for any method): "/users/:id" and "/users/:name/posts" conflict,
// so that a path template always has one set of names.
func (r *Router[H]) Handle(method, pattern string, h H) error {
	if method == "" || strings.ContainsAny(method, " \t\r\n/") {
		return fmt.Errorf("router: invalid method %q for pattern %q", method, pattern)
	}
	p, err := parsePattern(pattern)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.shapes == nil {
		r.shapes = make(map[string]int)
		r.wilds = make(map[string]wildOwner)
	}
	key := method + " " + p.shape
	if i, ok := r.shapes[key]; ok {
		o := r.routes[i]
		return fmt.Errorf("router: %s %s conflicts with %s %s (same route)", method, pattern, o.Method, o.Pattern)
	}
	for k, at := range p.wildAt {
		if w, ok := r.wilds[at]; ok && w.name != p.names[k] {
			o := r.routes[w.route]
			return fmt.Errorf("router: %s %s conflicts with %s %s (parameter %q is called %q there)",
				method, pattern, o.Method, o.Pattern, p.names[k], w.name)
		}
	}
	mi := stdIndex(method)
	if mi < 0 {
		for i, m := range r.custom {
			if m == method {
				mi = numStd + i
				break
			}
		}
		if mi < 0 {
			if numStd+len(r.custom) == maxMethods {
				return fmt.Errorf("router: too many methods: cannot add %q for %q (at most %d custom methods)", method, pattern, maxMethods-numStd)
			}
			r.custom = append(r.custom, method)
			mi = numStd + len(r.custom) - 1
		}
	}
	for len(r.roots) <= mi {
		r.roots = append(r.roots, nil)
	}
	if r.roots[mi] == nil {
		r.roots[mi] = &bnode{}
	}
	idx := len(r.routes)
	r.routes = append(r.routes, Route{Method: method, Pattern: pattern, Params: p.names})
	r.handlers = append(r.handlers, h)
	r.shapes[key] = idx
	for k, at := range p.wildAt {
		if _, ok := r.wilds[at]; !ok {
			r.wilds[at] = wildOwner{name: p.names[k], route: idx}
		}
	}
	r.roots[mi].insert(p.tokens).route = int32(idx + 1)
	r.state.Store(nil)
	return nil
}

// wildOwner is the first route that put a wildcard at a position.
type wildOwner struct {
	name  string
	route int
}

// MustHandle is Handle that panics on error, for routes fixed at compile
// time.
func (r *Router[H]) MustHandle(method, pattern string, h H) {
	if err := r.Handle(method, pattern, h); err != nil {
		panic(err)
	}
}

// Routes returns the registered routes in registration order.
func (r *Router[H]) Routes() []Route {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Route, len(r.routes))
	for i, rt := range r.routes {
		rt.Params = append([]string(nil), rt.Params...)
		out[i] = rt
	}
	return out
}

func (r *Router[H]) load() *compiled[H] {
	if c := r.state.Load(); c != nil {
		return c
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c := r.state.Load(); c != nil {
		return c
	}
	c := &compiled[H]{
		trees:    make([]ctree, len(r.roots)),
		custom:   append([]string(nil), r.custom...),
		routes:   append([]Route(nil), r.routes...),
		handlers: append([]H(nil), r.handlers...),
	}
	var all uint64
	for i, root := range r.roots {
		c.trees[i] = compile(root)
		if root != nil {
			all |= 1 << i
		}
	}
	c.allowAll = c.allowString(withImplied(all))
	r.state.Store(c)
	return c
}

// withImplied adds the methods answered without a route of their own: HEAD
// when GET is there, OPTIONS when anything is.
func withImplied(mask uint64) uint64 {
	if mask&(1<<mGET) != 0 {
		mask |= 1 << mHEAD
	}
	if mask != 0 {
		mask |= 1 << mOPTIONS
	}
	return mask
}

// allowString renders a method set as an Allow header value: standard
// methods in the order of stdMethods, then custom methods in registration
// order. Results are cached, so only the first request with a given set
// allocates.
func (c *compiled[H]) allowString(mask uint64) string {
	if m := c.allow.Load(); m != nil {
		if s, ok := (*m)[mask]; ok {
			return s
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.allow.Load()
	if old != nil {
		if s, ok := (*old)[mask]; ok {
			return s
		}
	}
	var b strings.Builder
	for i := 0; i < numStd+len(c.custom); i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if i < numStd {
			b.WriteString(stdMethods[i])
		} else {
			b.WriteString(c.custom[i-numStd])
		}
	}
	s := b.String()
	m := make(map[uint64]string, 1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[mask] = s
	c.allow.Store(&m)
	return s
}

func (c *compiled[H]) methodIndex(method string) int {
	if i := stdIndex(method); i >= 0 {
		return i
	}
	for i, m := range c.custom {
		if m == method {
			return numStd + i
		}
	}
	return -1
}

// Lookup finds the route for method and path and fills ps with its
// parameters. It does not allocate (the first 405 answer for a new set of
// methods excepted, whose Allow string is then cached).
//
// path is the raw (still percent-encoded) path, without query. Parameter
// values in ps are slices of it: see Params for how long they stay valid.
// Lookup does not clean the path; see CleanPath and FixPath.
//
// A HEAD request with no HEAD route for the path falls back to the GET
// route. When nothing matches, Result.Allow and Result.TSR say what the
// usual answer is: 405 with an Allow header, a trailing-slash redirect, or
// 404.
func (r *Router[H]) Lookup(method, path string, ps *Params) Result[H] {
	c, rt, mi := r.find(method, path, ps)
	if rt >= 0 {
		return Result[H]{Handler: c.handlers[rt], Pattern: c.routes[rt].Pattern, OK: true}
	}
	return r.miss(c, mi, method, path, ps)
}

// Find is the hit path of Lookup, for callers that answer misses separately: it fills ps
// and returns the matched route's handler and true, or the zero H and false, in which case
// Lookup (called again) says whether the answer is 405, a redirect or 404. It spares the
// hit path copying a Result. Like Lookup it allocates nothing.
func (r *Router[H]) Find(method, path string, ps *Params) (H, bool) {
	c, rt, mi := r.find(method, path, ps)
	if rt < 0 && mi == mHEAD {
		rt = c.headAsGet(path, ps)
	}
	if rt >= 0 {
		return c.handlers[rt], true
	}
	var zero H
	return zero, false
}

// find is the hit path of Lookup: it returns the snapshot, the index of the
// matched route or -1, and the method index. Mux calls it directly, which
// spares it copying a Result on every request.
func (r *Router[H]) find(method, path string, ps *Params) (*compiled[H], int, int) {
	c := r.state.Load()
	if c == nil {
		c = r.load()
	}
	ps.n = 0
	ps.route = nil
	ps.path = path
	mi := stdIndex(method)
	if mi < 0 {
		mi = c.methodIndex(method)
	}
	if uint64(len(path)) > math.MaxUint32 {
		return c, -1, -1 // offsets in Params are 32-bit; no such request line exists
	}
	if uint(mi) < uint(len(c.trees)) {
		if t := &c.trees[mi]; len(t.nodes) > 0 {
			if rt, np := t.lookup(path, &ps.spans); rt != 0 {
				ps.n = np
				ps.route = &c.routes[rt-1]
				return c, int(rt - 1), mi
			}
		}
	}
	return c, -1, mi
}

// headAsGet looks a HEAD request up among the GET routes, filling ps; it returns the
// matched route's index or -1.
func (c *compiled[H]) headAsGet(path string, ps *Params) int {
	if mGET < len(c.trees) {
		if t := &c.trees[mGET]; len(t.nodes) > 0 {
			if rt, np := t.lookup(path, &ps.spans); rt != 0 {
				ps.n = np
				ps.route = &c.routes[rt-1]
				return int(rt - 1)
			}
		}
	}
	return -1
}

// miss is the slow part of Lookup: HEAD fallback, trailing slash, 405.
func (r *Router[H]) miss(c *compiled[H], mi int, method, path string, ps *Params) Result[H] {
	var res Result[H]
	if mi == mHEAD {
		if rt := c.headAsGet(path, ps); rt >= 0 {
			return Result[H]{Handler: c.handlers[rt], Pattern: c.routes[rt].Pattern, OK: true}
		}
	}
	if path == "*" {
		if mi == mOPTIONS {
			res.Allow = c.allowAll
		}
		return res
	}
	if len(path) > 1 && path[0] == '/' && mi >= 0 {
		res.TSR = c.tsr(mi, path) || (mi == mHEAD && c.tsr(mGET, path))
	}
	var mask uint64
	for i := range c.trees {
		if i != mi && c.trees[i].match(0, path, 0, false) {
			mask |= 1 << i
		}
	}
	if mask != 0 {
		res.Allow = c.allowString(withImplied(mask))
	}
	return res
}

func (c *compiled[H]) tsr(mi int, path string) bool {
	if mi >= len(c.trees) {
		return false
	}
	t := &c.trees[mi]
	if path[len(path)-1] == '/' {
		return t.match(0, path[:len(path)-1], 0, false)
	}
	return t.match(0, path, 0, true)
}

// Fix selects the corrections FixPath may make.
type Fix uint8

const (
	// FixClean cleans the path with CleanPath.
	FixClean Fix = 1 << iota
	// FixCase matches static text ignoring ASCII case. Request paths are
	// ASCII on the wire (anything else is percent-encoded), so this covers
	// what clients send.
	FixCase
	// FixTrailingSlash also tries the path with its trailing slash toggled.
	FixTrailingSlash
)

// FixPath looks for the path a client most likely meant when path matched
// no route of method, applying the corrections in fix: cleaning, then case,
// each also with the trailing slash toggled if asked. It returns the
// corrected path (spelled as the route spells its static text) and true, or
// "" and false when no correction gives a different path with a route. It
// may allocate: it is meant for the redirect path, not for every request. A
// HEAD request is also tried against GET routes.
func (r *Router[H]) FixPath(method, path string, fix Fix) (string, bool) {
	c := r.load()
	mi := c.methodIndex(method)
	var trees []*ctree
	if mi >= 0 && mi < len(c.trees) {
		trees = append(trees, &c.trees[mi])
	}
	if mi == mHEAD && mGET < len(c.trees) {
		trees = append(trees, &c.trees[mGET])
	}
	if len(trees) == 0 || path == "" {
		return "", false
	}
	p := path
	if fix&FixClean != 0 {
		p = CleanPath(path)
	}
	cands := []string{p}
	if fix&FixTrailingSlash != 0 && p != "/" && len(p) > 0 {
		cands = append(cands, TrailingSlashPath(p))
	}
	for _, p := range cands {
		for _, t := range trees {
			if fix&FixCase != 0 {
				if b, ok := t.findFold(0, p, 0, make([]byte, 0, len(p)+1)); ok && string(b) != path {
					return string(b), true
				}
			} else if p != path && t.match(0, p, 0, false) {
				return p, true
			}
		}
	}
	return "", false
}

// RedirectCode is the status code for redirecting a request of the given
// method to a corrected path: 301 Moved Permanently for GET, 308 Permanent
// Redirect otherwise, so that clients repeat the method and body.
func RedirectCode(method string) int {
	if method == "GET" {
		return 301
	}
	return 308
}

// TrailingSlashPath returns path with its trailing slash removed, or with
// one added: the target of a redirect when Result.TSR is set.
func TrailingSlashPath(path string) string {
	if len(path) > 1 && path[len(path)-1] == '/' {
		return path[:len(path)-1]
	}
	return path + "/"
}
