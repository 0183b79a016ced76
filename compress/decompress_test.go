package compress

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDecompress(t *testing.T) {
	in := bytes.Repeat([]byte(`{"k":"v"},`), 500)
	echo := Decompress(0)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Encoding") != "" || (r.ContentLength != -1 && r.ContentLength != int64(len(in))) {
			t.Errorf("headers after decoding: %v, %d", r.Header, r.ContentLength)
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			io.WriteString(w, err.Error())
			return
		}
		w.Write(b)
	}))
	for _, e := range allEncodings {
		t.Run(e.String(), func(t *testing.T) {
			req := httptest.NewRequest("POST", "/", bytes.NewReader(compressAll(t, e, DefaultLevel, in)))
			if e != Identity {
				req.Header.Set("Content-Encoding", e.String())
			}
			rec := httptest.NewRecorder()
			echo.ServeHTTP(rec, req)
			if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), in) {
				t.Fatalf("%d, %d bytes", rec.Code, rec.Body.Len())
			}
		})
	}
	// Unknown coding: 415 with the supported list.
	req := httptest.NewRequest("POST", "/", strings.NewReader("x"))
	req.Header.Set("Content-Encoding", "compress")
	rec := httptest.NewRecorder()
	echo.ServeHTTP(rec, req)
	if rec.Code != 415 || !strings.Contains(rec.Header().Get("Accept-Encoding"), "zstd") {
		t.Fatalf("unknown coding: %d %v", rec.Code, rec.Header())
	}
	// Corrupt gzip header: 400.
	req = httptest.NewRequest("POST", "/", strings.NewReader("not gzip at all"))
	req.Header.Set("Content-Encoding", "gzip")
	rec = httptest.NewRecorder()
	echo.ServeHTTP(rec, req)
	if rec.Code != 400 {
		t.Fatalf("corrupt gzip: %d", rec.Code)
	}
}

func TestDecompressBomb(t *testing.T) {
	bomb := compressAll(t, Zstd, 1, make([]byte, 32<<20))
	var readErr error
	var n int64
	h := Decompress(1 << 20)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, readErr = io.Copy(io.Discard, r.Body)
	}))
	req := httptest.NewRequest("POST", "/", bytes.NewReader(bomb))
	req.Header.Set("Content-Encoding", "zstd")
	h.ServeHTTP(httptest.NewRecorder(), req)
	if !errors.Is(readErr, ErrTooLarge) || n != 1<<20 {
		t.Fatalf("bomb: read %d bytes, err %v", n, readErr)
	}
}
