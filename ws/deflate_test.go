package ws

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
)

func TestDeflateNegotiation(t *testing.T) {
	cases := []struct {
		opt   CompressionOptions
		offer string
		want  string // "" means declined
	}{
		{CompressionOptions{}, "permessage-deflate", "permessage-deflate"},
		{CompressionOptions{}, "permessage-deflate; client_max_window_bits", "permessage-deflate"},
		{CompressionOptions{}, "permessage-deflate; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10"},
		{CompressionOptions{}, "permessage-deflate; server_max_window_bits=9", "permessage-deflate; server_max_window_bits=9"},
		{CompressionOptions{}, "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		{CompressionOptions{ServerNoContextTakeover: true, ClientNoContextTakeover: true}, "permessage-deflate", "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
		{CompressionOptions{ServerMaxWindowBits: 10}, "permessage-deflate; server_max_window_bits=12", "permessage-deflate; server_max_window_bits=10"},
		{CompressionOptions{}, "permessage-deflate; server_max_window_bits=16", ""},
		{CompressionOptions{}, "permessage-deflate; server_max_window_bits=7", ""},
		{CompressionOptions{}, "permessage-deflate; server_max_window_bits", ""},
		{CompressionOptions{}, "permessage-deflate; foo=1", ""},
		{CompressionOptions{}, "permessage-deflate; server_no_context_takeover; server_no_context_takeover", ""},
		{CompressionOptions{}, "permessage-deflate; server_no_context_takeover=1", ""},
		// The first acceptable offer wins.
		{CompressionOptions{}, "permessage-deflate; foo, permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover"},
		{CompressionOptions{}, "x-webkit-deflate-frame", ""},
	}
	for _, tc := range cases {
		p, ok := tc.opt.accept(tc.offer)
		got := ""
		if ok {
			got = p.String()
		}
		if got != tc.want {
			t.Errorf("accept(%q) = %q, want %q", tc.offer, got, tc.want)
		}
	}
}

// deflateClient compresses like a permessage-deflate client with context
// takeover: one flate writer for the whole connection.
type deflateClient struct {
	buf bytes.Buffer
	fw  *flate.Writer
}

func (d *deflateClient) compress(p []byte) []byte {
	if d.fw == nil {
		d.fw, _ = flate.NewWriter(&d.buf, 6)
	}
	d.buf.Reset()
	d.fw.Write(p)
	d.fw.Flush()
	return bytes.Clone(bytes.TrimSuffix(d.buf.Bytes(), []byte{0, 0, 0xff, 0xff}))
}

// inflater decompresses the server's messages with context takeover.
type inflater struct{ window []byte }

func (f *inflater) decompress(t *testing.T, p []byte) []byte {
	r := flate.NewReaderDict(io.MultiReader(bytes.NewReader(p), strings.NewReader(deflateTail)), f.window)
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("inflating server message: %v", err)
	}
	f.window = appendWindow(f.window, out)
	return out
}

