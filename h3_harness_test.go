package tako_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"sync"
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

var h3PKIOnce = sync.OnceValues(func() (*tls.Config, *x509.CertPool) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tako HTTP/3 test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		panic(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		panic(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
})

// h3PKI returns a server TLS config for 127.0.0.1 signed by a CA made in this process, and
// a pool with that CA.
func h3PKI(t testing.TB) (*tls.Config, *x509.CertPool) {
	conf, pool := h3PKIOnce()
	return conf.Clone(), pool
}
