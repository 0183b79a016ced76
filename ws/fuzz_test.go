package ws

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// FuzzParseHeader checks that ParseHeader never panics, agrees with
// ReadHeader, and that accepted headers re-encode to the same bytes
// (ParseHeader accepts only the minimal length encoding).
func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58})
	f.Add([]byte{0x82, 0x7e, 0x01, 0x00})
	f.Add([]byte{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{0x89, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ParseHeader(b)
		rh, rerr := ReadHeader(bytes.NewReader(b))
		if err != nil {
			if rerr == nil {
				t.Fatalf("ParseHeader: %v, ReadHeader accepted %+v", err, rh)
			}
			return
		}
		if n == 0 {
			if rerr == nil {
				t.Fatalf("ParseHeader wants more, ReadHeader accepted %+v", rh)
			}
			return
		}
		if rerr != nil || rh != h {
			t.Fatalf("ReadHeader %+v %v, ParseHeader %+v", rh, rerr, h)
		}
		if n != HeaderSize(h) {
			t.Fatalf("n=%d HeaderSize=%d", n, HeaderSize(h))
		}
		if enc := AppendHeader(nil, h); !bytes.Equal(enc, b[:n]) {
			t.Fatalf("re-encoded %x, input %x", enc, b[:n])
		}
	})
}

// FuzzParseRequest checks ParseRequest against net/http's request parser:
// a request ParseRequest accepts must parse with http.ReadRequest, and the
// handshake fields must agree.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nConnection: upgrade\r\nSec-WebSocket-Protocol: a, b\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"))
	f.Add([]byte("POST /x HTTP/1.0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, n, err := ParseRequest(b)
		if err != nil || n == 0 {
			return
		}
		if err := r.Check(); err != nil && !strings.HasPrefix(err.Error(), "ws: handshake: ") {
			t.Fatalf("error without prefix: %v", err)
		}
		hr, herr := http.ReadRequest(bufio.NewReader(bytes.NewReader(b[:n])))
		if herr != nil {
			// net/http is stricter about some things (URI forms, header
			// value bytes); only check agreement when both parse.
			return
		}
		if hr.Method != r.Method || hr.Host != r.Host {
			t.Fatalf("net/http %q %q, ParseRequest %q %q", hr.Method, hr.Host, r.Method, r.Host)
		}
		hreq := RequestFromHTTP(hr)
		if hreq.Key != r.Key || hreq.Version != r.Version {
			t.Fatalf("net/http key %q version %q, ParseRequest key %q version %q", hreq.Key, hreq.Version, r.Key, r.Version)
		}
		if (hreq.Check() == nil) != (r.Check() == nil) {
			t.Fatalf("Check disagrees: net/http %v, ParseRequest %v", hreq.Check(), r.Check())
		}
	})
}

// FuzzConnRead feeds arbitrary bytes to a server Conn as the client's
// stream: reading must end with an error (never panic or hang), and a text
// message it returns must be valid UTF-8.
func FuzzConnRead(f *testing.F) {
	f.Add(frame(true, 0, OpText, []byte("hello")))
	f.Add(append(frame(false, 0, OpText, []byte("he")), frame(true, 0, OpContinuation, []byte("llo"))...))
	f.Add(append(frame(true, 0, OpPing, []byte("p")), frame(true, 0, OpClose, closePayload(1000, "x"))...))
	f.Add(frame(true, 0, OpText, []byte("\xed\xa0\x80")))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := NewConn(&feedConn{r: bytes.NewReader(b)}, true, nil, &Options{MaxMessageSize: 1 << 16})
		for range 1000 {
			op, p, err := c.ReadMessage()
			if err != nil {
				return
			}
			if op == Text && !utf8.Valid(p) {
				t.Fatalf("invalid UTF-8 text returned: %q", p)
			}
		}
	})
}

// FuzzDeflateReader feeds arbitrary compressed payloads to a server Conn
// with permessage-deflate negotiated (as one RSV1 frame); it must not panic
// and must agree with flate's own decoder on what decodes.
func FuzzDeflateReader(f *testing.F) {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, 1)
	fw.Write([]byte("hello hello hello"))
	fw.Flush()
	f.Add(bytes.TrimSuffix(buf.Bytes(), []byte{0, 0, 0xff, 0xff}), false)
	f.Add([]byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}, false)
	f.Add([]byte{0x00}, true)
	f.Fuzz(func(t *testing.T, payload []byte, text bool) {
		op := OpBinary
		if text {
			op = OpText
		}
		fc := &feedConn{r: bytes.NewReader(frame(true, Rsv1, op, payload))}
		c := NewConn(fc, true, nil, &Options{MaxMessageSize: 1 << 20})
		c.deflate = newDeflateState(deflateParams{}, true, nil)
		_, got, err := c.ReadMessage()
		ref, rerr := io.ReadAll(io.LimitReader(flate.NewReader(io.MultiReader(bytes.NewReader(payload), strings.NewReader(deflateTail))), 1<<20+1))
		if err == nil {
			if rerr != nil || !bytes.Equal(got, ref) {
				t.Fatalf("Conn read %d bytes, flate %d bytes (%v)", len(got), len(ref), rerr)
			}
			if text && !utf8.Valid(got) {
				t.Fatalf("invalid UTF-8 accepted")
			}
		}
	})
}

// FuzzUTF8 checks the incremental validator against utf8.Valid on the
// whole input, for the input split at two fuzzed points.
func FuzzUTF8(f *testing.F) {
	for _, tc := range utf8Cases {
		f.Add([]byte(tc.s), uint8(1), uint8(2))
	}
	f.Fuzz(func(t *testing.T, b []byte, i, j uint8) {
		a, c := int(i), int(j)
		a = min(a, len(b))
		c = min(max(c, a), len(b))
		var v utf8Validator
		ok := v.write(b[:a]) && v.write(b[a:c]) && v.write(b[c:]) && v.done()
		if ok != utf8.Valid(b) {
			t.Fatalf("validator %v, utf8.Valid %v for %q split at %d,%d", ok, utf8.Valid(b), b, a, c)
		}
	})
}

// feedConn is a net.Conn that reads from r and discards writes.
type feedConn struct {
	replayConn
	r io.Reader
}

func (f *feedConn) Read(p []byte) (int, error)  { return f.r.Read(p) }
func (f *feedConn) SetDeadline(time.Time) error { return nil }
func (f *feedConn) Write(p []byte) (int, error) { return len(p), nil }
