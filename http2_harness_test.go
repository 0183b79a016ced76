package tako_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// The HTTP/2 transports: the behaviour tests that use runAll run over them too.
func init() {
	transports = append(transports,
		transport{name: "h2-tls", engine: tako.FastHTTP, listen: listenTLS(2), lacks: []string{"http1"}},
		transport{name: "h1-tls", engine: tako.FastHTTP, listen: listenTLS(1)},
		transport{name: "h2c", engine: tako.FastHTTP, listen: listenH2C, lacks: []string{"http1"}},
		transport{name: "h2c-nethttp", engine: tako.NetHTTP, listen: listenH2C, lacks: []string{"http1"}},
		transport{name: "h2-tls-nethttp", engine: tako.NetHTTP, listen: listenTLS(2), lacks: []string{"http1"}},
	)
}

// listenTLS serves app with ServeTLS on loopback, the client trusting the test CA and
// speaking only HTTP/major (ALPN "h2" or "http/1.1"); every response is checked to have
// come over that protocol.
func listenTLS(major int) func(t *testing.T, app *tako.App) (string, string, *http.Client, func() error) {
	return func(t *testing.T, app *tako.App) (string, string, *http.Client, func() error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		pki := testPKI(t)
		var p http.Protocols
		if major == 2 {
			p.SetHTTP2(true)
		} else {
			p.SetHTTP1(true)
		}
		tr := &http.Transport{
			DisableCompression: true,
			TLSClientConfig:    &tls.Config{RootCAs: pki.pool},
			Protocols:          &p,
		}
		t.Cleanup(tr.CloseIdleConnections)
		cfg := &tls.Config{Certificates: []tls.Certificate{pki.server}}
		return ln.Addr().String(), "https", noRedirects(protoCheck{tr, major}), func() error { return app.ServeTLS(ln, cfg) }
	}
}

// listenH2C serves app with Serve on loopback; the client speaks only h2c with prior
// knowledge.
func listenH2C(t *testing.T, app *tako.App) (string, string, *http.Client, func() error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{DisableCompression: true, Protocols: &p}
	t.Cleanup(tr.CloseIdleConnections)
	return ln.Addr().String(), "http", noRedirects(protoCheck{tr, 2}), func() error { return app.Serve(ln) }
}

// protoCheck fails any response that did not come over HTTP/major.
type protoCheck struct {
	rt    http.RoundTripper
	major int
}

func (p protoCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := p.rt.RoundTrip(r)
	if err == nil && resp.ProtoMajor != p.major {
		resp.Body.Close()
		return nil, fmt.Errorf("response came over %s, want HTTP/%d", resp.Proto, p.major)
	}
	return resp, err
}

// pki is a test certificate authority with a server certificate for 127.0.0.1 and
// localhost and a client certificate, generated once per test binary.
type pki struct {
	caCert     *x509.Certificate
	caKey      *ecdsa.PrivateKey
	pool       *x509.CertPool
	server     tls.Certificate
	client     tls.Certificate // for mutual TLS, CN "test-client"
	serverCert *x509.Certificate
}

var (
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
)

func testPKI(t testing.TB) *pki {
	t.Helper()
	pkiOnce.Do(func() { pkiVal, pkiErr = newPKI() })
	if pkiErr != nil {
		t.Fatal(pkiErr)
	}
	return pkiVal
}

func newPKI() (*pki, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Tako test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	p := &pki{caCert: caCert, caKey: caKey, pool: x509.NewCertPool()}
	p.pool.AddCert(caCert)
	if p.server, p.serverCert, err = p.issue("127.0.0.1", 2, x509.ExtKeyUsageServerAuth); err != nil {
		return nil, err
	}
	if p.client, _, err = p.issue("test-client", 3, x509.ExtKeyUsageClientAuth); err != nil {
		return nil, err
	}
	return p, nil
}

// issue returns a certificate signed by the CA, for 127.0.0.1 and localhost.
func (p *pki) issue(cn string, serial int64, usage x509.ExtKeyUsage) (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf, nil
}

// writePEM writes cert's chain and key as PEM files certFile and keyFile.
func writePEM(t testing.TB, cert tls.Certificate, certFile, keyFile string) {
	t.Helper()
	var certPEM []byte
	for _, der := range cert.Certificate {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	// Write then rename, as a renewal should, so a handshake never sees half a file.
	for _, f := range []struct {
		name string
		data []byte
	}{{certFile, certPEM}, {keyFile, keyPEM}} {
		tmp := f.name + ".tmp"
		if err := os.WriteFile(tmp, f.data, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, f.name); err != nil {
			t.Fatal(err)
		}
	}
}

// pemFiles writes cert to fresh files in a temporary directory.
func pemFiles(t testing.TB, cert tls.Certificate) (certFile, keyFile string) {
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writePEM(t, cert, certFile, keyFile)
	return certFile, keyFile
}

// CloseIdleConnections closes the transport's idle connections (http.Client calls it).
func (p protoCheck) CloseIdleConnections() {
	if c, ok := p.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
