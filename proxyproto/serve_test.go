package proxyproto_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

var (
	loopback  = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	elsewhere = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
)

func v1Header(t testing.TB, src, dst string) []byte {
	t.Helper()
	h := parse.ProxyHeader{Version: 1, Command: parse.ProxyCommandProxy, Transport: parse.ProxyTCP4,
		Source: netip.MustParseAddrPort(src), Dest: netip.MustParseAddrPort(dst)}
	b, err := parse.AppendProxyV1(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func v2Header(t testing.TB, tr parse.ProxyTransport, src, dst string, tlvs ...parse.ProxyTLV) []byte {
	t.Helper()
	h := parse.ProxyHeader{Version: 2, Command: parse.ProxyCommandProxy, Transport: tr,
		Source: netip.MustParseAddrPort(src), Dest: netip.MustParseAddrPort(dst)}
	b, err := parse.AppendProxyV2(nil, &h, tlvs...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveApp serves an App answering GET /ip with c.RemoteIP() on pl, with engine e.
func serveApp(t *testing.T, e tako.Engine, pl net.Listener) {
	t.Helper()
	app := tako.New(tako.Config{Engine: e})
	app.Get("/ip", func(c *tako.Ctx) error {
		return c.Text(c.RemoteIP().String() + " " + c.ClientIP().String())
	})
	served := make(chan error, 1)
	go func() { served <- app.Serve(pl) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		app.Shutdown(ctx)
		<-served
	})
}

// rawGet dials addr, writes prefix then a GET /ip request, and returns the
// response body, or the error that ended the exchange.
func rawGet(t *testing.T, addr string, prefix []byte) (status int, body string, err error) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := append(append([]byte(nil), prefix...), "GET /ip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"...)
	if _, err := c.Write(req); err != nil {
		return 0, "", err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func engines(t *testing.T, body func(t *testing.T, e tako.Engine)) {
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) { body(t, e) })
	}
}

func listen(t *testing.T, cfg proxyproto.Config) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return proxyproto.Listen(ln, cfg), ln.Addr().String()
}

func TestServeTrusted(t *testing.T) {
	engines(t, func(t *testing.T, e tako.Engine) {
		pl, addr := listen(t, proxyproto.Config{Trusted: loopback})
		serveApp(t, e, pl)
		for _, tc := range []struct {
			name, want string
			hdr        []byte
		}{
			{"v1", "203.0.113.7 203.0.113.7", v1Header(t, "203.0.113.7:4711", "198.51.100.1:443")},
			{"v2-tcp4", "192.0.2.9 192.0.2.9", v2Header(t, parse.ProxyTCP4, "192.0.2.9:1", "198.51.100.1:80")},
			{"v2-tcp6", "2001:db8::5 2001:db8::5", v2Header(t, parse.ProxyTCP6, "[2001:db8::5]:1", "[2001:db8::1]:80",
				parse.ProxyTLV{Type: parse.ProxyTLVALPN, Value: []byte("http/1.1")}, parse.ProxyTLV{Type: parse.ProxyTLVCRC32C})},
			{"no header", "127.0.0.1 127.0.0.1", nil},
		} {
			status, body, err := rawGet(t, addr, tc.hdr)
			if err != nil || status != 200 || body != tc.want {
				t.Errorf("%s: got %d %q, %v; want 200 %q", tc.name, status, body, err, tc.want)
			}
		}
	})
}

func TestServeUntrusted(t *testing.T) {
	engines(t, func(t *testing.T, e tako.Engine) {
		t.Run("Reject", func(t *testing.T) {
			pl, addr := listen(t, proxyproto.Config{Trusted: elsewhere})
			serveApp(t, e, pl)
			for _, hdr := range [][]byte{v1Header(t, "203.0.113.7:1", "198.51.100.1:2"),
				v2Header(t, parse.ProxyTCP4, "203.0.113.7:1", "198.51.100.1:2")} {
				if status, body, err := rawGet(t, addr, hdr); err == nil {
					t.Errorf("spoofed header %q: got %d %q, want the connection closed", hdr, status, body)
				}
			}
			// A direct client is still served, with its real address.
			if status, body, err := rawGet(t, addr, nil); err != nil || status != 200 || body != "127.0.0.1 127.0.0.1" {
				t.Errorf("direct client: got %d %q, %v", status, body, err)
			}
		})
		t.Run("PassThrough", func(t *testing.T) {
			pl, addr := listen(t, proxyproto.Config{Trusted: elsewhere, Policy: proxyproto.PassThrough})
			serveApp(t, e, pl)
			// The header is data: HTTP parsing refuses it (an error status or a
			// closed connection), and never reports the spoofed address.
			for _, hdr := range [][]byte{v1Header(t, "203.0.113.7:1", "198.51.100.1:2"),
				v2Header(t, parse.ProxyTCP4, "203.0.113.7:1", "198.51.100.1:2")} {
				status, body, err := rawGet(t, addr, hdr)
				if err == nil && status < 400 {
					t.Errorf("header from untrusted peer: got %d %q, want a refusal", status, body)
				}
			}
			if status, body, err := rawGet(t, addr, nil); err != nil || status != 200 || body != "127.0.0.1 127.0.0.1" {
				t.Errorf("direct client: got %d %q, %v", status, body, err)
			}
		})
	})
}

func TestServeRequired(t *testing.T) {
	engines(t, func(t *testing.T, e tako.Engine) {
		pl, addr := listen(t, proxyproto.Config{Trusted: loopback, Required: true})
		serveApp(t, e, pl)
		if status, body, err := rawGet(t, addr, nil); err == nil {
			t.Errorf("no header: got %d %q, want the connection closed", status, body)
		}
		if status, body, err := rawGet(t, addr, v1Header(t, "203.0.113.7:1", "198.51.100.1:2")); err != nil || body != "203.0.113.7 203.0.113.7" {
			t.Errorf("with header: got %d %q, %v", status, body, err)
		}
	})
}

// A peer that sends nothing is closed after ReadHeaderTimeout, and does not keep the
// server from serving the next client meanwhile.
func TestServeSilentPeer(t *testing.T) {
	engines(t, func(t *testing.T, e tako.Engine) {
		for _, trusted := range [][]netip.Prefix{loopback, elsewhere} {
			pl, addr := listen(t, proxyproto.Config{Trusted: trusted, ReadHeaderTimeout: 200 * time.Millisecond})
			serveApp(t, e, pl)
			silent, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer silent.Close()
			if _, _, err := rawGet(t, addr, v1Header(t, "203.0.113.7:1", "198.51.100.1:2")); err != nil && trusted[0] == loopback[0] {
				t.Errorf("client after a silent one: %v", err)
			}
			silent.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err = silent.Read(make([]byte, 1))
			var ne net.Error
			if err == nil || errors.As(err, &ne) && ne.Timeout() {
				t.Errorf("trusted %v: silent peer not closed by the server: %v", trusted, err)
			}
		}
	})
}
