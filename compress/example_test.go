package compress_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tako-go/tako/compress"
)

func ExampleMiddleware() {
	page := strings.Repeat("<p>Hello, compressed world.</p>\n", 100)
	h := compress.Middleware(compress.Config{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "gzip;q=0.8, br")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"), rec.Body.Len() < len(page)/10)
	// Output: br Accept-Encoding true
}

func ExampleNegotiator() {
	n := compress.NewNegotiator([]compress.Encoding{compress.Brotli, compress.Gzip})
	for _, ae := range []string{"gzip, br", "gzip;q=1, br;q=0.5", "zstd", "identity;q=0"} {
		e, ok := n.Negotiate(ae)
		fmt.Println(ae, "->", e, ok)
	}
	// Output:
	// gzip, br -> br true
	// gzip;q=1, br;q=0.5 -> gzip true
	// zstd -> identity true
	// identity;q=0 -> identity false
}

func ExampleWriter() {
	var buf bytes.Buffer
	w, err := compress.AcquireWriter(&buf, compress.Zstd, compress.DefaultLevel)
	if err != nil {
		panic(err)
	}
	w.Write([]byte(strings.Repeat("tako ", 1000)))
	w.Close()
	compress.ReleaseWriter(w)

	r, _ := compress.NewReader(&buf, compress.Zstd, 0)
	out, _ := io.ReadAll(r)
	fmt.Println(len(out))
	// Output: 5000
}

func ExampleDecompress() {
	h := compress.Decompress(1 << 20)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		fmt.Println(string(b), err)
	}))
	var body bytes.Buffer
	w, _ := compress.NewWriter(&body, compress.Gzip, compress.DefaultLevel)
	w.Write([]byte(`{"hello":"world"}`))
	w.Close()
	req := httptest.NewRequest("POST", "/", &body)
	req.Header.Set("Content-Encoding", "gzip")
	h.ServeHTTP(httptest.NewRecorder(), req)
	// Output: {"hello":"world"} <nil>
}
