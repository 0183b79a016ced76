package ws

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// rawClient is a WebSocket client that writes frames byte by byte as the
// test says, so tests can send what no well-behaved client would.
type rawClient struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
	// tolerant ignores write errors: the server may fail the connection
	// before the test has written everything (fail-fast cases).
	tolerant bool
}

// echoServer starts an httptest server whose handler echoes every message
// with AppendMessage/WriteMessage until the read fails.
func echoServer(t testing.TB, u *Upgrader) *httptest.Server {
	if u == nil {
		u = &Upgrader{}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		defer c.Close()
		var buf []byte
		for {
			var op MessageType
			op, buf, err = c.AppendMessage(buf[:0])
			if err != nil {
				return
			}
			if err := c.WriteMessage(op, buf); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

const testKey = "dGhlIHNhbXBsZSBub25jZQ=="

func dialRaw(t testing.TB, srv *httptest.Server, extra string) (*rawClient, *http.Response) {
	t.Helper()
	nc, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	req := "GET /chat HTTP/1.1\r\nHost: " + srv.Listener.Addr().String() +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + testKey + "\r\n" + extra + "\r\n"
	if _, err := nc.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &rawClient{t: t, nc: nc, br: br}, resp
}

func mustDialRaw(t testing.TB, srv *httptest.Server) *rawClient {
	t.Helper()
	rc, resp := dialRaw(t, srv, "")
	if resp.StatusCode != 101 {
		t.Fatalf("handshake status %d", resp.StatusCode)
	}
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("Sec-WebSocket-Accept %q", got)
	}
	return rc
}

// frame builds one masked client frame.
func frame(fin bool, rsv byte, op OpCode, payload []byte) []byte {
	h := Header{Fin: fin, Rsv: rsv, OpCode: op, Length: int64(len(payload)), Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}}
	b := AppendHeader(nil, h)
	n := len(b)
	b = append(b, payload...)
	Cipher(b[n:], h.Mask, 0)
	return b
}

func (r *rawClient) write(b []byte) {
	r.t.Helper()
	r.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.nc.Write(b); err != nil && !r.tolerant {
		r.t.Fatalf("write: %v", err)
	}
}

// writeChunked writes b in pieces of n bytes, as Autobahn's "chopped" cases.
func (r *rawClient) writeChunked(b []byte, n int) {
	r.t.Helper()
	for len(b) > 0 {
		k := min(n, len(b))
		r.write(b[:k])
		b = b[k:]
	}
}

func (r *rawClient) send(fin bool, rsv byte, op OpCode, payload []byte) {
	r.t.Helper()
	r.write(frame(fin, rsv, op, payload))
}

// readFrame reads one server frame; it fails the test if the frame is
// masked (a server must not mask).
func (r *rawClient) readFrame() (Header, []byte, error) {
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	h, err := ReadHeader(r.br)
	if err != nil {
		return h, nil, err
	}
	if h.Masked {
		r.t.Fatalf("server sent a masked frame")
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(r.br, p); err != nil {
		return h, nil, err
	}
	return h, p, nil
}

// expectMessage reads one whole message (reassembling fragments).
func (r *rawClient) expectMessage(op OpCode, want []byte) {
	r.t.Helper()
	var got []byte
	first := true
	for {
		h, p, err := r.readFrame()
		if err != nil {
			r.t.Fatalf("reading %s message: %v", op, err)
		}
		if first && h.OpCode != op || !first && h.OpCode != OpContinuation {
			r.t.Fatalf("got %s frame (payload %q), want %s", h.OpCode, trunc(p), op)
		}
		first = false
		got = append(got, p...)
		if h.Fin {
			break
		}
	}
	if !bytes.Equal(got, want) {
		r.t.Fatalf("message %q (%d bytes), want %q (%d bytes)", trunc(got), len(got), trunc(want), len(want))
	}
}

func (r *rawClient) expectFrame(op OpCode, want []byte) {
	r.t.Helper()
	h, p, err := r.readFrame()
	if err != nil {
		r.t.Fatalf("reading %s: %v", op, err)
	}
	if h.OpCode != op || !h.Fin || !bytes.Equal(p, want) {
		r.t.Fatalf("got %s fin=%v %q, want %s %q", h.OpCode, h.Fin, trunc(p), op, trunc(want))
	}
}

// expectClose reads frames until a close frame, which must carry code
// (0: an empty payload), then expects the server to close the TCP
// connection.
func (r *rawClient) expectClose(code int) {
	r.t.Helper()
	h, p, err := r.readFrame()
	if err != nil {
		r.t.Fatalf("want close %d, read error %v", code, err)
	}
	if h.OpCode != OpClose {
		r.t.Fatalf("want close %d, got %s %q", code, h.OpCode, trunc(p))
	}
	got := 0
	if len(p) >= 2 {
		got = int(binary.BigEndian.Uint16(p))
	}
	if got != code {
		r.t.Fatalf("close code %d (payload %q), want %d", got, p, code)
	}
	r.expectEOF()
}

func (r *rawClient) expectEOF() {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	var b [64]byte
	n, err := r.br.Read(b[:])
	if n > 0 || !(errors.Is(err, io.EOF) || isReset(err)) {
		r.t.Fatalf("want the server to close the connection, got %d bytes %q, %v", n, b[:n], err)
	}
}

// expectNothing checks that no frame arrives within d.
func (r *rawClient) expectNothing(d time.Duration) {
	r.t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(d))
	_, err := r.br.Peek(1)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		r.t.Fatalf("want no frame, got %v", err)
	}
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

func trunc(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}

func closePayload(code int, reason string) []byte { return AppendClosePayload(nil, code, reason) }
