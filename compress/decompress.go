package compress

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Decompress returns net/http middleware that decodes request bodies sent
// with a Content-Encoding of gzip, deflate, br or zstd, so handlers read the
// plain body. Decoding stops at maxSize decoded bytes (0 means
// DefaultMaxDecodedSize): reading past it returns an error wrapping
// ErrTooLarge, so a decompression bomb costs at most maxSize bytes of work.
// An unknown or stacked coding is answered 415 with an Accept-Encoding
// header listing the supported ones (RFC 9110 §15.5.16); a body whose
// header is corrupt, 400. The request's Content-Encoding and Content-Length
// are removed and ContentLength is -1.
//
// The decoder is pooled and returned when the handler returns, so handlers
// must not keep r.Body.
func Decompress(maxSize int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ce := r.Header.Get("Content-Encoding")
			if ce == "" || isIdentity(strings.TrimSpace(ce)) {
				next.ServeHTTP(w, r)
				return
			}
			e, ok := ParseEncoding(strings.TrimSpace(ce))
			if !ok || len(r.Header["Content-Encoding"]) > 1 {
				w.Header()["Accept-Encoding"] = supportedRequestCodings
				http.Error(w, "compress: unsupported Content-Encoding "+ce, http.StatusUnsupportedMediaType)
				return
			}
			rd, err := AcquireReader(r.Body, e, maxSize)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body := decodedBodyPool.Get().(*decodedBody)
			body.r, body.orig = rd, r.Body
			r.Body = body
			delete(r.Header, "Content-Encoding")
			delete(r.Header, "Content-Length")
			r.ContentLength = -1
			next.ServeHTTP(w, r)
			ReleaseReader(rd)
			body.r, body.orig = nil, nil
			decodedBodyPool.Put(body)
		})
	}
}

var supportedRequestCodings = []string{"gzip, deflate, br, zstd"}

// decodedBody is the request body a handler sees under Decompress.
type decodedBody struct {
	r    *Reader
	orig io.ReadCloser
}

var decodedBodyPool = sync.Pool{New: func() any { return new(decodedBody) }}

var errBodyReleased = errors.New("compress: request body used after the handler returned")

func (b *decodedBody) Read(p []byte) (int, error) {
	if b.r == nil {
		return 0, errBodyReleased
	}
	return b.r.Read(p)
}

func (b *decodedBody) Close() error {
	if b.orig == nil {
		return nil
	}
	return b.orig.Close()
}
