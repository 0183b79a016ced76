// Package compress compares Tako's compression middleware with
// klauspost/compress/gzhttp and Fiber v3's compress middleware on 2 KB,
// 20 KB and 100 KB JSON responses, per codec and level, in one run.
//
//	cd bench && go test ./compress -run XXX -bench . -benchtime 500ms -count 5
//
// Tako and gzhttp are net/http middleware and run against the same
// do-nothing http.ResponseWriter, so their figures are the middleware's own.
// Fiber runs on fasthttp: its figures include Fiber's handler dispatch on a
// reused fasthttp.RequestCtx (no network), which is small next to the
// compression itself.
package compress

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/gofiber/fiber/v3"
	fibercompress "github.com/gofiber/fiber/v3/middleware/compress"
	"github.com/klauspost/compress/gzhttp"
	"github.com/tako-go/tako/compress"
	"github.com/valyala/fasthttp"
)

func loadJSON(b *testing.B) []byte {
	f, err := os.Open("../../compress/testdata/twitter.json.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r, err := stdgzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

type nopResponseWriter struct {
	h http.Header
	n int
}

func (w *nopResponseWriter) Header() http.Header         { return w.h }
func (w *nopResponseWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *nopResponseWriter) WriteHeader(int)             {}

var jsonType = []string{"application/json"}

func netHTTPBench(b *testing.B, mw func(http.Handler) http.Handler, body []byte, enc string) {
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = jsonType
		w.Write(body)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", enc)
	w := &nopResponseWriter{h: http.Header{}}
	h.ServeHTTP(w, req)
	if got := w.h.Get("Content-Encoding"); got != enc {
		b.Fatalf("Content-Encoding %q, want %q", got, enc)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		clear(w.h)
		w.n = 0
		h.ServeHTTP(w, req)
	}
	b.ReportMetric(100*float64(w.n)/float64(len(body)), "ratio%")
}

func fiberBench(b *testing.B, level fibercompress.Level, body []byte, enc string) {
	app := fiber.New()
	app.Use(fibercompress.New(fibercompress.Config{Level: level}))
	app.Get("/", func(c fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	h := app.Handler()
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.SetRequestURI("/")
	ctx.Request.Header.SetMethod("GET")
	ctx.Request.Header.Set("Accept-Encoding", enc)
	h(ctx)
	if got := string(ctx.Response.Header.ContentEncoding()); got != enc {
		b.Fatalf("Fiber Content-Encoding %q, want %q", got, enc)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		ctx.Response.Reset()
		h(ctx)
		n = len(ctx.Response.Body())
	}
	b.ReportMetric(100*float64(n)/float64(len(body)), "ratio%")
}

func takoMW(cfg compress.Config) func(http.Handler) http.Handler { return compress.Middleware(cfg) }

func gzhttpMW(b *testing.B, level int) func(http.Handler) http.Handler {
	w, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(level), gzhttp.MinSize(1024))
	if err != nil {
		b.Fatal(err)
	}
	return func(h http.Handler) http.Handler { return w(h) }
}

// BenchmarkCompress/<size>/<codec>-<level>/<impl>.
func BenchmarkCompress(b *testing.B) {
	data := loadJSON(b)
	for _, size := range []int{2 << 10, 20 << 10, 100 << 10} {
		body := bytes.Clone(data[:size])
		sz := fmt.Sprintf("%dKB", size>>10)
		for _, lv := range []int{1, 6} {
			fl := fibercompress.LevelBestSpeed
			if lv == 6 {
				fl = fibercompress.LevelDefault
			}
			b.Run(fmt.Sprintf("%s/gzip-%d/tako", sz, lv), func(b *testing.B) {
				netHTTPBench(b, takoMW(compress.Config{GzipLevel: lv}), body, "gzip")
			})
			b.Run(fmt.Sprintf("%s/gzip-%d/gzhttp", sz, lv), func(b *testing.B) {
				netHTTPBench(b, gzhttpMW(b, lv), body, "gzip")
			})
			b.Run(fmt.Sprintf("%s/gzip-%d/fiber", sz, lv), func(b *testing.B) {
				fiberBench(b, fl, body, "gzip")
			})
			b.Run(fmt.Sprintf("%s/deflate-%d/tako", sz, lv), func(b *testing.B) {
				netHTTPBench(b, takoMW(compress.Config{DeflateLevel: lv}), body, "deflate")
			})
			b.Run(fmt.Sprintf("%s/deflate-%d/fiber", sz, lv), func(b *testing.B) {
				fiberBench(b, fl, body, "deflate")
			})
		}
		// Fiber's default brotli quality is 4, the same as Tako's.
		b.Run(sz+"/br-4/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{BrotliLevel: 4}), body, "br")
		})
		b.Run(sz+"/br-4/fiber", func(b *testing.B) {
			fiberBench(b, fibercompress.LevelDefault, body, "br")
		})
		// Fiber's best-speed zstd is zstd.SpeedFastest (1).
		b.Run(sz+"/zstd-1/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{ZstdLevel: 1}), body, "zstd")
		})
		b.Run(sz+"/zstd-1/fiber", func(b *testing.B) {
			fiberBench(b, fibercompress.LevelBestSpeed, body, "zstd")
		})
		b.Run(sz+"/zstd-2/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{ZstdLevel: 2}), body, "zstd")
		})
	}
}
