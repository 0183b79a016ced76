package proxyproto_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// FuzzConn writes arbitrary leading bytes through a wrapped net.Pipe: the wrapper
// never panics or hangs (a deadline bounds every read), and what it hands over
// agrees with parse.ParseProxy: the bytes after a valid header from a trusted peer,
// the whole input otherwise, or an error for a spoofed or malformed header.
func FuzzConn(f *testing.F) {
	f.Add([]byte("PROXY TCP4 192.0.2.1 198.51.100.1 1 2\r\nGET / HTTP/1.1\r\n\r\n"), true, false)
	f.Add([]byte("PROXY UNKNOWN\r\nx"), true, false)
	f.Add([]byte("PROXY TCP6 2001:db8::1 2001:db8::2 65535 1\r\n"), false, false)
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"), true, false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x01\xc6\x33\x64\x01\x00\x01\x00\x02payload"), true, false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00rest"), false, true)
	f.Add([]byte("PROXY"), true, false)
	f.Fuzz(func(t *testing.T, data []byte, trusted, passthrough bool) {
		cfg := &proxyproto.Config{Trusted: loopback, ReadHeaderTimeout: 2 * time.Second, BufferSize: parse.ProxyV2MaxLen}
		if passthrough {
			cfg.Policy = proxyproto.PassThrough
		}
		peer := net.Addr(untrustedPeer)
		if trusted {
			peer = trustedPeer
		}
		srv, cli := net.Pipe()
		defer srv.Close()
		go func() {
			cli.Write(data)
			cli.Close()
		}()
		c := proxyproto.NewConn(peerConn{srv, peer}, cfg)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c)
		if isTimeout(err) {
			t.Fatalf("hang: %v", err)
		}

		h, n, perr := parse.ParseProxy(data)
		switch {
		case len(data) == 0:
			if err != nil || len(got) != 0 {
				t.Fatalf("empty input: got %q, %v", got, err)
			}
		case !trusted && passthrough, errors.Is(perr, parse.ErrNoProxy):
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("got %q, %v; want the input unchanged", got, err)
			}
		case !trusted:
			if !errors.Is(err, proxyproto.ErrUntrusted) {
				t.Fatalf("untrusted header: error %v, want ErrUntrusted", err)
			}
		case perr == nil:
			if err != nil || !bytes.Equal(got, data[n:]) {
				t.Fatalf("after a %d-byte header: got %q, %v; want %q", n, got, err, data[n:])
			}
			ph, ok := c.ProxyHeader()
			if !ok || ph.Source != h.Source || ph.Command != h.Command || !bytes.Equal(ph.TLVs, h.TLVs) {
				t.Fatalf("header %+v, want %+v", ph, h)
			}
			if h.Relayed() && h.Transport.IsIP() && c.RemoteAddr().String() != h.Source.String() {
				t.Fatalf("RemoteAddr %v, want %v", c.RemoteAddr(), h.Source)
			}
		default:
			if err == nil {
				t.Fatalf("bad header (%v) accepted: read %q", perr, got)
			}
		}
	})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
