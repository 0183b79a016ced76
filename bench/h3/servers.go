// Package h3bench compares Tako served over HTTP/3 (App.ServeHTTP3, through package h3)
// with a bare quic-go http3.Server running the same hello-world handler. The servers are
// built here and used by the in-process benchmarks (h3_test.go) and by the loopback server
// (cmd/h3server) that h3bench.sh drives with the load generator in cmd/h3load.
package h3bench

import (
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/tako-go/tako"
	"github.com/tako-go/tako/h3"
	"github.com/tako-go/tako/internal/devcert"
)

const hello = "Hello, World!"

// Server is one HTTP/3 server under test.
type Server struct {
	Name string
	// Serve serves on pc with tlsConf until stop is called.
	Serve func(pc net.PacketConn, tlsConf *tls.Config) (stop func())
}

// Servers lists the servers: bare quic-go first (the baseline), then the h3 package alone
// around the same handler, then Tako.
var Servers = []Server{
	{"quicgo", serveQuicGo},
	{"h3", serveH3},
	{"tako", serveTako},
}

// Lookup returns the server called name.
func Lookup(name string) (Server, bool) {
	for _, s := range Servers {
		if s.Name == name {
			return s, true
		}
	}
	return Server{}, false
}

// helloHandler is the net/http handler of the two non-Tako servers.
var helloHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/plaintext" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, hello)
})

// serveQuicGo is the baseline: quic-go's http3.Server with its defaults, except 0-RTT off
// as in Tako (quic-go's default QUIC config enables it).
func serveQuicGo(pc net.PacketConn, tlsConf *tls.Config) func() {
	srv := &http3.Server{
		Handler:    helloHandler,
		TLSConfig:  http3.ConfigureTLSConfig(tlsConf),
		QUICConfig: &quic.Config{},
	}
	go srv.Serve(pc)
	return func() { srv.Close() }
}

// serveH3 is package h3 with its defaults around the same handler.
func serveH3(pc net.PacketConn, tlsConf *tls.Config) func() {
	srv := &h3.Server{Handler: helloHandler, TLSConfig: tlsConf}
	go srv.Serve(pc)
	return func() { srv.Close() }
}

// serveTako is a Tako App with its defaults (timeouts included) on ServeHTTP3.
func serveTako(pc net.PacketConn, tlsConf *tls.Config) func() {
	app := tako.New(tako.Config{Logger: slog.New(slog.DiscardHandler)})
	app.Get("/plaintext", func(c *tako.Ctx) error { return c.Text(hello) })
	go app.ServeHTTP3(pc, tlsConf)
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		app.Shutdown(ctx)
	}
}

// TLSConfig returns a server config with a self-signed ECDSA P-256 certificate for
// 127.0.0.1 (clients skip verification: the handshake is not what is measured, the
// connections are reused).
func TLSConfig() *tls.Config {
	cert, err := devcert.SelfSigned()
	if err != nil {
		panic(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}}
}

// Clients returns n HTTP/3 clients, each with its own Transport and so its own QUIC
// connection, and a function closing them.
func Clients(n int) ([]*http.Client, func()) {
	cs := make([]*http.Client, n)
	trs := make([]*http3.Transport, n)
	for i := range cs {
		trs[i] = &http3.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
		cs[i] = &http.Client{Transport: trs[i]}
	}
	return cs, func() {
		for _, t := range trs {
			t.Close()
		}
	}
}

// Get sends one GET and reads the body, returning an error unless it is 200 hello.
func Get(c *http.Client, url string, buf []byte) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	n, err := io.ReadFull(resp.Body, buf[:len(hello)])
	resp.Body.Close()
	if err != nil && err != io.ErrUnexpectedEOF {
		return err
	}
	if resp.StatusCode != 200 || string(buf[:n]) != hello {
		return &badResponse{resp.StatusCode, string(buf[:n])}
	}
	return nil
}

type badResponse struct {
	status int
	body   string
}

func (e *badResponse) Error() string {
	return "h3bench: bad response " + http.StatusText(e.status) + " " + e.body
}
