package tako

// Raw TCP servers under the App's lifecycle.
//
// A TCPServer runs one goroutine per connection, like net/http, with at most
// Config.TCPMaxConns connections open: when the cap is reached, Accept waits and new
// connections queue in the kernel's backlog. The handler receives the accepted net.Conn
// itself, never a wrapper, so type assertions (*net.TCPConn, *tls.Conn,
// *proxyproto.Conn) work; the server only remembers the connection in a set, to reach
// it at shutdown.
//
// Shutdown has three steps under one deadline (App.Shutdown's context):
//  1. The listener closes and the handlers' context (a child of the App's base
//     context) is cancelled.
//  2. Every open connection gets a read deadline in the past, so a handler blocked in
//     Read waiting for its client (the raw equivalent of an idle keep-alive
//     connection) returns at once with os.ErrDeadlineExceeded, and sees ctx.Err() set.
//     Writes are not touched: a handler can still send a goodbye, and one that needs
//     to read the rest of a message may set a new read deadline and go on.
//  3. When the deadline passes, the connections still open are closed, which ends the
//     I/O of the handlers still running; Shutdown returns the context's error without
//     waiting further for them (Go cannot stop a goroutine).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"
)

// TCPHandler serves one raw TCP connection. ctx is cancelled when the App starts shutting
// down; the connection is closed when the handler returns. A panic in the handler is
// recovered and logged (Config.Logger), the connection is closed, and the server goes on.
type TCPHandler func(ctx context.Context, conn net.Conn)

// TCPServer serves raw TCP connections (any net.Listener: TCP, Unix, TLS, PROXY
// protocol) with a TCPHandler under an App's lifecycle: App.Shutdown stops it with the
// App's other servers. Create one with App.NewTCPServer; App.ServeTCP and App.ListenTCP
// are the short forms.
type TCPServer struct {
	app *App
	ln  net.Listener
	h   TCPHandler
	sem chan struct{} // one token per open connection

	ctx    context.Context // the handlers' context: ends when Shutdown begins
	cancel context.CancelFunc

	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	closed  bool
	drained chan struct{} // closed when closed is set and no connection is left
	stop    chan struct{} // closed when Shutdown begins

	accepted atomic.Uint64
	panics   atomic.Uint64
}

// TCPStats are a TCPServer's counters.
type TCPStats struct {
	Accepted uint64 // connections accepted since Serve started
	Active   int    // connections open now
	Panics   uint64 // handlers that panicked (recovered)
}

// NewTCPServer returns a server that will run h for each connection accepted on ln,
// once Serve is called. It takes ownership of ln.
func (a *App) NewTCPServer(ln net.Listener, h TCPHandler) *TCPServer {
	ctx, cancel := context.WithCancel(a.baseCtx)
	return &TCPServer{
		ctx:     ctx,
		cancel:  cancel,
		app:     a,
		ln:      ln,
		h:       h,
		sem:     make(chan struct{}, a.cfg.TCPMaxConns),
		conns:   make(map[net.Conn]struct{}),
		drained: make(chan struct{}),
		stop:    make(chan struct{}),
	}
}

// ServeTCP serves raw TCP connections from ln with h until the App shuts down; see
// TCPServer. It blocks, then returns nil after Shutdown, http.ErrServerClosed if the
// App was already shut down, or the listener's error.
func (a *App) ServeTCP(ln net.Listener, h TCPHandler) error {
	return a.NewTCPServer(ln, h).Serve()
}

// ListenTCP listens on the TCP address addr (for example ":9000") and serves raw
// connections with h, as ServeTCP.
func (a *App) ListenTCP(addr string, h TCPHandler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.ServeTCP(ln, h)
}

// Addr returns the listener's address.
func (s *TCPServer) Addr() net.Addr { return s.ln.Addr() }

// Stats returns the server's counters.
func (s *TCPServer) Stats() TCPStats {
	s.mu.Lock()
	n := len(s.conns)
	s.mu.Unlock()
	return TCPStats{Accepted: s.accepted.Load(), Active: n, Panics: s.panics.Load()}
}

