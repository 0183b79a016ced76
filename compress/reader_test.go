package compress

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/flate"
)

func compressAll(t testing.TB, e Encoding, level int, in []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, e, level)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReaderRoundTrip(t *testing.T) {
	in := bytes.Repeat([]byte("tako reader round trip. "), 3000)
	for _, e := range allEncodings {
		t.Run(e.String(), func(t *testing.T) {
			z := compressAll(t, e, DefaultLevel, in)
			r, err := AcquireReader(iotest.HalfReader(bytes.NewReader(z)), e, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			ReleaseReader(r)
			if err != nil || !bytes.Equal(got, in) {
				t.Fatalf("got %d bytes, %v; want %d", len(got), err, len(in))
			}
		})
	}
}

func TestReaderLimit(t *testing.T) {
	// A decompression bomb: 64 MiB of zeros compress to a few KiB. The
	// Reader must stop right after the limit with ErrTooLarge.
	bomb := make([]byte, 64<<20)
	for _, e := range allEncodings[1:] {
		t.Run(e.String(), func(t *testing.T) {
			z := compressAll(t, e, 1, bomb)
			if len(z) > 1<<20 {
				t.Fatalf("bomb is %d bytes compressed", len(z))
			}
			const limit = 1 << 20
			r, err := NewReader(bytes.NewReader(z), e, limit)
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(io.Discard, r)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooLarge", err)
			}
			if n != limit {
				t.Fatalf("read %d bytes before the error, want exactly the limit %d", n, limit)
			}
			// Exactly at the limit is fine.
			r2, _ := NewReader(bytes.NewReader(compressAll(t, e, 1, bomb[:limit])), e, limit)
			if n, err := io.Copy(io.Discard, r2); err != nil || n != limit {
				t.Fatalf("at the limit: %d, %v", n, err)
			}
		})
	}
}

func TestReaderDefaultLimit(t *testing.T) {
	z := compressAll(t, Gzip, 1, make([]byte, DefaultMaxDecodedSize+1))
	r, _ := NewReader(bytes.NewReader(z), Gzip, 0)
	if _, err := io.Copy(io.Discard, r); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge at the default limit", err)
	}
}

func TestReaderRawDeflate(t *testing.T) {
	// Clients that send raw deflate for "deflate" are decoded too.
	in := []byte(strings.Repeat("raw deflate body ", 100))
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, 5)
	fw.Write(in)
	fw.Close()
	r, err := NewReader(bytes.NewReader(buf.Bytes()), Deflate, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("raw deflate: %q, %v", got, err)
	}
}

func TestReaderCorrupt(t *testing.T) {
	in := bytes.Repeat([]byte("corrupt me "), 500)
	for _, e := range allEncodings[1:] {
		t.Run(e.String(), func(t *testing.T) {
			z := compressAll(t, e, DefaultLevel, in)
			// Truncated stream.
			r, err := NewReader(bytes.NewReader(z[:len(z)/2]), e, 0)
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if err == nil || !strings.HasPrefix(err.Error(), "compress: ") {
				t.Fatalf("truncated: err = %v, want a compress: error", err)
			}
			// Garbage.
			r, err = NewReader(strings.NewReader("\x00\x01 this is not compressed at all"), e, 0)
			if err == nil {
				_, err = io.ReadAll(r)
			}
			if err == nil {
				t.Fatal("garbage decoded without error")
			}
			// Empty body: not a stream, except for zstd, whose format
			// allows zero frames (klauspost/compress decodes it as empty).
			r, err = NewReader(strings.NewReader(""), e, 0)
			var got []byte
			if err == nil {
				got, err = io.ReadAll(r)
			}
			if e == Zstd {
				if err != nil || len(got) != 0 {
					t.Fatalf("empty zstd body: %q, %v", got, err)
				}
			} else if err == nil {
				t.Fatal("empty body decoded without error")
			}
		})
	}
}

func TestReaderAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	in := bytes.Repeat([]byte(`{"id":1,"name":"tako"},`), 400)
	for _, e := range allEncodings {
		t.Run(e.String(), func(t *testing.T) {
			z := compressAll(t, e, DefaultLevel, in)
			src := bytes.NewReader(z)
			out := make([]byte, 32<<10)
			run := func() {
				src.Reset(z)
				r, err := AcquireReader(src, e, 0)
				if err != nil {
					t.Fatal(err)
				}
				n, err := io.ReadFull(r, out[:len(in)])
				if err != nil || n != len(in) {
					t.Fatal(n, err)
				}
				ReleaseReader(r)
			}
			for range 3 {
				run()
			}
			n := testing.AllocsPerRun(100, run)
			if e == Brotli {
				// andybalholm/brotli v1.3.0 allocates context maps per
				// meta-block; this body has one meta-block.
				if n > 3 {
					t.Fatalf("%v allocs per decoded brotli body, want at most 3", n)
				}
				return
			}
			if n != 0 {
				t.Fatalf("%v allocs per decoded body, want 0", n)
			}
		})
	}
}
