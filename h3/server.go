package h3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/quic-go/webtransport-go"
)

// Default limits. Each has a Server knob.
const (
	DefaultMaxIncomingStreams = 100              // concurrent requests (bidirectional streams) per connection
	DefaultIdleTimeout        = 60 * time.Second // a connection with no request in flight
	DefaultHandshakeTimeout   = 10 * time.Second // the QUIC and TLS handshake
	DefaultMaxHeaderBytes     = 16 << 10         // the request's HEADERS frame (QPACK-decoded field section)
	DefaultMaxConns           = 256 * 1024       // concurrent QUIC connections
)

// drainSettle is how long Shutdown waits, once no request is running, for requests whose
// stream was accepted before the GOAWAY but whose handler had not started yet (the HEADERS
// frame was still being read). It bounds a race, it is not a timing assumption about clients.
const drainSettle = 20 * time.Millisecond

// Server serves an http.Handler over HTTP/3 (RFC 9114) on quic-go, and, when WebTransport is
// set, WebTransport sessions (see Upgrader). The zero value with Handler and TLSConfig set
// is ready to use; every limit has a safe default.
//
// A Server serves one packet connection at a time: call Serve or ListenAndServe once, then
// Shutdown or Close.
type Server struct {
	// Handler answers every request. Required.
	Handler http.Handler

	// TLSConfig holds the certificates. Required. The Server uses a copy with ALPN "h3"
	// (QUIC needs TLS 1.3, which it enforces).
	TLSConfig *tls.Config

	// Allow0RTT accepts 0-RTT requests (early data) from clients resuming a session, which
	// saves a round trip. Default false. Early data can be replayed by an attacker who
	// captures it, so a handler that is not idempotent (a POST that charges a card) must not
	// run twice for it: enable 0-RTT only if every route is safe to replay, or check the
	// request (r.TLS.HandshakeComplete is false for 0-RTT requests) and answer 425 Too Early.
	Allow0RTT bool

	// MaxIncomingStreams limits the concurrent requests (bidirectional streams) a client may
	// have open on one connection. Default 100. Negative: the client may open none.
	MaxIncomingStreams int64
	// MaxConns limits the concurrent connections. Default 262144. At the limit the Server
	// stops accepting; quic-go then refuses new handshakes once its accept queue is full.
	MaxConns int
	// IdleTimeout closes a connection that has no request in flight for this long (it is
	// also QUIC's idle timeout). Default 60s.
	IdleTimeout time.Duration
	// HandshakeTimeout bounds the QUIC and TLS handshake. Default 10s.
	HandshakeTimeout time.Duration
	// MaxHeaderBytes limits the size of a request's header section. Default 16 KiB; larger
	// requests are answered 431.
	MaxHeaderBytes int
	// ReadTimeout bounds reading one request's body, from the start of the handler (the
	// header is bounded by IdleTimeout and MaxHeaderBytes). Default 0: no bound but QUIC
	// flow control and IdleTimeout.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing one response, from the start of the handler; a streaming
	// response needs a larger value. Default 0: no bound.
	WriteTimeout time.Duration
	// EnableDatagrams enables HTTP datagrams (RFC 9297) and QUIC datagrams. Default false;
	// WebTransport turns them on.
	EnableDatagrams bool

	// WebTransport accepts WebTransport sessions (draft-ietf-webtrans-http3, through
	// webtransport-go): handlers upgrade requests with an Upgrader. Default false.
	//
	// With WebTransport on, webtransport-go reads every stream of a connection itself, so
	// quic-go's graceful shutdown is not available: Shutdown stops accepting connections,
	// refuses new requests with H3_REQUEST_REJECTED (clients may retry them elsewhere) and
	// closes the connections once the running requests are done, but sends no GOAWAY frame.
	WebTransport bool
	// WebTransportConfig sets WebTransport flow control (streams and bytes per session).
	// nil: webtransport-go's defaults.
	WebTransportConfig *webtransport.Config

	// ConnContext, if set, derives the context of a new connection; requests' contexts
	// derive from it.
	ConnContext func(ctx context.Context, c *quic.Conn) context.Context

	// Logger receives connection errors at debug level. Default slog.Default().
	Logger *slog.Logger

	mu       sync.Mutex
	h3       *http3.Server
	wt       *webtransport.Server
	ln       *limitListener
	ownPC    net.PacketConn // the socket ListenAndServe opened, closed at the end
	started  bool
	closed   bool
	draining atomic.Bool
	inflight inflight
	sessions sessionSet
}

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown or Close. It is
// http.ErrServerClosed, so that code handling net/http servers handles this one too.
var ErrServerClosed = http.ErrServerClosed