// Autobahn group 12/13: compressed messages of various sizes, both
// directions, with context takeover, from a raw-frame client.
func TestAutobahn12Compression(t *testing.T) {
	srv := echoServer(t, &Upgrader{Compression: &CompressionOptions{}})
	for _, offer := range []string{
		"permessage-deflate",
		"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
		"permessage-deflate; server_max_window_bits=9",
	} {
		t.Run(offer, func(t *testing.T) {
			rc, resp := dialRaw(t, srv, "Sec-WebSocket-Extensions: "+offer+"\r\n")
			if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Extensions") == "" {
				t.Fatalf("status %d ext %q", resp.StatusCode, resp.Header.Get("Sec-WebSocket-Extensions"))
			}
			noTakeover := strings.Contains(offer, "no_context")
			var dc deflateClient
			var inf inflater
			for _, n := range []int{16, 64, 256, 1024, 4096, 65536, 200000} {
				msg := []byte(strings.Repeat("Hello, compressed world! ", n/25+1)[:n])
				if noTakeover {
					dc = deflateClient{}
					inf = inflater{}
				}
				rc.send(true, Rsv1, OpText, dc.compress(msg))
				h, p, err := rc.readFrame()
				if err != nil {
					t.Fatal(err)
				}
				if n < 128 { // below MinSize: sent uncompressed
					if h.Rsv != 0 || !bytes.Equal(p, msg) {
						t.Fatalf("%d: small echo %+v %q", n, h, p)
					}
					continue
				}
				if h.Rsv != Rsv1 || h.OpCode != OpText || !h.Fin {
					t.Fatalf("%d: echo frame %+v not compressed", n, h)
				}
				if got := inf.decompress(t, p); !bytes.Equal(got, msg) {
					t.Fatalf("%d: echo mismatch (%d bytes)", n, len(got))
				}
			}
		})
	}
	t.Run("fragmented-compressed", func(t *testing.T) {
		rc, _ := dialRaw(t, srv, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		var dc deflateClient
		msg := []byte(strings.Repeat("fragmented ", 500))
		c := dc.compress(msg)
		rc.send(false, Rsv1, OpBinary, c[:len(c)/2])
		rc.send(true, 0, OpContinuation, c[len(c)/2:])
		h, p, err := rc.readFrame()
		if err != nil || h.Rsv != Rsv1 {
			t.Fatalf("%+v %v", h, err)
		}
		var inf inflater
		if got := inf.decompress(t, p); !bytes.Equal(got, msg) {
			t.Fatal("mismatch")
		}
	})
	t.Run("rsv1-on-continuation", func(t *testing.T) {
		rc, _ := dialRaw(t, srv, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		rc.send(false, 0, OpText, []byte("abc"))
		rc.send(true, Rsv1, OpContinuation, []byte("def"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("rsv1-on-ping", func(t *testing.T) {
		rc, _ := dialRaw(t, srv, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		rc.send(true, Rsv1, OpPing, []byte("abc"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("corrupt-deflate", func(t *testing.T) {
		rc, _ := dialRaw(t, srv, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		rc.tolerant = true
		rc.send(true, Rsv1, OpBinary, []byte{0xff, 0xff, 0xff, 0xff})
		rc.expectClose(CloseInvalidPayload)
	})
	t.Run("compressed-invalid-utf8", func(t *testing.T) {
		rc, _ := dialRaw(t, srv, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		var dc deflateClient
		rc.send(true, Rsv1, OpText, dc.compress([]byte("ok \xed\xa0\x80")))
		rc.expectClose(CloseInvalidPayload)
	})
	t.Run("decompression-bomb", func(t *testing.T) {
		small := echoServer(t, &Upgrader{Compression: &CompressionOptions{}, Options: Options{MaxMessageSize: 1 << 16}})
		rc, _ := dialRaw(t, small, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
		var dc deflateClient
		rc.send(true, Rsv1, OpBinary, dc.compress(make([]byte, 1<<20)))
		rc.expectClose(CloseMessageTooBig)
	})
	t.Run("rsv1-without-negotiation", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		var dc deflateClient
		rc.send(true, Rsv1, OpText, dc.compress([]byte("hello")))
		rc.expectClose(CloseProtocolError)
	})
}

// A compressed message left half-read is discarded through the
// decompressor: the next message, which refers back to it through the
// context-takeover window, still decodes.
func TestDeflateDiscardKeepsWindow(t *testing.T) {
	c := dialDeflateEcho(t)
	first := []byte(strings.Repeat("the same words again and again, ", 2000))
	c.WriteMessage(Text, first)
	c.WriteMessage(Text, first)
	_, r, err := c.NextReader()
	if err != nil {
		t.Fatal(err)
	}
	var part [10]byte
	io.ReadFull(r, part[:])
	_, got, err := c.ReadMessage()
	if err != nil || !bytes.Equal(got, first) {
		t.Fatalf("second message: %d bytes, %v", len(got), err)
	}
}

// With context takeover the flate writer is kept across messages and writes
// into the connection's output buffer; after a message whose compressed form
// exceeds 64 KiB that buffer must stay with the connection. (It was once
// returned to the shared pool: the next compressed message went out empty,
// found by the Node ws interop test.)
func TestDeflateLargeThenSmall(t *testing.T) {
	c := dialDeflateEcho(t)
	large := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range large {
		large[i] = byte(rng.Uint32()) // incompressible: > 64 KiB compressed
	}
	small := []byte(strings.Repeat("compressible text, ", 100))
	for i, msg := range [][]byte{large, small, large, small} {
		if err := c.WriteMessage(Binary, msg); err != nil {
			t.Fatal(err)
		}
		_, got, err := c.ReadMessage()
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("message %d (%d bytes): echoed %d bytes, %v", i, len(msg), len(got), err)
		}
	}
}

// dialDeflateEcho connects a compressing client to a compressing echo server
// (context takeover on both sides) and closes it when the test ends.
func dialDeflateEcho(t *testing.T) *Conn {
	t.Helper()
	srv := echoServer(t, &Upgrader{Compression: &CompressionOptions{}})
	d := &Dialer{Compression: &CompressionOptions{}}
	c, _, err := d.Dial(t.Context(), wsURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
