package router_test

import (
	"net/http"
	"testing"

	"github.com/tako-go/tako/router"
)

// The route tables are those of go-http-routing-benchmark; as there, the
// request path of a route is its pattern (":name" segments match themselves).

func benchTable(b *testing.B, routes []tableRoute, reqs []tableRoute) {
	r := router.New[func(*router.Params) int]()
	for _, rt := range routes {
		if err := r.Handle(rt.method, rt.path, func(ps *router.Params) int { return ps.Len() }); err != nil {
			b.Fatal(err)
		}
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
}

func benchAll(b *testing.B, name string) {
	routes := loadTable(b, name)
	benchTable(b, routes, routes)
}

func BenchmarkGitHubAll(b *testing.B) { benchAll(b, "github") }
func BenchmarkParseAll(b *testing.B)  { benchAll(b, "parse") }
func BenchmarkGPlusAll(b *testing.B)  { benchAll(b, "gplus") }
func BenchmarkStaticAll(b *testing.B) { benchAll(b, "static") }

func BenchmarkGitHubStatic(b *testing.B) {
	routes := loadTable(b, "github")
	benchTable(b, routes, []tableRoute{{"GET", "/user/repos"}})
}

func BenchmarkGitHubParam(b *testing.B) {
	routes := loadTable(b, "github")
	benchTable(b, routes, []tableRoute{{"GET", "/repos/julienschmidt/httprouter/stargazers"}})
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkMuxGitHubAll is BenchmarkGitHubAll through the net/http adapter.
func BenchmarkMuxGitHubAll(b *testing.B) {
	routes := loadTable(b, "github")
	m := router.NewMux()
	for _, rt := range routes {
		m.HandleFunc(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request, ps router.Params) {})
	}
	reqs := make([]*http.Request, len(routes))
	for i, rt := range routes {
		reqs[i], _ = http.NewRequest(rt.method, rt.path, nil)
	}
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, r := range reqs {
			m.ServeHTTP(w, r)
		}
	}
}
