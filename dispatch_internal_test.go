package tako

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkDispatch measures the framework's own cost on the fasthttp engine: one request
// context, already parsed, run through the App's fasthttp handler, against a hand-written
// fasthttp handler doing the same work. No sockets, so the numbers are steady.
func BenchmarkDispatch(b *testing.B) {
	app := New()
	app.Get("/plaintext", func(c *Ctx) error { return c.Text("Hello, World!") })
	app.Get("/user/:id/post/:post", func(c *Ctx) error {
		c.SetHeader("Content-Type", "text/plain; charset=utf-8")
		c.WriteString(c.Param("id"))
		c.WriteString(" ")
		c.WriteString(c.Param("post"))
		return nil
	})
	fast := app.newFastServer().Handler
	raw := func(fc *fasthttp.RequestCtx) {
		fc.SetContentType("text/plain; charset=utf-8")
		fc.SetBodyString("Hello, World!")
	}
	rawParams := func(fc *fasthttp.RequestCtx) {
		// What a hand-written handler does for /user/:id/post/:post.
		p := fc.Path()[len("/user/"):]
		i := bytes.IndexByte(p, '/')
		fc.SetContentType("text/plain; charset=utf-8")
		fc.Response.AppendBody(p[:i])
		fc.Response.AppendBodyString(" ")
		fc.Response.AppendBody(p[i+len("/post/"):])
	}
	for _, bc := range []struct {
		name, uri string
		h         fasthttp.RequestHandler
	}{
		{"plaintext/raw", "/plaintext", raw},
		{"plaintext/tako", "/plaintext", fast},
		{"params/raw", "/user/123/post/456", rawParams},
		{"params/tako", "/user/123/post/456", fast},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var fc fasthttp.RequestCtx
			var req fasthttp.Request
			req.SetRequestURI(bc.uri)
			fc.Init(&req, nil, nil)
			b.ReportAllocs()
			for b.Loop() {
				bc.h(&fc)
				fc.Response.Reset()
			}
		})
	}
}

// nopResponseWriter is an http.ResponseWriter that keeps nothing, reusing its header map,
// so that BenchmarkServeHTTP counts only what the handler side allocates.
type nopResponseWriter struct{ h http.Header }

func (w *nopResponseWriter) Header() http.Header         { return w.h }
func (w *nopResponseWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopResponseWriter) WriteHeader(int)             {}

// BenchmarkServeHTTP measures the framework's own cost on the net/http path (the one
// HTTP/2 and HTTP/3 take): one prepared *http.Request through App.ServeHTTP against a
// hand-written http.HandlerFunc doing the same work.
func BenchmarkServeHTTP(b *testing.B) {
	app := New()
	app.Get("/plaintext", func(c *Ctx) error { return c.Text("Hello, World!") })
	app.Get("/user/:id/post/:post", func(c *Ctx) error {
		return c.Text(c.Param("id") + " " + c.Param("post"))
	})
	raw := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Hello, World!"))
	})
	for _, bc := range []struct {
		name, uri string
		h         http.Handler
	}{
		{"plaintext/raw", "/plaintext", raw},
		{"plaintext/tako", "/plaintext", app},
		{"params/tako", "/user/123/post/456", app},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", bc.uri, nil)
			w := &nopResponseWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				bc.h.ServeHTTP(w, req)
			}
		})
	}
}
