package tako_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/signals"
)

// tlsClient returns a client for the test CA speaking only HTTP/major, with cert as its
// client certificate if given.
func tlsClient(t *testing.T, major int, certs ...tls.Certificate) *http.Client {
	var p http.Protocols
	if major == 2 {
		p.SetHTTP2(true)
	} else {
		p.SetHTTP1(true)
	}
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: testPKI(t).pool, Certificates: certs},
		Protocols:       &p,
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// serveTLS serves app with ServeTLS(cfg) on loopback until the test ends.
func serveTLS(t *testing.T, app *tako.App, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.ServeTLS(ln, cfg) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("ServeTLS: %v", err)
		}
	})
	return ln.Addr().String()
}

func getBody(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestServeTLSALPN serves HTTP/2 and HTTP/1.1 on one TLS port, on both engines, and checks
// what the handler sees of the connection.
func TestServeTLSALPN(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			app.Get("/", func(c *tako.Ctx) error {
				st := c.TLS()
				if st == nil {
					return c.Text("no TLS")
				}
				return c.Text(strings.Join([]string{c.Scheme(), c.Protocol(), c.Engine().String(), st.NegotiatedProtocol, st.ServerName}, " "))
			})
			addr := serveTLS(t, app, &tls.Config{Certificates: []tls.Certificate{testPKI(t).server}})
			port := addr[strings.LastIndexByte(addr, ':'):]
			_, got := getBody(t, tlsClient(t, 2), "https://localhost"+port+"/")
			if want := "https HTTP/2.0 net/http h2 localhost"; got != want {
				t.Errorf("HTTP/2: %q, want %q", got, want)
			}
			_, got = getBody(t, tlsClient(t, 1), "https://localhost"+port+"/")
			if want := "https HTTP/1.1 " + e.String() + "  localhost"; got != want { // Go's HTTP/1-only client offers no ALPN
				t.Errorf("HTTP/1.1: %q, want %q", got, want)
			}
			// A client offering only "http/1.1" is served HTTP/1.1.
			conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: testPKI(t).pool, ServerName: "localhost", NextProtos: []string{"http/1.1"}})
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			b, _ := io.ReadAll(conn)
			if !strings.HasPrefix(string(b), "HTTP/1.1 200") || !strings.HasSuffix(string(b), "https HTTP/1.1 "+e.String()+" http/1.1 localhost") {
				t.Errorf("ALPN http/1.1: %q", b)
			}
		})
	}
}

// TestTLSHandshakeDoesNotBlockAccept opens connections that never finish their handshake
// (silent, and one byte of a ClientHello); other clients are served meanwhile, and the
// stalled ones are dropped after TLSHandshakeTimeout.
func TestTLSHandshakeDoesNotBlockAccept(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, TLSHandshakeTimeout: 300 * time.Millisecond, Logger: discardLogger()})
			app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
			addr := serveTLS(t, app, &tls.Config{Certificates: []tls.Certificate{testPKI(t).server}})
			var stalled []net.Conn
			for i := range 20 {
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if i%2 == 1 {
					c.Write([]byte{0x16}) // the first byte of a TLS record
				}
				stalled = append(stalled, c)
			}
			begin := time.Now()
			for _, major := range []int{1, 2} {
				if _, got := getBody(t, tlsClient(t, major), "https://"+addr+"/"); got != "ok" {
					t.Errorf("HTTP/%d: %q", major, got)
				}
			}
			if d := time.Since(begin); d > 250*time.Millisecond {
				t.Logf("served in %v while 20 handshakes stalled", d) // informative: timing is noisy
			}
			for i, c := range stalled {
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err := c.Read(make([]byte, 1))
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					t.Fatalf("stalled connection %d was not closed after the handshake timeout", i)
				}
			}
		})
	}
}

// TestTLSPlaintextRequest sends plain HTTP to the TLS port: the client gets a readable 400.
func TestTLSPlaintextRequest(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			addr := serveTLS(t, app, &tls.Config{Certificates: []tls.Certificate{testPKI(t).server}})
			resp, err := http.Get("http://" + addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 400 || !strings.Contains(string(b), "HTTP request to an HTTPS server") {
				t.Errorf("%d %q", resp.StatusCode, b)
			}
		})
	}
}

