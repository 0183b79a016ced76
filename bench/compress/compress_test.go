// Package compress compares Tako's compression middleware with
// klauspost/compress/gzhttp and Fiber v3's compress middleware on 2 KB,
// 20 KB and 100 KB JSON responses, per codec and level, in one run.
//
//	cd bench && go test ./compress -run XXX -bench . -benchtime 500ms -count 5
//
// Two harnesses, each fair within itself:
//   - net/http: Tako's compress.Middleware ("tako") and gzhttp run against the
//     same do-nothing http.ResponseWriter, so the figures are the
//     middleware's own.
//   - fasthttp: Tako's App on its FastHTTP engine with middleware/compress
//     ("tako-app") and a Fiber app with its compress middleware ("fiber"),
//     each a fasthttp server on an in-memory connection, with a client in
//     the same process writing the request and parsing the response: whole
//     requests, framework and HTTP included.
package compress

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v3"
	fibercompress "github.com/gofiber/fiber/v3/middleware/compress"
	"github.com/klauspost/compress/gzhttp"
	brrr "github.com/molecule-man/go-brrr"
	"github.com/tako-go/tako"
	"github.com/tako-go/tako/compress"
	takocompress "github.com/tako-go/tako/middleware/compress"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
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
	cpu0 := cpuTime()
	for b.Loop() {
		clear(w.h)
		w.n = 0
		h.ServeHTTP(w, req)
	}
	reportCPU(b, cpu0, len(body))
	b.ReportMetric(100*float64(w.n)/float64(len(body)), "ratio%")
}

// serveInMemory starts serve on an in-memory listener and returns a
// round-trip function for one request, checked once for its encoding.
func inMemoryBench(b *testing.B, serve func(net.Listener) error, stop func(), body []byte, enc string) {
	ln := fasthttputil.NewInmemoryListener()
	done := make(chan struct{})
	go func() { defer close(done); serve(ln) }()
	conn, err := ln.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer func() { conn.Close(); stop(); ln.Close(); <-done }()
	req := []byte("GET / HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: " + enc + "\r\n\r\n")
	br := bufio.NewReader(conn)
	var res fasthttp.Response
	roundTrip := func() {
		if _, err := conn.Write(req); err != nil {
			b.Fatal(err)
		}
		res.Reset()
		if err := res.Read(br); err != nil {
			b.Fatal(err)
		}
	}
	roundTrip()
	if got := string(res.Header.ContentEncoding()); got != enc && !(enc == "identity" && got == "") {
		b.Fatalf("Content-Encoding %q, want %q", got, enc)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		roundTrip()
	}
	reportCPU(b, cpu0, len(body))
	b.ReportMetric(100*float64(len(res.Body()))/float64(len(body)), "ratio%")
}

func fiberBench(b *testing.B, level fibercompress.Level, body []byte, enc string) {
	app := fiber.New()
	app.Use(fibercompress.New(fibercompress.Config{Level: level}))
	app.Get("/", func(c fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	srv := &fasthttp.Server{Handler: app.Handler()}
	inMemoryBench(b, srv.Serve, func() { srv.Shutdown() }, body, enc)
}

func takoAppBench(b *testing.B, cfg compress.Config, body []byte, enc string) {
	app := tako.New(tako.Config{Logger: slog.New(slog.DiscardHandler)})
	app.Use(takocompress.New(cfg))
	app.Get("/", func(c *tako.Ctx) error { return c.Bytes("application/json", body) })
	inMemoryBench(b, app.Serve, func() { app.Shutdown(context.Background()) }, body, enc)
}

func takoMW(cfg compress.Config) func(http.Handler) http.Handler { return compress.Middleware(cfg) }

func gzhttpMW(b *testing.B, level int) func(http.Handler) http.Handler {
	w, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(level), gzhttp.MinSize(1024))
	if err != nil {
		b.Fatal(err)
	}
	return func(h http.Handler) http.Handler { return w(h) }
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpuMB/s: body bytes per second of process CPU time, which
// a loaded machine disturbs far less than wall time.
func reportCPU(b *testing.B, cpu0 time.Duration, size int) {
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)*float64(size)/cpu.Seconds()/1e6, "cpuMB/s")
	}
}

// BenchmarkBrotliLibraries compares andybalholm/brotli (Tako's brotli) with
// molecule-man/go-brrr (fasthttp's, hence Fiber's) at quality 4 with pooled,
// Reset writers: the brotli rows of BenchmarkCompress differ by the library.
func BenchmarkBrotliLibraries(b *testing.B) {
	data := loadJSON(b)
	for _, size := range []int{2 << 10, 20 << 10, 100 << 10} {
		body := data[:size]
		var out bytes.Buffer
		b.Run(fmt.Sprintf("%dKB/andybalholm", size>>10), func(b *testing.B) {
			w := brotli.NewWriterLevel(&out, 4)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				out.Reset()
				w.Reset(&out)
				w.Write(body)
				w.Close()
			}
			reportCPU(b, cpu0, size)
		})
		b.Run(fmt.Sprintf("%dKB/go-brrr", size>>10), func(b *testing.B) {
			w, err := brrr.NewWriter(&out, 4)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				out.Reset()
				w.Reset(&out)
				w.Write(body)
				w.Close()
			}
			reportCPU(b, cpu0, size)
		})
	}
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
			b.Run(fmt.Sprintf("%s/gzip-%d/tako-app", sz, lv), func(b *testing.B) {
				takoAppBench(b, compress.Config{GzipLevel: lv}, body, "gzip")
			})
			b.Run(fmt.Sprintf("%s/gzip-%d/fiber", sz, lv), func(b *testing.B) {
				fiberBench(b, fl, body, "gzip")
			})
			b.Run(fmt.Sprintf("%s/deflate-%d/tako-app", sz, lv), func(b *testing.B) {
				takoAppBench(b, compress.Config{DeflateLevel: lv}, body, "deflate")
			})
			b.Run(fmt.Sprintf("%s/deflate-%d/fiber", sz, lv), func(b *testing.B) {
				fiberBench(b, fl, body, "deflate")
			})
		}
		// Fiber's default brotli quality is 4, the same as Tako's.
		b.Run(sz+"/br-4/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{BrotliLevel: 4}), body, "br")
		})
		b.Run(sz+"/br-4/tako-app", func(b *testing.B) {
			takoAppBench(b, compress.Config{BrotliLevel: 4}, body, "br")
		})
		b.Run(sz+"/br-4/fiber", func(b *testing.B) {
			fiberBench(b, fibercompress.LevelDefault, body, "br")
		})
		// Fiber's best-speed zstd is zstd.SpeedFastest (1).
		b.Run(sz+"/zstd-1/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{ZstdLevel: 1}), body, "zstd")
		})
		b.Run(sz+"/zstd-1/tako-app", func(b *testing.B) {
			takoAppBench(b, compress.Config{ZstdLevel: 1}, body, "zstd")
		})
		b.Run(sz+"/zstd-1/fiber", func(b *testing.B) {
			fiberBench(b, fibercompress.LevelBestSpeed, body, "zstd")
		})
		// The fasthttp harness without compression: what the harness itself
		// costs (and allocates) for this body size.
		b.Run(sz+"/identity/tako-app", func(b *testing.B) {
			takoAppBench(b, compress.Config{}, body, "identity")
		})
		b.Run(sz+"/zstd-2/tako", func(b *testing.B) {
			netHTTPBench(b, takoMW(compress.Config{ZstdLevel: 2}), body, "zstd")
		})
	}
}
