package router_test

import (
	"strings"
	"testing"

	"github.com/tako-go/tako/router"
)

// The reference matcher: a linear scan over the routes that applies the
// priority rule literally. A route is a list of segments; a path matches it
// when every static segment is equal, every parameter has a non-empty
// segment, and a catch-all (last) takes whatever follows its '/'. Among the
// matches the winner is the one whose first segment that differs in kind
// from the others' is static rather than a parameter, or a parameter rather
// than a catch-all.

type refSeg struct {
	kind byte // 's', ':', '*'
	text string
	name string
}

type refRoute struct {
	method, pattern string
	segs            []refSeg
	invalid         bool // a catch-all or {$} not last, or a name used twice
}

func refParse(pattern string) refRoute {
	rt := refRoute{pattern: pattern}
	parts := strings.Split(pattern[1:], "/")
	for i, s := range parts {
		switch {
		case s == "{$}" && i == len(parts)-1:
			rt.segs = append(rt.segs, refSeg{kind: 's'})
		case strings.HasPrefix(s, ":"):
			rt.segs = append(rt.segs, refSeg{kind: ':', name: s[1:]})
		case s == "*":
			rt.segs = append(rt.segs, refSeg{kind: '*', name: "*"})
		case strings.HasPrefix(s, "*"):
			rt.segs = append(rt.segs, refSeg{kind: '*', name: s[1:]})
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "...}"):
			rt.segs = append(rt.segs, refSeg{kind: '*', name: s[1 : len(s)-4]})
		case strings.HasPrefix(s, "{"):
			rt.segs = append(rt.segs, refSeg{kind: ':', name: s[1 : len(s)-1]})
		default:
			rt.segs = append(rt.segs, refSeg{kind: 's', text: s})
		}
		last := rt.segs[len(rt.segs)-1]
		if (last.kind == '*' || s == "{$}") && i != len(parts)-1 {
			rt.invalid = true
		}
		for _, o := range rt.segs[:len(rt.segs)-1] {
			if last.kind != 's' && o.kind != 's' && o.name == last.name {
				rt.invalid = true
			}
		}
	}
	return rt
}

// refMatch returns the parameter values if path matches rt.
func refMatch(rt refRoute, path string) ([]string, bool) {
	if !strings.HasPrefix(path, "/") {
		return nil, false
	}
	ps := strings.Split(path[1:], "/")
	var vals []string
	for i, s := range rt.segs {
		if s.kind == '*' {
			if i >= len(ps) {
				return nil, false
			}
			return append(vals, strings.Join(ps[i:], "/")), true
		}
		if i >= len(ps) {
			return nil, false
		}
		switch s.kind {
		case 's':
			if ps[i] != s.text {
				return nil, false
			}
		case ':':
			if ps[i] == "" {
				return nil, false
			}
			vals = append(vals, ps[i])
		}
	}
	return vals, len(ps) == len(rt.segs)
}

var kindRank = map[byte]int{'s': 0, ':': 1, '*': 2}

// refBetter reports whether a beats b.
func refBetter(a, b refRoute) bool {
	for i := 0; i < len(a.segs) && i < len(b.segs); i++ {
		if ra, rb := kindRank[a.segs[i].kind], kindRank[b.segs[i].kind]; ra != rb {
			return ra < rb
		}
	}
	return false
}

type refRouter struct{ routes []refRoute }

func (r *refRouter) find(method, path string) (refRoute, []string, bool) {
	var best refRoute
	var bestVals []string
	found := false
	for _, rt := range r.routes {
		if rt.method != method {
			continue
		}
		if vals, ok := refMatch(rt, path); ok && (!found || refBetter(rt, best)) {
			best, bestVals, found = rt, vals, true
		}
	}
	return best, bestVals, found
}

func (r *refRouter) lookup(method, path string) string {
	rt, vals, ok := r.find(method, path)
	if !ok && method == "HEAD" {
		rt, vals, ok = r.find("GET", path)
	}
	if ok {
		s := rt.method + " " + rt.pattern
		k := 0
		for _, seg := range rt.segs {
			if seg.kind != 's' {
				s += " " + seg.name + "=" + vals[k]
				k++
			}
		}
		return s
	}
	s := "miss"
	has := map[string]bool{}
	for _, rt := range r.routes {
		if rt.method != method {
			if _, ok := refMatch(rt, path); ok {
				has[rt.method] = true
			}
		}
	}
	if len(has) > 0 {
		if has["GET"] {
			has["HEAD"] = true
		}
		has["OPTIONS"] = true
		var list []string
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "BREW"} {
			if has[m] {
				list = append(list, m)
			}
		}
		s += " allow=" + strings.Join(list, ", ")
	}
	if len(path) > 1 && path[0] == '/' {
		toggled := router.TrailingSlashPath(path)
		_, _, tsr := r.find(method, toggled)
		if !tsr && method == "HEAD" {
			_, _, tsr = r.find("GET", toggled)
		}
		if tsr {
			s += " tsr"
		}
	}
	return s
}