// Serve accepts connections and runs the handler for each, until the App shuts down. It
// publishes TopicStarted with the listener's address, as App.Serve does. It returns nil
// after Shutdown, http.ErrServerClosed if the App was already shut down
// (ln is then closed), or the error that made Accept fail for good. Serve may be called
// once.
func (s *TCPServer) Serve() error {
	if err := s.app.track(s); err != nil {
		s.ln.Close()
		return err
	}
	s.app.emitStarted(s.ln.Addr())
	var backoff time.Duration
	for {
		select {
		case s.sem <- struct{}{}:
		case <-s.stop:
			return nil
		}
		c, err := s.ln.Accept()
		if err != nil {
			<-s.sem
			if s.stopping() {
				return nil
			}
			if retryAfter(err, &backoff, s.stop, s.app.cfg.Logger, "raw TCP accept", s.ln.Addr()) {
				continue
			}
			if s.stopping() {
				return nil
			}
			return fmt.Errorf("tako: raw TCP accept on %s: %w", s.ln.Addr(), err)
		}
		backoff = 0
		if !s.add(c) {
			c.Close()
			<-s.sem
			return nil
		}
		s.accepted.Add(1)
		go s.serveConn(c)
	}
}

func (s *TCPServer) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// add records c as open; false means the server is shut down.
func (s *TCPServer) add(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *TCPServer) remove(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	if s.closed && len(s.conns) == 0 {
		close(s.drained)
	}
	s.mu.Unlock()
	<-s.sem
}

func (s *TCPServer) serveConn(c net.Conn) {
	defer s.remove(c)
	defer c.Close()
	defer func() {
		if rec := recover(); rec != nil {
			s.panics.Add(1)
			s.app.cfg.Logger.Error("tako: panic in raw TCP handler", "addr", s.ln.Addr().String(),
				"remote", c.RemoteAddr().String(), "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
		}
	}()
	s.h(s.ctx, c)
}

// temporary reports whether an Accept or read error is worth retrying after a pause
// (EMFILE, ENFILE, ECONNABORTED, ...): net/http's condition, with its deprecated
// net.Error.Temporary, which still classifies exactly these errors.
func temporary(err error) bool {
	var ne interface{ Temporary() bool }
	return errors.As(err, &ne) && ne.Temporary()
}

// retryAfter handles an error of an accept or read loop as net/http does: for a temporary
// error (EMFILE and kin) it logs, waits a backoff doubling from 5 ms to 1 s and returns
// true to retry; it returns false at once for any other error, or when stop is closed
// while it waits. A loop resets *backoff to zero after each success.
func retryAfter(err error, backoff *time.Duration, stop <-chan struct{}, log *slog.Logger, what string, addr net.Addr) bool {
	if !temporary(err) {
		return false
	}
	*backoff = min(max(2**backoff, 5*time.Millisecond), time.Second)
	if log != nil {
		log.Warn("tako: "+what+" error; retrying", "addr", addr.String(), "err", err, "retry_in", *backoff)
	}
	t := time.NewTimer(*backoff)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	}
}

// aLongTimeAgo is a read deadline that has passed: a blocked Read returns at once.
var aLongTimeAgo = time.Unix(1, 0)

// Shutdown stops the server as App.Shutdown does (see TCPServer): it closes the
// listener, wakes handlers blocked in Read, waits for the handlers to return, and when
// ctx ends first closes the connections still open and returns ctx's error. App.Shutdown
// calls it; call it directly only to stop this server alone.
func (s *TCPServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.stop)
		s.cancel()
		for c := range s.conns {
			c.SetReadDeadline(aLongTimeAgo)
		}
		if len(s.conns) == 0 {
			close(s.drained)
		}
	}
	s.mu.Unlock()
	s.ln.Close()
	select {
	case <-s.drained:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	return ctx.Err()
}
