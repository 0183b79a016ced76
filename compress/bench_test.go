package compress

import (
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

var (
	benchDataOnce sync.Once
	benchJSON     []byte
	benchHTML     []byte
)

func loadGz(tb testing.TB, name string) []byte {
	f, err := os.Open("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r, err := stdgzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func benchData(tb testing.TB) (json, html []byte) {
	benchDataOnce.Do(func() {
		benchJSON = loadGz(tb, "twitter.json.gz")
		benchHTML = loadGz(tb, "go_spec.html.gz")
	})
	return benchJSON, benchHTML
}

// BenchmarkCodec measures every codec and level on 100 KB of JSON and of
// HTML: MB/s of input, the same per second of process CPU time ("cpuMB/s",
// steadier than wall time on a shared machine), and the compressed size as a
// percentage of the input ("ratio%"). The package documentation's table
// comes from it.
func BenchmarkCodec(b *testing.B) {
	js, html := benchData(b)
	for _, doc := range []struct {
		name string
		data []byte
	}{{"json", js[:100<<10]}, {"html", html[:100<<10]}} {
		for _, e := range allEncodings[1:] {
			for _, lv := range allLevels(e) {
				if lv <= 0 && e != Brotli {
					continue // stored, Huffman-only and stateless are not candidates
				}
				b.Run(fmt.Sprintf("%s/%s-%d", doc.name, e, lv), func(b *testing.B) {
					var out bytes.Buffer
					out.Grow(len(doc.data))
					b.SetBytes(int64(len(doc.data)))
					b.ReportAllocs()
					cpu0 := cpuTime()
					for b.Loop() {
						out.Reset()
						w, _ := AcquireWriter(&out, e, lv)
						w.Write(doc.data)
						w.Close()
						ReleaseWriter(w)
					}
					if cpu := cpuTime() - cpu0; cpu > 0 {
						b.ReportMetric(float64(b.N)*float64(len(doc.data))/cpu.Seconds()/1e6, "cpuMB/s")
					}
					b.ReportMetric(100*float64(out.Len())/float64(len(doc.data)), "ratio%")
				})
			}
		}
	}
}

// BenchmarkMiddleware runs the net/http middleware on 2 KB, 20 KB and
// 100 KB JSON responses per codec at its default level, against a
// ResponseWriter that does nothing, so the figures are the middleware's own.
func BenchmarkMiddleware(b *testing.B) {
	js, _ := benchData(b)
	ct := []string{"application/json"}
	for _, size := range []int{2 << 10, 20 << 10, 100 << 10} {
		body := js[:size]
		for _, e := range allEncodings[1:] {
			b.Run(fmt.Sprintf("%dKB/%s", size>>10, e), func(b *testing.B) {
				h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header()["Content-Type"] = ct
					w.Write(body)
				}), Config{})
				req := httptest.NewRequest("GET", "/", nil)
				req.Header.Set("Accept-Encoding", e.String())
				w := &nopResponseWriter{h: http.Header{}}
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					h.ServeHTTP(w, req)
				}
			})
		}
	}
}

// BenchmarkReader decodes a 100 KB JSON body per codec.
func BenchmarkReader(b *testing.B) {
	js, _ := benchData(b)
	in := js[:100<<10]
	out := make([]byte, len(in))
	for _, e := range allEncodings[1:] {
		z := compressAll(b, e, DefaultLevel, in)
		b.Run(e.String(), func(b *testing.B) {
			src := bytes.NewReader(z)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				src.Reset(z)
				r, _ := AcquireReader(src, e, 0)
				if _, err := io.ReadFull(r, out); err != nil {
					b.Fatal(err)
				}
				ReleaseReader(r)
			}
		})
	}
}

func BenchmarkNegotiate(b *testing.B) {
	n := NewNegotiator(nil)
	b.ReportAllocs()
	for b.Loop() {
		n.Negotiate("gzip, deflate, br, zstd")
	}
}
