package tako_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/tako-go/tako"
)

// HTTPS with HTTP/2 and HTTP/1.1 on one port. A renewed certificate written over the files
// (by certbot, an ACME client, ...) is picked up within seconds, with no restart.
func ExampleApp_ListenTLS() {
	app := tako.New()
	app.Get("/", func(c *tako.Ctx) error {
		return c.Text("hello over " + c.Protocol()) // HTTP/2.0 or HTTP/1.1
	})
	done := app.ShutdownOnSignal(10 * time.Second)
	if err := app.ListenTLS(":8443", "cert.pem", "key.pem"); err != nil {
		log.Fatal(err)
	}
	<-done
}

// Mutual TLS: clients must present a certificate issued by the CA in clients.pem; handlers
// read the verified certificate from Ctx.TLS.
func ExampleApp_ListenTLS_mutual() {
	pemCAs, err := os.ReadFile("clients.pem")
	if err != nil {
		log.Fatal(err)
	}
	cas := x509.NewCertPool()
	cas.AppendCertsFromPEM(pemCAs)
	app := tako.New(tako.Config{TLSConfig: &tls.Config{
		ClientCAs:  cas,
		ClientAuth: tls.RequireAndVerifyClientCert, // or tls.VerifyClientCertIfGiven
	}})
	app.Get("/whoami", func(c *tako.Ctx) error {
		return c.Text(c.TLS().VerifiedChains[0][0].Subject.CommonName)
	})
	log.Fatal(app.ListenTLS(":8443", "cert.pem", "key.pem"))
}

// Certificates reloads on demand too: here on SIGHUP, as nginx does, with ServeTLS and a
// tls.Config of one's own.
func ExampleCertificates() {
	certs, err := tako.LoadCertificates("cert.pem", "key.pem")
	if err != nil {
		log.Fatal(err)
	}
	certs.OnReload = func(err error) {
		if err != nil {
			log.Printf("certificate reload failed, keeping the previous one: %v", err)
		}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		for range hup {
			certs.Reload()
		}
	}()
	app := tako.New()
	app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
	cfg := &tls.Config{GetCertificate: certs.GetCertificate, MinVersion: tls.VersionTLS13}
	ln, err := net.Listen("tcp", ":8443") // a plain listener: ServeTLS does the TLS
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(app.ServeTLS(ln, cfg))
}

// Trailers: a checksum computed while the body is written, sent after it. The in-memory
// App.Test speaks HTTP/1.1, so the body goes chunked with the trailer at its end.
func ExampleCtx_SetTrailer() {
	app := tako.New()
	app.Get("/report", func(c *tako.Ctx) error {
		c.SetTrailer("X-Rows", "0") // announced before the body: HTTP/1.1 needs it chunked
		rows := 0
		for _, r := range []string{"a", "b", "c"} {
			c.WriteString(r + "\n")
			rows++
		}
		return c.SetTrailer("X-Rows", strconv.Itoa(rows))
	})
	resp, err := app.Test(httptest.NewRequest("GET", "/report", nil))
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body) // trailers are read with the end of the body
	fmt.Printf("%q %v rows=%s\n", body, resp.TransferEncoding, resp.Trailer.Get("X-Rows"))
	// Output:
	// "a\nb\nc\n" [chunked] rows=3
}