// ListenAndServe listens on the UDP address addr (such as ":443") and serves on it until
// Shutdown or Close, then returns ErrServerClosed. The socket is closed on return.
func (s *Server) ListenAndServe(addr string) error {
	udp, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return fmt.Errorf("h3: resolving %q: %w", addr, err)
	}
	pc, err := net.ListenUDP("udp", udp)
	if err != nil {
		return fmt.Errorf("h3: %w", err)
	}
	s.mu.Lock()
	s.ownPC = pc
	s.mu.Unlock()
	err = s.Serve(pc)
	pc.Close()
	return err
}

// Serve serves HTTP/3 on pc until Shutdown or Close, then returns ErrServerClosed. pc is not
// closed (ListenAndServe closes its own). Serve returns an error at once if Handler or
// TLSConfig is missing, or if the Server was already started or closed.
func (s *Server) Serve(pc net.PacketConn) error {
	if s.Handler == nil {
		return errors.New("h3: Server.Handler is nil")
	}
	if s.TLSConfig == nil {
		return errors.New("h3: Server.TLSConfig is nil")
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	if s.started {
		s.mu.Unlock()
		return errors.New("h3: Server.Serve called twice")
	}
	s.started = true
	tlsConf := http3.ConfigureTLSConfig(s.TLSConfig.Clone())
	qln, err := quic.ListenEarly(pc, tlsConf, s.quicConfig())
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("h3: %w", err)
	}
	s.build()
	ln := newLimitListener(qln, orDefault(s.MaxConns, DefaultMaxConns))
	s.ln = ln
	h3srv, wt := s.h3, s.wt
	s.mu.Unlock()

	if wt == nil {
		err := h3srv.ServeListener(ln)
		if s.draining.Load() || errors.Is(err, http.ErrServerClosed) {
			return ErrServerClosed
		}
		return err
	}
	for {
		conn, err := ln.Accept(context.Background())
		if err != nil {
			if s.draining.Load() || errors.Is(err, quic.ErrServerClosed) {
				return ErrServerClosed
			}
			return fmt.Errorf("h3: %w", err)
		}
		go func() {
			if err := wt.ServeQUICConn(conn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.logger().Debug("h3: serving connection", "remote", conn.RemoteAddr(), "err", err)
			}
		}()
	}
}

// build creates the quic-go servers from the knobs; s.mu is held.
func (s *Server) build() {
	s.h3 = &http3.Server{
		Handler:         http.HandlerFunc(s.serveHTTP),
		EnableDatagrams: s.EnableDatagrams || s.WebTransport,
		MaxHeaderBytes:  orDefault(s.MaxHeaderBytes, DefaultMaxHeaderBytes),
		IdleTimeout:     orDefault(s.IdleTimeout, DefaultIdleTimeout),
		ConnContext:     s.connContext,
		Logger:          s.Logger,
	}
	if s.WebTransport {
		s.wt = &webtransport.Server{
			H3:     s.h3,
			Config: s.WebTransportConfig,
			// Upgrader checks the origin before webtransport-go sees the request.
			CheckOrigin: func(*http.Request) bool { return true },
		}
		webtransport.ConfigureHTTP3Server(s.h3)
	}
}

// quicConfig returns the QUIC settings from the knobs.
func (s *Server) quicConfig() *quic.Config {
	streams := s.MaxIncomingStreams
	if streams == 0 {
		streams = DefaultMaxIncomingStreams
	}
	return &quic.Config{
		Allow0RTT:                        s.Allow0RTT,
		MaxIncomingStreams:               streams,
		MaxIdleTimeout:                   orDefault(s.IdleTimeout, DefaultIdleTimeout),
		HandshakeIdleTimeout:             orDefault(s.HandshakeTimeout, DefaultHandshakeTimeout),
		EnableDatagrams:                  s.EnableDatagrams || s.WebTransport,
		EnableStreamResetPartialDelivery: s.WebTransport,
	}
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

type serverKey struct{}

// connContext records the Server in every request's context (Upgrader finds it there).
func (s *Server) connContext(ctx context.Context, c *quic.Conn) context.Context {
	if s.ConnContext != nil {
		ctx = s.ConnContext(ctx, c)
	}
	return context.WithValue(ctx, serverKey{}, s)
}

// serveHTTP runs Handler, counting the request as in flight for Shutdown.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.add()
	defer s.inflight.done()
	if s.draining.Load() {
		// Only reached with WebTransport on (quic-go rejects new streams itself otherwise):
		// refuse the request the way quic-go does after GOAWAY, so that the client knows it
		// was not processed.
		if hs, ok := w.(http3.HTTPStreamer); ok {
			str := hs.HTTPStream()
			str.CancelRead(quic.StreamErrorCode(http3.ErrCodeRequestRejected))
			str.CancelWrite(quic.StreamErrorCode(http3.ErrCodeRequestRejected))
			return
		}
	}
	now := time.Now()
	if s.ReadTimeout > 0 || s.WriteTimeout > 0 {
		if d, ok := w.(deadliner); ok {
			if s.ReadTimeout > 0 {
				d.SetReadDeadline(now.Add(s.ReadTimeout))
			}
			if s.WriteTimeout > 0 {
				d.SetWriteDeadline(now.Add(s.WriteTimeout))
			}
		}
	}
	w.Header()["Date"] = date(now)
	rw := rwPool.Get().(*responseWriter)
	rw.w, rw.sent = w, false
	s.Handler.ServeHTTP(rw, r)
	rw.w = nil
	rwPool.Put(rw)
}