// TestMutualTLS requires (then optionally accepts) client certificates and reads the
// verified client certificate from Ctx.TLS, over HTTP/2 and HTTP/1.1 on both engines.
func TestMutualTLS(t *testing.T) {
	pki := testPKI(t)
	for _, e := range engines {
		for _, auth := range []tls.ClientAuthType{tls.RequireAndVerifyClientCert, tls.VerifyClientCertIfGiven} {
			t.Run(e.String()+"/"+auth.String(), func(t *testing.T) {
				app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
				app.Get("/whoami", func(c *tako.Ctx) error {
					st := c.TLS()
					if st == nil {
						return c.Text("no TLS")
					}
					if len(st.VerifiedChains) == 0 {
						return c.Text("anonymous")
					}
					return c.Text(st.VerifiedChains[0][0].Subject.CommonName)
				})
				addr := serveTLS(t, app, &tls.Config{
					Certificates: []tls.Certificate{pki.server},
					ClientCAs:    pki.pool,
					ClientAuth:   auth,
				})
				for _, major := range []int{1, 2} {
					_, got := getBody(t, tlsClient(t, major, pki.client), "https://"+addr+"/whoami")
					if got != "test-client" {
						t.Errorf("HTTP/%d with a client certificate: %q", major, got)
					}
					resp, err := tlsClient(t, major).Get("https://" + addr + "/whoami")
					if auth == tls.RequireAndVerifyClientCert {
						if err == nil {
							resp.Body.Close()
							t.Errorf("HTTP/%d without a client certificate: %d, want a failed handshake", major, resp.StatusCode)
						}
						continue
					}
					if err != nil {
						t.Fatalf("HTTP/%d without a client certificate: %v", major, err)
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if string(b) != "anonymous" {
						t.Errorf("HTTP/%d without a client certificate: %q", major, b)
					}
				}
				// A certificate from another CA is refused in both modes.
				other, err := newPKI()
				if err != nil {
					t.Fatal(err)
				}
				if resp, err := tlsClient(t, 2, other.client).Get("https://" + addr + "/whoami"); err == nil {
					resp.Body.Close()
					t.Errorf("a client certificate from an unknown CA was accepted: %d", resp.StatusCode)
				}
			})
		}
	}
}

// servedSerial returns the serial number of the certificate the server at addr presents.
func servedSerial(t *testing.T, addr string) int64 {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
}

// TestCertificatesReload changes the certificate files under a running server: a good new
// pair is served from the next check on, a bad one is reported and the old pair kept.
func TestCertificatesReload(t *testing.T) {
	pki := testPKI(t)
	certFile, keyFile := pemFiles(t, pki.server)
	certs, err := tako.LoadCertificates(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	certs.Interval = time.Millisecond
	var reloads atomic.Int32
	var lastErr atomic.Pointer[error]
	certs.OnReload = func(err error) {
		reloads.Add(1)
		lastErr.Store(&err)
	}
	app := tako.New(tako.Config{Logger: discardLogger()})
	app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
	addr := serveTLS(t, app, &tls.Config{GetCertificate: certs.GetCertificate})
	if got := servedSerial(t, addr); got != 2 {
		t.Fatalf("serial %d, want 2", got)
	}

	// A renewed pair.
	renewed, _, err := pki.issue("127.0.0.1", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, renewed, certFile, keyFile)
	time.Sleep(5 * time.Millisecond)
	if got := servedSerial(t, addr); got != 10 {
		t.Errorf("after renewal: serial %d, want 10", got)
	}
	if reloads.Load() != 1 || *lastErr.Load() != nil {
		t.Errorf("OnReload: %d calls, last error %v", reloads.Load(), *lastErr.Load())
	}

	// A certificate with the key of another: refused, the renewed pair stays.
	third, _, err := pki.issue("127.0.0.1", 11, 0)
	if err != nil {
		t.Fatal(err)
	}
	mixed := tls.Certificate{Certificate: third.Certificate, PrivateKey: renewed.PrivateKey}
	writePEM(t, mixed, certFile, keyFile)
	time.Sleep(5 * time.Millisecond)
	if got := servedSerial(t, addr); got != 10 {
		t.Errorf("after a bad pair: serial %d, want 10 (the previous pair)", got)
	}
	if certs.Err() == nil || lastErr.Load() == nil || *lastErr.Load() == nil {
		t.Errorf("a bad pair was not reported: Err %v", certs.Err())
	}
	// The same bad pair is not tried (nor reported) again until the files change.
	time.Sleep(5 * time.Millisecond)
	servedSerial(t, addr)
	if n := reloads.Load(); n != 2 {
		t.Errorf("%d reload attempts, want 2 (the renewal, the bad pair once)", n)
	}
	// Fixed: the explicit Reload takes it at once, whatever the interval.
	certs.Interval = -1
	writePEM(t, third, certFile, keyFile)
	if err := certs.Reload(); err != nil {
		t.Fatal(err)
	}
	if got := servedSerial(t, addr); got != 11 || certs.Err() != nil {
		t.Errorf("after Reload: serial %d, Err %v", got, certs.Err())
	}
}

// TestListenTLS serves from certificate files with ListenTLS, the address learnt from
// TopicStarted, and takes a client CA from Config.TLSConfig.
func TestListenTLS(t *testing.T) {
	pki := testPKI(t)
	certFile, keyFile := pemFiles(t, pki.server)
	bus := signals.New()
	addrs := make(chan string, 1)
	signals.Subscribe(bus, tako.TopicStarted, func(_ context.Context, m signals.Message[tako.AppEvent]) {
		addrs <- m.Value.Addr
	})
	app := tako.New(tako.Config{Signals: bus, Logger: discardLogger(), TLSConfig: &tls.Config{
		ClientCAs:  pki.pool,
		ClientAuth: tls.RequireAndVerifyClientCert,
	}})
	app.Get("/", func(c *tako.Ctx) error { return c.Text(c.TLS().VerifiedChains[0][0].Subject.CommonName) })
	served := make(chan error, 1)
	go func() { served <- app.ListenTLS("127.0.0.1:0", certFile, keyFile) }()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-served:
		t.Fatal(err)
	}
	for _, major := range []int{1, 2} {
		c := tlsClient(t, major, pki.client)
		if _, got := getBody(t, c, "https://"+addr+"/"); got != "test-client" {
			t.Errorf("HTTP/%d: %q", major, got)
		}
		c.CloseIdleConnections()
	}
	if err := app.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
	if err := <-served; err != nil {
		t.Errorf("ListenTLS: %v", err)
	}

	// Bad files are an error at once.
	if err := tako.New().ListenTLS("127.0.0.1:0", keyFile, certFile); err == nil || !strings.Contains(err.Error(), "tako: certificates") {
		t.Errorf("ListenTLS with swapped files: %v", err)
	}
	// ServeTLS without a certificate is an error.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	if err := tako.New().ServeTLS(ln, &tls.Config{}); err == nil {
		t.Error("ServeTLS without a certificate: no error")
	}
	if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		t.Error("ServeTLS did not close its listener after the error")
	}
	ln, _ = net.Listen("tcp", "127.0.0.1:0")
	if err := tako.New().ServeTLS(ln, nil); err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ServeTLS with a nil config: %v", err)
	}
}
