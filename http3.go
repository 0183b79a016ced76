package tako

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"sync/atomic"

	"github.com/quic-go/quic-go"
	"github.com/tako-go/tako/h3"
)

// ListenHTTP3 serves the App over HTTP/3 on the UDP address addr (for example ":443") with
// the certificate and key in certFile and keyFile (PEM). See ServeHTTP3.
func (a *App) ListenHTTP3(addr, certFile, keyFile string) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	defer pc.Close()
	return a.ServeHTTP3(pc, &tls.Config{Certificates: []tls.Certificate{cert}})
}

// ServeHTTP3 serves the App over HTTP/3 (package h3, on quic-go) on pc with tlsConf's
// certificates; ALPN "h3" is set on a copy of tlsConf. Handlers run on the NetHTTP engine's
// path (Ctx.HTTP returns the request; Ctx.Protocol says "HTTP/3.0", Ctx.Scheme "https"),
// whatever Config.Engine is. The limits are Config's HTTP/3 block plus MaxConns (QUIC
// connections), IdleTimeout, MaxHeaderBytes, ReadTimeout (the body) and WriteTimeout (the
// response), the last two counted from the start of the handler; 0-RTT is off unless
// Config.HTTP3Allow0RTT.
//
// While it serves, every response on the App's TCP listeners (both engines) carries an
// Alt-Svc header advertising this port (Config.HTTP3AltSvcPort, HTTP3AltSvcMaxAge), so
// browsers and curl switch to HTTP/3.
//
// It may be called next to Listen and Serve, for several sockets. App.Shutdown drains it
// with the rest: a GOAWAY frame, running requests finish, connections close. It blocks
// until then and returns nil; it returns http.ErrServerClosed if the App was already shut
// down. pc is not closed.
func (a *App) ServeHTTP3(pc net.PacketConn, tlsConf *tls.Config) error {
	a.build()
	if pc == nil || tlsConf == nil {
		return errors.New("tako: ServeHTTP3 needs a packet connection and a *tls.Config with a certificate")
	}
	cfg := &a.cfg
	srv := &h3.Server{
		Handler:            a,
		TLSConfig:          tlsConf,
		Allow0RTT:          cfg.HTTP3Allow0RTT,
		MaxIncomingStreams: cfg.HTTP3MaxStreams,
		MaxConns:           cfg.MaxConns,
		IdleTimeout:        cfg.IdleTimeout,
		ReadTimeout:        cfg.ReadTimeout,
		WriteTimeout:       cfg.WriteTimeout,
		HandshakeTimeout:   cfg.HTTP3HandshakeTimeout,
		MaxHeaderBytes:     cfg.MaxHeaderBytes,
		WebTransport:       cfg.WebTransport,
		ConnContext:        a.http3ConnContext,
		Logger:             cfg.Logger,
	}
	if err := a.track(srv); err != nil {
		return err
	}
	a.emitStarted(pc.LocalAddr())
	a.h3.serving(a, pc.LocalAddr())
	defer a.h3.stopped()
	err := srv.Serve(pc)
	if errors.Is(err, h3.ErrServerClosed) && a.stopping.Load() {
		return nil
	}
	return err
}

// http3ConnContext ends an HTTP/3 connection's context, and so its requests' contexts
// (Ctx.Context), when the App shuts down, as BaseContext does on net/http.
func (a *App) http3ConnContext(ctx context.Context, _ *quic.Conn) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(a.baseCtx, cancel)
	context.AfterFunc(ctx, func() { stop() })
	return ctx
}

// http3State tracks the App's HTTP/3 servers and the Alt-Svc header value TCP responses
// carry while at least one serves.
type http3State struct {
	mu     sync.Mutex
	n      int                    // HTTP/3 servers serving
	altSvc atomic.Pointer[altSvc] // nil: no Alt-Svc header
}

// altSvc is one Alt-Svc value, precomputed in the forms each engine sets without
// allocating.
type altSvc struct {
	b   []byte   // fasthttp
	hdr []string // net/http: the header map value (capacity 1, so an Add copies it)
}

// serving records that an HTTP/3 server serves on addr; the first one sets the Alt-Svc.
func (s *http3State) serving(a *App, addr net.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	if s.n > 1 || a.cfg.HTTP3AltSvcMaxAge < 0 {
		return
	}
	port := a.cfg.HTTP3AltSvcPort
	if port == 0 {
		if u, ok := addr.(*net.UDPAddr); ok {
			port = u.Port
		}
	}
	if port == 0 {
		return // no port to advertise (a packet conn that is not UDP)
	}
	v := h3.AltSvc(port, a.cfg.HTTP3AltSvcMaxAge)
	s.altSvc.Store(&altSvc{b: []byte(v), hdr: []string{v}})
}

// stopped records that an HTTP/3 server has stopped; the last one removes the Alt-Svc.
func (s *http3State) stopped() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n--
	if s.n == 0 {
		s.altSvc.Store(nil)
	}
}

var altSvcKey = []byte("Alt-Svc")

// setAltSvc adds the Alt-Svc header to a TCP response (dispatch calls it only while
// HTTP/3 is served). On fasthttp it copies v into the response's reused header storage,
// which allocates nothing.
func (c *Ctx) setAltSvc(v *altSvc) {
	if c.engine == FastHTTP {
		c.fc.Response.Header.SetCanonical(altSvcKey, v.b)
		return
	}
	if c.r.ProtoMajor < 3 {
		c.w.Header()["Alt-Svc"] = v.hdr
	}
}
