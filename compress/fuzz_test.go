package compress

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// maxFuzzBody bounds fuzzed bodies: the codecs are slow under coverage
// instrumentation (brotli 11 on 100 KB with a flush per byte takes seconds),
// and every code path is reached by far smaller inputs.
const maxFuzzBody = 8 << 10

// fuzzLevel maps a fuzzed byte to a valid level of e.
func fuzzLevel(e Encoding, b byte) int {
	lv := allLevels(e)
	return lv[int(b)%len(lv)]
}

// writeChunked writes data to w in chunks whose sizes come from plan: each
// plan byte gives a chunk of 1+b&0x7f bytes and, when its high bit is set, a
// Flush after it. When the plan runs out the rest is written whole.
func writeChunked(t *testing.T, w interface {
	io.Writer
	Flush() error
}, data, plan []byte) {
	for len(data) > 0 {
		n := len(data)
		flush := false
		if len(plan) > 0 {
			n = min(n, 1+int(plan[0]&0x7f))
			flush = plan[0]&0x80 != 0
			plan = plan[1:]
		}
		if k, err := w.Write(data[:n]); err != nil || k != n {
			t.Fatalf("Write: %d, %v", k, err)
		}
		if flush {
			if err := w.Flush(); err != nil {
				t.Fatalf("Flush: %v", err)
			}
		}
		data = data[n:]
	}
}

// FuzzRoundTrip: every codec at every level round-trips arbitrary input
// under arbitrary write and flush chunking, decoded both by the pooled
// Reader and by a reference decoder.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("hello, tako"), byte(Gzip), byte(0), []byte{3, 0x85, 1})
	f.Add(bytes.Repeat([]byte(`{"a":1}`), 300), byte(Zstd), byte(1), []byte{0xff, 0x10, 0x80})
	f.Add([]byte{}, byte(Brotli), byte(4), []byte{})
	f.Add(bytes.Repeat([]byte{0}, 5000), byte(Deflate), byte(2), []byte{0x80, 0x80, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte, codec, level byte, plan []byte) {
		if len(data) > maxFuzzBody {
			data = data[:maxFuzzBody]
		}
		e := Encoding(codec % byte(numEncodings))
		lv := fuzzLevel(e, level)
		var buf bytes.Buffer
		w, err := AcquireWriter(&buf, e, lv)
		if err != nil {
			t.Fatal(err)
		}
		writeChunked(t, w, data, plan)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ReleaseWriter(w)
		if got := referenceDecode(t, e, buf.Bytes()); !bytes.Equal(got, data) {
			t.Fatalf("%s/%d: reference decode differs (%d vs %d bytes)", e, lv, len(got), len(data))
		}
		r, err := AcquireReader(bytes.NewReader(buf.Bytes()), e, -1)
		if err != nil {
			if e == Identity || len(data) > 0 || e == Gzip || e == Deflate || e == Brotli {
				t.Fatalf("%s/%d: Reader: %v", e, lv, err)
			}
			return
		}
		got, err := io.ReadAll(r)
		ReleaseReader(r)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s/%d: Reader: %d bytes, %v; want %d", e, lv, len(got), err, len(data))
		}
	})
}

// FuzzReader: arbitrary bytes never panic or hang a decoder, and the output
// never exceeds the limit.
func FuzzReader(f *testing.F) {
	for _, e := range allEncodings {
		f.Add(compressAll(f, e, DefaultLevel, []byte("seed body seed body seed body")), byte(e))
	}
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"), byte(Gzip))
	f.Add([]byte("\x78\x9c"), byte(Deflate))
	f.Fuzz(func(t *testing.T, data []byte, codec byte) {
		e := Encoding(codec % byte(numEncodings))
		const limit = 1 << 16
		r, err := AcquireReader(bytes.NewReader(data), e, limit)
		if err != nil {
			return
		}
		defer ReleaseReader(r)
		n, err := io.Copy(io.Discard, r)
		if n > limit {
			t.Fatalf("%s: %d bytes past a limit of %d", e, n, limit)
		}
		if errors.Is(err, ErrTooLarge) && n != limit {
			t.Fatalf("%s: ErrTooLarge after %d bytes, want %d", e, n, limit)
		}
	})
}

// FuzzHandler: the net/http middleware delivers exactly the handler's bytes
// under arbitrary write and flush chunking, whatever it decides.
func FuzzHandler(f *testing.F) {
	f.Add([]byte("short"), byte(Gzip), []byte{2, 0x81})
	f.Add(bytes.Repeat([]byte("event: x\ndata: y\n\n"), 100), byte(Brotli), []byte{0x90, 0x90, 5, 0xff})
	f.Add(bytes.Repeat([]byte(`<p>tako</p>`), 200), byte(Zstd), []byte{})
	f.Add(bytes.Repeat([]byte("zz"), 600), byte(Deflate), []byte{0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte, codec byte, plan []byte) {
		if len(data) > maxFuzzBody {
			data = data[:maxFuzzBody]
		}
		e := Encoding(codec % byte(numEncodings))
		h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			writeChunked(t, flushWriter{w}, data, plan)
		}), Config{})
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", e.String())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Body.Bytes()
		if ce := rec.Header().Get("Content-Encoding"); ce != "" {
			ge, _ := ParseEncoding(ce)
			if ge != e {
				t.Fatalf("Content-Encoding %q for Accept-Encoding %q", ce, e)
			}
			got = referenceDecode(t, ge, got)
		} else if e != Identity && len(data) >= DefaultMinSize {
			t.Fatalf("%d bytes of text/plain were not compressed with %s", len(data), e)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("body differs: %d vs %d bytes", len(got), len(data))
		}
	})
}

type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }
func (f flushWriter) Flush() error                { f.w.(http.Flusher).Flush(); return nil }
