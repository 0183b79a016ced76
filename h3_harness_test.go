package tako_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/tako-go/tako"
)

// HTTP/3 joins the transports runAll runs: the App served by ServeHTTP3 (on the net/http
// engine's path) to quic-go's HTTP/3 client.
func init() {
	transports = append(transports, transport{name: "h3", engine: tako.NetHTTP, listen: listenHTTP3, lacks: []string{"http1", "tcp"}})
}

// listenHTTP3 serves app with ServeHTTP3 on a loopback UDP socket and returns quic-go's
// client trusting the test CA.
func listenHTTP3(t *testing.T, app *tako.App) (string, string, *http.Client, func() error) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() }) // after the harness's Shutdown (cleanups run last first)
	srvConf, client := h3Client(t)
	return pc.LocalAddr().String(), "https", client, func() error { return app.ServeHTTP3(pc, srvConf) }
}

// h3Client returns the server TLS config and an HTTP/3 client (no redirects, compression
// off) that trusts it.
func h3Client(t *testing.T) (*tls.Config, *http.Client) {
	srvConf, pool := h3PKI(t)
	tr := &http3.Transport{
		TLSClientConfig:    &tls.Config{RootCAs: pool},
		QUICConfig:         &quic.Config{HandshakeIdleTimeout: 3 * time.Second},
		DisableCompression: true,
	}
	t.Cleanup(func() { tr.Close() })
	return srvConf, noRedirects(tr)
}

// h3PKI returns a server TLS config for 127.0.0.1 signed by the test CA (testPKI), and a
// pool with that CA.
func h3PKI(t testing.TB) (*tls.Config, *x509.CertPool) {
	p := testPKI(t)
	return &tls.Config{Certificates: []tls.Certificate{p.server}}, p.pool
}
