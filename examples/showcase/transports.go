package main

import (
	"crypto/tls"
	"fmt"
	"net"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/internal/devcert"
)

// whoami answers GET /api/whoami with how the request arrived: protocol, scheme, TLS
// details and the client address, so each transport can be tried with curl.
func whoami(c *tako.Ctx) error {
	type tlsInfo struct {
		Version string `json:"version"`
		ALPN    string `json:"alpn"`
	}
	out := struct {
		Protocol string   `json:"protocol"`
		Scheme   string   `json:"scheme"`
		Engine   string   `json:"engine"`
		Client   string   `json:"client"`
		TLS      *tlsInfo `json:"tls,omitempty"`
	}{Protocol: c.Protocol(), Scheme: c.Scheme(), Engine: c.Engine().String(), Client: c.RemoteIP().String()}
	if st := c.TLS(); st != nil {
		out.TLS = &tlsInfo{Version: tls.VersionName(st.Version), ALPN: st.NegotiatedProtocol}
	}
	return c.JSON(out)
}

// serveSecure serves app over TLS (HTTP/2 and HTTP/1.1, chosen by ALPN) on the TCP address
// addr and over HTTP/3 on the same UDP port, with a self-signed certificate made at start
// (clients need -k / --insecure). It returns once both listen; errors while serving are
// printed.
func serveSecure(app *tako.App, addr string) (net.Addr, error) {
	cert, err := devcert.SelfSigned()
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	pc, err := net.ListenPacket("udp", ln.Addr().String())
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("HTTP/3 on UDP %s: %w", ln.Addr(), err)
	}
	report := func(what string, err error) {
		if err != nil {
			fmt.Printf("showcase: %s: %v\n", what, err)
		}
	}
	go func() { report("TLS", app.ServeTLS(ln, cfg)) }()
	go func() { report("HTTP/3", app.ServeHTTP3(pc, cfg)) }()
	return ln.Addr(), nil
}
