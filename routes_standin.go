package tako

// TEMPORARY stand-in for the router package (branch router), used until it lands. It is a
// linear matcher with httprouter syntax (":name" segments, "*name" catch-all); the facade
// talks to it only through routeTable.add and routeTable.lookup so that the switch to
// router.New[*endpoint]() touches this file alone.

import (
	"fmt"
	"sort"
	"strings"
)

const maxParams = 8

type param struct{ key, value string }

// params is the fixed-capacity parameter list held inline in Ctx.
type params struct {
	n  int
	kv [maxParams]param
}

func (p *params) reset() { p.n = 0 }

func (p *params) get(name string) (string, bool) {
	for i := 0; i < p.n; i++ {
		if p.kv[i].key == name {
			return p.kv[i].value, true
		}
	}
	return "", false
}

type standinRoute struct {
	method string
	segs   []string
	ep     *endpoint
}

type routeTable struct {
	routes []standinRoute
}

func newRouteTable() *routeTable { return &routeTable{} }

func (t *routeTable) add(method, pattern string, ep *endpoint) error {
	if pattern == "" || pattern[0] != '/' {
		return fmt.Errorf("tako: pattern %q must begin with '/'", pattern)
	}
	segs := strings.Split(pattern[1:], "/")
	for _, r := range t.routes {
		if r.method == method && r.ep.pattern == pattern {
			return fmt.Errorf("tako: %s %q registered twice", method, pattern)
		}
	}
	t.routes = append(t.routes, standinRoute{method: method, segs: segs, ep: ep})
	return nil
}

func matchSegs(segs []string, path string, ps *params) bool {
	ps.reset()
	rest := path[1:]
	for i, s := range segs {
		if strings.HasPrefix(s, "*") {
			if ps.n < maxParams {
				ps.kv[ps.n] = param{s[1:], rest}
				ps.n++
			}
			return true
		}
		var seg string
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			seg, rest = rest, ""
			if i != len(segs)-1 {
				return false
			}
		} else {
			seg, rest = rest[:j], rest[j+1:]
			if i == len(segs)-1 {
				return false
			}
		}
		if strings.HasPrefix(s, ":") {
			if seg == "" {
				return false
			}
			if ps.n < maxParams {
				ps.kv[ps.n] = param{s[1:], seg}
				ps.n++
			}
		} else if s != seg {
			return false
		}
	}
	return true
}

// lookup finds the endpoint for method and path, filling ps. When none matches it reports
// whether the path with or without a trailing slash would match (tsr) and, when other
// methods match the path, the Allow header value.
func (t *routeTable) lookup(method, path string, ps *params) (ep *endpoint, tsr bool, allow string) {
	if path == "" || path[0] != '/' {
		return nil, false, ""
	}
	for i := range t.routes {
		r := &t.routes[i]
		if r.method == method && matchSegs(r.segs, path, ps) {
			return r.ep, false, ""
		}
	}
	if method == "HEAD" {
		if ep, _, _ = t.lookup("GET", path, ps); ep != nil {
			return ep, false, ""
		}
	}
	var scratch params
	var methods []string
	for i := range t.routes {
		r := &t.routes[i]
		if matchSegs(r.segs, path, &scratch) {
			methods = append(methods, r.method)
			if r.method == "GET" {
				methods = append(methods, "HEAD")
			}
		}
	}
	if len(methods) > 0 {
		methods = append(methods, "OPTIONS")
		sort.Strings(methods)
		methods = compactStrings(methods)
		return nil, false, strings.Join(methods, ", ")
	}
	alt := path + "/"
	if strings.HasSuffix(path, "/") && len(path) > 1 {
		alt = path[:len(path)-1]
	}
	for i := range t.routes {
		r := &t.routes[i]
		if r.method == method && matchSegs(r.segs, alt, &scratch) {
			return nil, true, ""
		}
	}
	return nil, false, ""
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
