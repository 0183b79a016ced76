package router_test

import (
	"net/http"
	"testing"

	"github.com/tako-go/tako/router"
)

// The route tables are those of go-http-routing-benchmark; as there, the
// request path of a route is its pattern (":name" segments match
// themselves). Each benchmark op looks up every request of the table once
// and calls the handler with the parameters.

type benchCase struct {
	name  string
	table string
	reqs  []tableRoute // nil: every route of the table
}

var benchCases = []benchCase{
	{"GitHubAll", "github", nil},
	{"GitHubStatic", "github", []tableRoute{{"GET", "/user/repos"}}},
	{"GitHubParam", "github", []tableRoute{{"GET", "/repos/julienschmidt/httprouter/stargazers"}}},
	{"ParseAll", "parse", nil},
	{"GPlusAll", "gplus", nil},
	{"StaticAll", "static", nil},
}

// BenchmarkLookup runs Router.Lookup directly, the way a framework that owns
// its request context (tako on fasthttp) uses it.
func BenchmarkLookup(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			routes := loadTable(b, bc.table)
			reqs := bc.reqs
			if reqs == nil {
				reqs = routes
			}
			r := router.New[func(*router.Params) int]()
			for _, rt := range routes {
				r.MustHandle(rt.method, rt.path, func(ps *router.Params) int { return ps.Len() })
			}
			var ps router.Params
			for _, q := range reqs {
				if res := r.Lookup(q.method, q.path, &ps); !res.OK {
					b.Fatalf("%s %s: no match", q.method, q.path)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, q := range reqs {
					res := r.Lookup(q.method, q.path, &ps)
					res.Handler(&ps)
				}
			}
		})
	}
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkMux runs the tables through the net/http adapter, with reused
// requests and a no-op ResponseWriter (the bench module compares this with
// other routers).
func BenchmarkMux(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			routes := loadTable(b, bc.table)
			m := router.NewMux()
			for _, rt := range routes {
				m.HandleFunc(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request, ps router.Params) {})
			}
			reqs := bc.reqs
			if reqs == nil {
				reqs = routes
			}
			hreqs := make([]*http.Request, len(reqs))
			for i, q := range reqs {
				hreqs[i], _ = http.NewRequest(q.method, q.path, nil)
			}
			w := &nopWriter{h: http.Header{}}
			for _, r := range hreqs {
				m.ServeHTTP(w, r) // compile the tree before timing
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				for _, r := range hreqs {
					m.ServeHTTP(w, r)
				}
			}
		})
	}
}

func BenchmarkCleanPath(b *testing.B) {
	for _, p := range []struct{ name, path string }{
		{"clean", "/repos/julienschmidt/httprouter/stargazers"},
		{"unclean", "/repos//julienschmidt/./httprouter/../httprouter/stargazers"},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(p.path)))
			for b.Loop() {
				router.CleanPath(p.path)
			}
		})
	}
}
