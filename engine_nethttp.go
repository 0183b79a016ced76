package tako

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
)

// ServeHTTP serves one request through net/http, making *App an http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.build()
	c := a.ctxPool.Get()
	c.engine = NetHTTP
	c.w, c.r = w, r
	if r.ProtoMajor == 1 && len(r.TransferEncoding) > 0 {
		// net/http drops a Content-Length sent with Transfer-Encoding, so a smuggling
		// attempt (RFC 9112 section 6.3) cannot be told from a plain chunked upload here.
		// Closing the connection after the response, as RFC 9112 requires for the
		// former, makes sure nothing that follows the body on this connection runs.
		w.Header().Set("Connection", "close")
	}
	a.dispatch(c)
	a.ctxPool.Put(c)
}

// Handler returns the App as an http.Handler serving on net/http, for httptest, for
// mounting inside an existing server or mux, and for HTTP/2. It is the App itself.
func (a *App) Handler() http.Handler {
	a.build()
	return a
}

// NewHTTPServer returns an *http.Server for the App with the Config's limits applied:
// timeouts, MaxHeaderBytes, HTTP/1.1 and h2c (unencrypted HTTP/2, with prior knowledge)
// enabled through Protocols, Config.HTTP2, and request contexts that end when the App
// shuts down. Serve uses it on the NetHTTP engine; use it directly for options Tako does
// not set (App.ServeTLS and App.ListenTLS serve TLS and HTTP/2 with shutdown included).
// App.Shutdown does not know about servers created this way.
func (a *App) NewHTTPServer() *http.Server {
	a.build()
	cfg := &a.cfg
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	h2 := cfg.HTTP2
	return &http.Server{
		Handler:           a,
		ReadTimeout:       cfg.ReadTimeout,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		Protocols:         &p,
		HTTP2:             &h2,
		BaseContext:       func(net.Listener) context.Context { return a.baseCtx },
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
}

// limitListener bounds the number of concurrently open connections (Config.MaxConns) on the
// NetHTTP engine; fasthttp has its own (Server.Concurrency).
type limitListener struct {
	net.Listener
	sem chan struct{}
}

func newLimitListener(ln net.Listener, n int) *limitListener {
	return &limitListener{Listener: ln, sem: make(chan struct{}, n)}
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.sem <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// ctxKey is the context key under which WrapMiddleware passes the Ctx through net/http.
type ctxKey struct{}

func contextWithCtx(parent context.Context, c *Ctx) context.Context {
	return context.WithValue(parent, ctxKey{}, c)
}
