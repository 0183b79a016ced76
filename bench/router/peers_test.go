package router_test

import (
	"bufio"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gofiber/fiber/v3"
	"github.com/julienschmidt/httprouter"
	"github.com/labstack/echo/v4"
	"github.com/tako-go/tako/router"
	"github.com/valyala/fasthttp"
)

// route is one line of a route table: "METHOD /path", ":name" a parameter.
type route struct{ method, path string }

// loadTable reads a route table from the router package's testdata, so the
// peers and tako's own benchmarks use the same files.
func loadTable(tb testing.TB, name string) []route {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "router", "testdata", "routes", name+".txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []route
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			m, p, _ := strings.Cut(line, " ")
			out = append(out, route{m, p})
		}
	}
	return out
}

// braces rewrites ":name" segments as "{name}" (chi and net/http syntax).
func braces(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// peer is a router under test: build registers the routes; a non-nil h
// serves net/http requests, a non-nil fh fasthttp requests. Every handler
// records which route it is into hit, so tests can check the wiring.
type peer struct {
	name  string
	build func(routes []route, hit *int) (h http.Handler, fh fasthttp.RequestHandler)
}

var peers = []peer{
	{"tako", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		m := router.NewMux()
		for i, rt := range routes {
			m.HandleFunc(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request, ps router.Params) { *hit = i })
		}
		return m, nil
	}},
	{"httprouter", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		m := httprouter.New()
		for i, rt := range routes {
			m.Handle(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request, ps httprouter.Params) { *hit = i })
		}
		return m, nil
	}},
	{"gin", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		gin.SetMode(gin.ReleaseMode)
		m := gin.New()
		for i, rt := range routes {
			m.Handle(rt.method, rt.path, func(c *gin.Context) { *hit = i })
		}
		return m, nil
	}},
	{"echo", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		m := echo.New()
		for i, rt := range routes {
			m.Add(rt.method, rt.path, func(c echo.Context) error { *hit = i; return nil })
		}
		return m, nil
	}},
	{"chi", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		m := chi.NewRouter()
		for i, rt := range routes {
			m.MethodFunc(rt.method, braces(rt.path), func(w http.ResponseWriter, r *http.Request) { *hit = i })
		}
		return m, nil
	}},
	{"servemux", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		m := http.NewServeMux()
		for i, rt := range routes {
			p := braces(rt.path)
			if strings.HasSuffix(p, "/") {
				p += "{$}" // ServeMux treats a trailing slash as a subtree
			}
			m.HandleFunc(rt.method+" "+p, func(w http.ResponseWriter, r *http.Request) { *hit = i })
		}
		return m, nil
	}},
	{"fiber", func(routes []route, hit *int) (http.Handler, fasthttp.RequestHandler) {
		app := fiber.New()
		for i, rt := range routes {
			app.Add([]string{rt.method}, rt.path, func(c fiber.Ctx) error { *hit = i; return nil })
		}
		return nil, app.Handler()
	}},
}

// nopWriter is the reused ResponseWriter of the benchmarks.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

// requests builds one reusable request per route; the request path is the
// pattern itself, as in go-http-routing-benchmark.
func requests(tb testing.TB, routes []route) ([]*http.Request, []*fasthttp.RequestCtx) {
	reqs := make([]*http.Request, len(routes))
	fctx := make([]*fasthttp.RequestCtx, len(routes))
	for i, rt := range routes {
		r, err := http.NewRequest(rt.method, rt.path, nil)
		if err != nil {
			tb.Fatal(err)
		}
		reqs[i] = r
		fctx[i] = new(fasthttp.RequestCtx)
		fctx[i].Request.Header.SetMethod(rt.method)
		fctx[i].Request.SetRequestURI(rt.path)
	}
	return reqs, fctx
}

var tables = []struct {
	name  string
	file  string
	reqs  func([]route) []route // nil: every route of the table
	count int                   // expected number of routes
}{
	{"GitHubAll", "github", nil, 203},
	{"GitHubStatic", "github", func([]route) []route { return []route{{"GET", "/user/repos"}} }, 203},
	{"GitHubParam", "github", func([]route) []route {
		return []route{{"GET", "/repos/julienschmidt/httprouter/stargazers"}}
	}, 203},
	{"ParseAll", "parse", nil, 26},
	{"GPlusAll", "gplus", nil, 13},
	{"StaticAll", "static", nil, 157},
}

// TestPeersResolveEveryRoute checks that each peer is wired right: every
// path of every table reaches the handler of its own route.
func TestPeersResolveEveryRoute(t *testing.T) {
	for _, tb := range tables {
		routes := loadTable(t, tb.file)
		if len(routes) != tb.count {
			t.Fatalf("%s: %d routes, want %d", tb.file, len(routes), tb.count)
		}
		for _, p := range peers {
			hit := -1
			h, fh := p.build(routes, &hit)
			reqs, fctx := requests(t, routes)
			for i := range routes {
				hit = -1
				if h != nil {
					h.ServeHTTP(&nopWriter{h: http.Header{}}, reqs[i])
				} else {
					fh(fctx[i])
				}
				if hit != i {
					t.Errorf("%s/%s: %s %s reached route %d, want %d", tb.name, p.name, routes[i].method, routes[i].path, hit, i)
				}
			}
		}
	}
}

// BenchmarkRouter runs every table through every peer: match, parameters
// available to the handler, a handler that does almost nothing.
func BenchmarkRouter(b *testing.B) {
	for _, tb := range tables {
		routes := loadTable(b, tb.file)
		reqRoutes := routes
		if tb.reqs != nil {
			reqRoutes = tb.reqs(routes)
		}
		for _, p := range peers {
			b.Run(tb.name+"/"+p.name, func(b *testing.B) {
				hit := 0
				h, fh := p.build(routes, &hit)
				reqs, fctx := requests(b, reqRoutes)
				w := &nopWriter{h: http.Header{}}
				// One warm-up pass: lazy set-up (tako compiles its tree on
				// the first lookup, pools fill) stays out of the figures.
				for i := range reqs {
					if h != nil {
						h.ServeHTTP(w, reqs[i])
					} else {
						fh(fctx[i])
					}
				}
				b.ReportAllocs()
				b.ResetTimer()
				if h != nil {
					for b.Loop() {
						for _, r := range reqs {
							h.ServeHTTP(w, r)
						}
					}
					return
				}
				for b.Loop() {
					for _, c := range fctx {
						fh(c)
					}
				}
			})
		}
	}
}