// refConflict reports whether rt may not be added, by the documented rules.
func (r *refRouter) refConflict(rt refRoute) bool {
	for _, o := range r.routes {
		same := len(o.segs) == len(rt.segs)
		for i := 0; i < len(o.segs) && i < len(rt.segs); i++ {
			a, b := o.segs[i], rt.segs[i]
			if a.kind != b.kind || a.text != b.text {
				same = false
				break
			}
			if a.kind != 's' && a.name != b.name {
				return true // same position, different names
			}
		}
		if same && o.method == rt.method {
			return true
		}
	}
	return false
}

// Route specs are built from bytes so the fuzzer explores small, colliding
// route sets: each route is a method byte, a segment count and segment bytes.
var (
	fuzzMethods  = []string{"GET", "POST", "HEAD", "BREW"}
	fuzzSegments = []string{"a", "b", "ab", "", ":x", ":y", "{x}", "*r", "{r...}", "*", "a:b", "{$}"}
	fuzzValues   = []string{"a", "b", "ab", "", "ba", "c", "a:b", "a%2Fb"}
)

func buildFuzzRoutes(spec []byte) []string {
	var routes []string
	for len(spec) >= 2 && len(routes) < 12 {
		m := fuzzMethods[int(spec[0])%len(fuzzMethods)]
		n := 1 + int(spec[1])%4
		spec = spec[2:]
		var segs []string
		for i := 0; i < n && len(spec) > 0; i++ {
			segs = append(segs, fuzzSegments[int(spec[0])%len(fuzzSegments)])
			spec = spec[1:]
		}
		routes = append(routes, m+" /"+strings.Join(segs, "/"))
	}
	return routes
}

// pathsFor instantiates each pattern with a few values, plus slash variants,
// so that most checked paths hit something.
func pathsFor(routes []string, extra string) []string {
	paths := []string{extra, "/", "/a", "/a/", "/a/b", "/ab/a/b/"}
	for k, rt := range routes {
		_, p, _ := strings.Cut(rt, " ")
		segs := strings.Split(p[1:], "/")
		for j := range segs {
			if s := segs[j]; strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") || strings.HasPrefix(s, "{") && s != "{$}" {
				segs[j] = fuzzValues[(k+j)%len(fuzzValues)]
			} else if s == "{$}" {
				segs[j] = ""
			}
		}
		q := "/" + strings.Join(segs, "/")
		paths = append(paths, q, q+"/", q+"/a", strings.TrimSuffix(q, "/"))
	}
	return paths
}

func FuzzLookup(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 1, 4, 0, 2, 0, 4, 0, 1, 7}, "/a/b")
	f.Add([]byte{0, 2, 0, 0, 0, 2, 4, 5, 0, 2, 0, 7, 1, 1, 4}, "/a/a")
	f.Add([]byte{0, 1, 11, 2, 2, 0, 8, 3, 3, 10, 4, 6, 1, 0}, "/a:b")
	f.Fuzz(func(t *testing.T, spec []byte, path string) {
		routes := buildFuzzRoutes(spec)
		r := router.New[string]()
		var ref refRouter
		for _, rt := range routes {
			m, p, _ := strings.Cut(rt, " ")
			rr := refParse(p)
			rr.method = m
			err := r.Handle(m, p, rt)
			if conflict := rr.invalid || ref.refConflict(rr); conflict != (err != nil) {
				t.Fatalf("routes %q: Handle(%q) error %v, reference conflict %v", routes, rt, err, conflict)
			}
			if err == nil {
				ref.routes = append(ref.routes, rr)
			}
		}
		for _, p := range pathsFor(routes, path) {
			for _, m := range fuzzMethods {
				var ps router.Params
				got := describe(r.Lookup(m, p, &ps), &ps)
				if want := ref.lookup(m, p); got != want {
					t.Fatalf("routes %q\nLookup(%s %q) = %q\nreference     = %q", routes, m, p, got, want)
				}
				res := r.Lookup(m, p, &ps)
				var fps router.Params
				h, ok := r.Find(m, p, &fps)
				if ok != res.OK || h != res.Handler || (ok && describe(res, &fps) != got) {
					t.Fatalf("routes %q\nFind(%s %q) = %v %v, Lookup gave %q", routes, m, p, h, ok, got)
				}
			}
		}
	})
}

// FuzzHandle feeds arbitrary patterns to registration: it must return an
// error or accept, never panic, and an accepted pattern must match itself.
func FuzzHandle(f *testing.F) {
	for _, p := range []string{"/", "/a/:b", "/a/{b}/c", "/f/*p", "/f/{p...}", "/{$}", "/a/{", "/a/b}", ":x", "/:/", "/*x/y", "/a/:b:c", "/{a}{b}"} {
		f.Add("GET", p, "/users/:id")
	}
	f.Fuzz(func(t *testing.T, method, pattern, other string) {
		r := router.New[int]()
		r.Handle("GET", other, 1)
		err := r.Handle(method, pattern, 2)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "router: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		// The pattern, used as a path, matches some route of the method
		// (":x" and "{x}" segments match themselves, when not empty).
		var ps router.Params
		r.Lookup(method, pattern, &ps)
		r.Routes()
		r.FixPath(method, pattern, router.FixClean|router.FixCase|router.FixTrailingSlash)
	})
}
