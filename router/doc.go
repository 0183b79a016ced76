// Package router is a radix-tree HTTP router, generic over the handler type,
// that looks up a route without allocating. It is the router of the Tako
// framework and is usable on its own, under net/http or fasthttp.
//
// # Under net/http
//
// A Mux is an http.Handler:
//
//	m := router.NewMux()
//	m.HandleFunc("GET", "/users/:id", func(w http.ResponseWriter, r *http.Request, ps router.Params) {
//		fmt.Fprintf(w, "user %s", ps.Get("id"))
//	})
//	m.Handle("GET", "/files/{path...}", http.FileServer(dir)) // reads r.PathValue("path")
//	http.ListenAndServe(":8080", m)
//
// It redirects "/users/42/" to "/users/42" (and the reverse, whichever has
// the route), redirects unclean paths ("//a/../users/42"), answers 405 with
// an Allow header, answers OPTIONS with the allowed methods, and serves HEAD
// with the GET route when there is no HEAD route. Each behaviour has a field
// to turn it off; case-insensitive redirects are opt-in.
//
// # On its own
//
// Router[H] stores any H: a net/http handler, a fasthttp.RequestHandler, a
// framework's own handler type. Lookup fills a caller-owned Params and
// returns a Result:
//
//	r := router.New[MyHandler]()
//	r.MustHandle("GET", "/repos/:owner/:repo", showRepo)
//
//	var ps router.Params
//	res := r.Lookup(method, path, &ps)
//	switch {
//	case res.OK:          // res.Handler, res.Pattern, ps.Get("owner")
//	case res.TSR:         // redirect to router.TrailingSlashPath(path), code router.RedirectCode(method)
//	case res.Allow != "": // 405 with the header "Allow: " + res.Allow
//	default:              // 404, or try r.FixPath for a redirect
//	}
//
// Nothing in that switch allocates: Pattern and Allow are strings kept by
// the router (Allow is rendered once per distinct set of methods and
// cached), and Params is a fixed-capacity value (MaxParams parameters).
//
// # Patterns
//
// A pattern is a path made of segments:
//
//	/users/new           static text
//	/users/:id           a parameter: one non-empty segment
//	/users/{id}          the same, in net/http 1.22 syntax
//	/files/*path         a catch-all, last segment only: the rest of the path, possibly empty
//	/files/{path...}     the same, in net/http syntax ("*" alone is named "*")
//	/dir/{$}             net/http's end anchor; patterns are always exact, so this is "/dir/"
//
// Static, parameter and catch-all segments may sit side by side, as in
// "/users/new", "/users/:id" and "/users/*rest". The most specific route
// wins: comparing two routes that match a path segment by segment, at the
// first segment where they differ, static text beats a parameter and a
// parameter beats a catch-all. The search backs up when a more specific
// branch fails further down, so with only "/users/new" and "/users/:id/x",
// the path "/users/new/x" matches the second.
//
// Handle reports an error naming both patterns when a route has the same
// shape as one already registered for the method, or when two routes name
// the parameter at the same position differently (for any method), so that
// a path template has one set of names; an OpenAPI document built from
// Routes relies on that.
//
// # Methods
//
// The nine standard methods map to fixed indices, so choosing a method's
// tree is a switch, not a map lookup; custom methods (WebDAV's PROPFIND,
// PURGE, ...) are accepted too. The Allow list is ordered GET, HEAD, POST,
// PUT, PATCH, DELETE, CONNECT, OPTIONS, TRACE, then custom methods in
// registration order; HEAD appears whenever GET does and OPTIONS whenever
// the path has a route. "OPTIONS *" gets the methods of the whole router.
//
// # Raw paths and the zero-copy contract
//
// Lookup matches the raw, percent-encoded path: "/users/a%2Fb" matches
// "/users/:id" with id "a%2Fb", and an encoded slash never splits a segment.
// Parameter values are slices of the path passed to Lookup, copied nowhere.
// A fasthttp server may pass unsafe.String of its path bytes; the values
// then alias fasthttp's buffers and are valid until the handler returns
// (clone a value to keep it). Params.Unescaped decodes a value; it
// allocates only when the value contains a '%'.
//
// # Path hygiene
//
// CleanPath removes "//", "." and ".." segments without allocating when the
// path is already clean. Result.TSR recommends a trailing-slash redirect;
// Router.FixPath finds the cleaned and, optionally, ASCII case-insensitive
// path that has a route. RedirectCode gives 301 for GET and 308 otherwise,
// so that a redirected POST stays a POST with its body.
//
// # Performance
//
// Each method has a radix tree compiled, before the first lookup after a
// change, into a flat slice in which the static children of a node are
// contiguous and found through a string of their first bytes. The lookup
// loop is iterative and recurses only at a node where both a static child
// and a wildcard child could match, which is where backing up may be
// needed. The benchmarks in this package run the classic GitHub, Parse,
// Google+ and static route tables; the bench module compares them with
// httprouter, gin, echo, chi and net/http's ServeMux (see bench/README.md).
//
// Register routes before serving: Handle is safe to call concurrently with
// Lookup, but the first lookup after each registration recompiles the tree.
package router
