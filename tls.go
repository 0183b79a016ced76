package tako

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"slices"
	"time"
)

// ListenTLS serves the App over TLS on the TCP address addr (for example ":8443"), with
// the certificate and key in the PEM files certFile and keyFile. HTTP/2 and HTTP/1.1 share
// the port, chosen by ALPN; see ServeTLS.
//
// The certificate pair is reloaded when the files change (see Certificates: checked at
// most every few seconds, during a handshake), so a renewed certificate is served without
// a restart; a pair that fails to load is reported through Config.Logger and the old one
// stays in use. Config.TLSConfig is the base configuration (client certificates, cipher
// preferences, ...). With certFile and keyFile both empty, Config.TLSConfig must hold the
// certificates itself (Certificates or GetCertificate).
//
// ListenTLS blocks until Shutdown, then returns nil.
func (a *App) ListenTLS(addr, certFile, keyFile string) error {
	var cfg *tls.Config
	if a.cfg.TLSConfig != nil {
		cfg = a.cfg.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if certFile != "" || keyFile != "" {
		certs, err := LoadCertificates(certFile, keyFile)
		if err != nil {
			return err
		}
		log := a.cfg.Logger
		certs.OnReload = func(err error) {
			if err != nil {
				log.Error("tako: certificate reload failed; still serving the previous certificate", "cert", certFile, "key", keyFile, "err", err)
			} else {
				log.Info("tako: certificate reloaded", "cert", certFile)
			}
		}
		cfg.Certificates = nil
		cfg.GetCertificate = certs.GetCertificate
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.ServeTLS(ln, cfg)
}

// ServeTLS serves the App over TLS on ln with cfg, which must provide a certificate
// (Certificates or GetCertificate). It may be called for several listeners, alongside
// Serve. It blocks until Shutdown, then returns nil; it returns http.ErrServerClosed if the
// App was already shut down.
//
// ALPN picks the protocol of each connection. cfg.NextProtos defaults to "h2" then
// "http/1.1". On the FastHTTP engine a connection that negotiates "h2" is served by Go's
// HTTP/2 server (Config.HTTP2 limits) and any other by fasthttp, on the same port, with
// the same handlers; on the NetHTTP engine net/http serves both. Each handshake runs on
// the connection's own goroutine under Config.TLSHandshakeTimeout, so a slow or broken
// client delays no one else. Without a MinVersion, cfg gets TLS 1.2 (HTTP/2 requires it).
//
// cfg is cloned; a GetCertificate or GetConfigForClient in it goes on being called, so
// certificates can change while serving (see Certificates).
func (a *App) ServeTLS(ln net.Listener, cfg *tls.Config) error {
	if cfg == nil {
		ln.Close()
		return errors.New("tako: ServeTLS: nil *tls.Config")
	}
	if len(cfg.Certificates) == 0 && cfg.GetCertificate == nil && cfg.GetConfigForClient == nil {
		ln.Close()
		return errors.New("tako: ServeTLS: the tls.Config has no certificate (set Certificates or GetCertificate)")
	}
	cfg = cfg.Clone()
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	m := &tlsMux{app: a, ln: newLimitListener(ln, a.cfg.MaxConns), cfg: cfg}
	m.h2 = a.cfg.Engine == FastHTTP && slices.Contains(cfg.NextProtos, "h2")
	m.ctx, m.cancel = context.WithCancel(a.baseCtx)
	m.h1 = newConnQueue(ln.Addr(), func() {
		m.cancel()
		m.ln.Close()
	})
	go m.acceptLoop()
	// On NetHTTP, net/http serves "h2" too (its handshake call is a no-op on these
	// connections).
	return a.serveOn(m.h1, a.cfg.Engine)
}

// tlsMux accepts TLS connections: each handshake runs on its own goroutine, then the
// connection goes to the engine's server through h1, or, on the FastHTTP engine when ALPN
// chose "h2", to the App's HTTP/2 server.
type tlsMux struct {
	app    *App
	ln     net.Listener
	cfg    *tls.Config
	h2     bool // FastHTTP engine and "h2" offered: h2 connections go to the HTTP/2 server
	h1     *connQueue
	ctx    context.Context // ends when h1 is closed or the App shuts down; aborts handshakes
	cancel context.CancelFunc
}

func (m *tlsMux) acceptLoop() {
	var backoff time.Duration
	for {
		c, err := m.ln.Accept()
		if err != nil {
			if retryAfter(err, &backoff, m.ctx.Done(), m.app.cfg.Logger, "TLS accept", m.ln.Addr()) {
				continue
			}
			m.h1.Close()
			return
		}
		backoff = 0
		go m.handshake(c)
	}
}

// handshake runs the TLS handshake of raw and hands the connection on.
func (m *tlsMux) handshake(raw net.Conn) {
	tc := tls.Server(raw, m.cfg)
	ctx, cancel := m.ctx, context.CancelFunc(nil)
	if d := m.app.cfg.TLSHandshakeTimeout; d > 0 {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	err := tc.HandshakeContext(ctx)
	if cancel != nil {
		cancel()
	}
	if err != nil {
		var re tls.RecordHeaderError
		if errors.As(err, &re) && re.Conn != nil && looksLikeHTTP(re.RecordHeader[:]) {
			// As net/http: a plaintext request on the TLS port gets a readable answer.
			re.Conn.SetWriteDeadline(time.Now().Add(time.Second))
			io.WriteString(re.Conn, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
		}
		raw.Close()
		m.app.cfg.Logger.Debug("tako: TLS handshake failed", "remote", raw.RemoteAddr().String(), "err", err)
		return
	}
	if m.h2 && tc.ConnectionState().NegotiatedProtocol == "h2" {
		if q := m.app.http2Queue(); q != nil {
			q.push(tc)
		} else {
			tc.Close()
		}
		return
	}
	m.h1.push(tc)
}

// looksLikeHTTP reports whether the first five bytes of a connection that failed to
// handshake look like a plaintext HTTP request.
func looksLikeHTTP(hdr []byte) bool {
	switch string(hdr) {
	case "GET /", "HEAD ", "POST ", "PUT /", "OPTIO", "DELET", "PATCH", "CONNE", "TRACE":
		return true
	}
	return false
}
