package tako_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// TestHTTP2BehindProxyProtocol serves h2c and HTTP/2 over TLS behind a PROXY protocol
// listener, on both engines: the client address from the PROXY header reaches c.RemoteIP
// on HTTP/2 too (the h2c detector and the TLS handshake read through the PROXY wrapper).
func TestHTTP2BehindProxyProtocol(t *testing.T) {
	pki := testPKI(t)
	for _, e := range engines {
		for _, useTLS := range []bool{false, true} {
			name := e.String() + "/h2c"
			if useTLS {
				name = e.String() + "/h2-tls"
			}
			t.Run(name, func(t *testing.T) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				pl := proxyproto.Listen(ln, proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
				app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
				app.Get("/ip", func(c *tako.Ctx) error { return c.Text(c.RemoteIP().String() + " " + c.Protocol()) })
				served := make(chan error, 1)
				go func() {
					if useTLS {
						served <- app.ServeTLS(pl, &tls.Config{Certificates: []tls.Certificate{pki.server}})
					} else {
						served <- app.Serve(pl)
					}
				}()
				hdr := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyTCP4,
					Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:443")}
				proxyHdr, err := parse.AppendProxyV1(nil, &hdr)
				if err != nil {
					t.Fatal(err)
				}
				var p http.Protocols
				tr := &http.Transport{
					Protocols:       &p,
					TLSClientConfig: &tls.Config{RootCAs: pki.pool},
					DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
						c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
						if err == nil {
							_, err = c.Write(proxyHdr) // as a load balancer would
						}
						return c, err
					},
				}
				scheme := "http"
				if useTLS {
					p.SetHTTP2(true)
					scheme = "https"
				} else {
					p.SetUnencryptedHTTP2(true)
				}
				client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
				_, got := getBody(t, client, scheme+"://"+ln.Addr().String()+"/ip")
				if got != "203.0.113.7 HTTP/2.0" {
					t.Errorf("got %q, want the PROXY header's client over HTTP/2", got)
				}
				tr.CloseIdleConnections()
				if err := app.Shutdown(context.Background()); err != nil {
					t.Error(err)
				}
				if err := <-served; err != nil {
					t.Errorf("Serve: %v", err)
				}
			})
		}
	}
}