// limitListener bounds the number of open connections a QUIC listener hands out.
type limitListener struct {
	*quic.EarlyListener
	sem  chan struct{}
	done chan struct{} // closed by Close, to end an Accept waiting for a slot
	once sync.Once
}

func newLimitListener(ln *quic.EarlyListener, n int) *limitListener {
	return &limitListener{EarlyListener: ln, sem: make(chan struct{}, n), done: make(chan struct{})}
}

// Accept waits for a free slot, then for a connection; the slot is freed when the
// connection ends.
func (l *limitListener) Accept(ctx context.Context) (*quic.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, quic.ErrServerClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c, err := l.EarlyListener.Accept(ctx)
	if err != nil {
		<-l.sem
		return nil, err
	}
	context.AfterFunc(c.Context(), func() { <-l.sem })
	return c, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.EarlyListener.Close()
}

// deadliner is quic-go's response writer's deadline setters.
type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

// Addr returns the local address the Server listens on, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Shutdown stops the Server gracefully: it stops accepting connections, sends every
// connection a GOAWAY frame (quic-go then refuses new requests with H3_REQUEST_REJECTED,
// which clients may retry), closes WebTransport sessions, waits for the running requests to
// finish and then closes the connections. It returns nil when all requests are done, or
// ctx's error if ctx ends first, in which case the connections are closed at once. See
// WebTransport for how it differs when WebTransport is on.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.draining.Store(true)
	h3srv, wt, ln := s.h3, s.wt, s.ln
	s.mu.Unlock()
	if h3srv == nil {
		return nil // never served
	}
	s.sessions.closeAll()

	var h3done chan error
	stopH3, cancelH3 := context.WithCancel(context.Background())
	defer cancelH3()
	if wt == nil {
		// http3.Server.Shutdown sends GOAWAY at once; it then waits for the clients to close
		// their connections, which clients need not do, so its context is cancelled as soon
		// as the requests are done.
		h3done = make(chan error, 1)
		go func() { h3done <- h3srv.Shutdown(stopH3) }()
	}
	ln.Close()
	err := s.inflight.wait(ctx, drainSettle)
	cancelH3()
	if wt != nil {
		wt.Close()
	} else {
		<-h3done
	}
	s.closePC()
	return err
}

// Close closes the Server at once: the listener, every connection (running requests are
// aborted) and every WebTransport session.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.draining.Store(true)
	h3srv, wt, ln := s.h3, s.wt, s.ln
	s.mu.Unlock()
	if h3srv == nil {
		return nil
	}
	s.sessions.closeAll()
	ln.Close()
	var err error
	if wt != nil {
		err = wt.Close()
	} else {
		err = h3srv.Close()
	}
	s.closePC()
	return err
}

// closePC closes the socket ListenAndServe opened, so that its Serve returns.
func (s *Server) closePC() {
	s.mu.Lock()
	pc := s.ownPC
	s.mu.Unlock()
	if pc != nil {
		pc.Close()
	}
}

// inflight counts running handlers. The count is an atomic (a request pays two atomic adds);
// once Shutdown has begun, the handler that brings it to zero wakes the waiting Shutdown.
type inflight struct {
	n        atomic.Int64
	draining atomic.Bool
	wake     chan struct{} // capacity 1
	once     sync.Once
}

func (f *inflight) init() { f.once.Do(func() { f.wake = make(chan struct{}, 1) }) }

func (f *inflight) add() { f.n.Add(1) }

func (f *inflight) done() {
	if f.n.Add(-1) == 0 && f.draining.Load() {
		select {
		case f.wake <- struct{}{}:
		default:
		}
	}
}

// wait returns nil once no handler has run for settle, or ctx's error.
func (f *inflight) wait(ctx context.Context, settle time.Duration) error {
	f.init()
	f.draining.Store(true)
	t := time.NewTimer(settle)
	defer t.Stop()
	for {
		if f.n.Load() == 0 {
			t.Reset(settle)
			select {
			case <-t.C:
				if f.n.Load() == 0 {
					return nil
				}
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		select {
		case <-f.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
