// Package h2 compares Tako's HTTP/2 (the App on Go's net/http HTTP/2 server, over TLS with
// ALPN h2 and over h2c) with a bare net/http HTTP/2 server answering the same hello-world
// request, for h2load.sh. Both servers get the same protocols (HTTP/1.1, HTTP/2, h2c), the
// same timeouts (Tako's defaults) and the same self-signed certificate.
package h2

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/internal/devcert"
)

const hello = "Hello, World!"

// Servers are the names Serve knows: bare net/http; Tako with its default engine and its
// own listeners (App.ServeTLS: ALPN hands h2 to Go's HTTP/2 server; App.Serve: h2c detected
// by its preface), as users run it; Tako on the NetHTTP engine (App.NewHTTPServer).
var Servers = []string{"nethttp", "tako", "tako-nethttp"}

// Serve serves the server called name on ln until stop is called: over TLS (ALPN h2 or
// http/1.1) when cert is not nil, otherwise HTTP/1.1 and h2c with prior knowledge.
// /plaintext answers "Hello, World!" as text/plain.
func Serve(name string, ln net.Listener, cert *tls.Certificate) (stop func(), err error) {
	var srv *http.Server
	switch name {
	case "nethttp":
		mux := http.NewServeMux()
		mux.HandleFunc("GET /plaintext", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte(hello))
		})
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetHTTP2(true)
		p.SetUnencryptedHTTP2(true)
		srv = &http.Server{Handler: mux, Protocols: &p,
			ReadHeaderTimeout: tako.DefaultReadHeaderTimeout, ReadTimeout: tako.DefaultReadTimeout,
			WriteTimeout: tako.DefaultWriteTimeout, IdleTimeout: tako.DefaultIdleTimeout}
	case "tako":
		app := tako.New(tako.Config{Logger: slog.New(slog.DiscardHandler)})
		app.Get("/plaintext", func(c *tako.Ctx) error { return c.Text(hello) })
		if cert != nil {
			go app.ServeTLS(ln, &tls.Config{Certificates: []tls.Certificate{*cert}})
		} else {
			go app.Serve(ln)
		}
		return func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			app.Shutdown(ctx)
		}, nil
	case "tako-nethttp":
		app := tako.New(tako.Config{Engine: tako.NetHTTP})
		app.Get("/plaintext", func(c *tako.Ctx) error { return c.Text(hello) })
		srv = app.NewHTTPServer() // HTTP/1.1, HTTP/2 and h2c, Tako's default timeouts
	default:
		return nil, fmt.Errorf("h2: unknown server %q (want nethttp, tako or tako-nethttp)", name)
	}
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(ln)
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// SelfSigned returns a self-signed ECDSA P-256 certificate for 127.0.0.1 and localhost.
func SelfSigned() (*tls.Certificate, error) {
	cert, err := devcert.SelfSigned()
	return &cert, err
}
