package tako

// HTTP/2 on the FastHTTP engine.
//
// fasthttp speaks HTTP/1.1 only, so an App on the FastHTTP engine serves HTTP/2 through Go's
// own server (net/http and its bundled HTTP/2 implementation, which has the flow control,
// stream limits, rapid-reset protection and trailers that the third-party fasthttp HTTP/2
// adapters lack), with the App as its handler. Connections reach that server in two ways:
//
//   - ServeTLS completes each TLS handshake itself and sends connections that negotiated
//     ALPN "h2" there, the others to fasthttp (tls.go);
//   - on cleartext listeners the first bytes of each connection are compared with the
//     HTTP/2 connection preface; a match goes there, with the bytes read so far replayed
//     (h2c.go).
//
// Either way the connection is pushed into a connQueue, a net.Listener fed by Tako instead
// of a socket, which the HTTP/2 server serves like any listener: net/http finds a *tls.Conn
// with "h2" negotiated and serves HTTP/2 on it, or a cleartext connection starting with the
// preface and serves h2c (Protocols: UnencryptedHTTP2). The server is started on first use
// and registered with App.track, so App.Shutdown closes its queue, sends GOAWAY on every
// connection and waits for their streams, side by side with fasthttp's drain.

import (
	"errors"
	"net"
	"net/http"
	"sync"
)

// connQueue is a net.Listener whose connections are handed over by Tako's own accept
// loops rather than accepted from a socket.
type connQueue struct {
	addr    net.Addr
	ch      chan net.Conn
	done    chan struct{}
	once    sync.Once
	onClose func()        // run once by Close (closes the socket listener behind the queue)
	sem     chan struct{} // h2c connections pushed and not yet closed (acquire, release)
}

func newConnQueue(addr net.Addr, onClose func()) *connQueue {
	return &connQueue{addr: addr, ch: make(chan net.Conn), done: make(chan struct{}), onClose: onClose}
}

// Accept returns the next connection pushed, or net.ErrClosed once the queue is closed.
func (q *connQueue) Accept() (net.Conn, error) {
	select {
	case c := <-q.ch:
		return c, nil
	case <-q.done:
		return nil, net.ErrClosed
	}
}

// acquire takes a slot of q.sem for a connection about to be pushed, waiting for one to
// free up; it reports false if the queue is closed first. release gives it back.
func (q *connQueue) acquire() bool {
	if q.sem == nil {
		return true
	}
	select {
	case q.sem <- struct{}{}:
		return true
	case <-q.done:
		return false
	}
}

func (q *connQueue) release() {
	if q.sem != nil {
		<-q.sem
	}
}

// Close stops the queue: Accept returns net.ErrClosed, and connections pushed from now on
// are closed.
func (q *connQueue) Close() error {
	q.once.Do(func() {
		close(q.done)
		if q.onClose != nil {
			q.onClose()
		}
	})
	return nil
}

// Addr returns the address of the listener the connections come from.
func (q *connQueue) Addr() net.Addr { return q.addr }

// push hands c to the server accepting from q. It reports false, having closed c, if the
// queue is closed first.
func (q *connQueue) push(c net.Conn) bool {
	select {
	case <-q.done:
		c.Close()
		return false
	default:
	}
	select {
	case q.ch <- c:
		return true
	case <-q.done:
		c.Close()
		return false
	}
}

// queueAddr is the address of the HTTP/2 server's queue, which has no socket of its own.
type queueAddr struct{}

func (queueAddr) Network() string { return "tako" }
func (queueAddr) String() string  { return "tako-http2" }

// http2Queue returns the queue of the App's HTTP/2 server (FastHTTP engine), starting the
// server on first use. It returns nil once the App is shutting down.
func (a *App) http2Queue() *connQueue {
	a.srvMu.Lock()
	defer a.srvMu.Unlock()
	if a.stopping.Load() {
		return nil
	}
	if a.h2 != nil {
		return a.h2
	}
	srv := a.newHTTP2Server()
	q := newConnQueue(queueAddr{}, nil)
	// h2c connections leave fasthttp's connection count when they are handed over; this
	// bounds them by MaxConns. (HTTP/2 over TLS is bounded by ServeTLS's listener, and its
	// *tls.Conn must reach net/http unwrapped.)
	q.sem = make(chan struct{}, a.cfg.MaxConns)
	a.servers = append(a.servers, srv) // as track does; srvMu is held
	a.h2 = q
	go func() {
		if err := srv.Serve(q); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			a.cfg.Logger.Error("tako: HTTP/2 server stopped", "err", err)
		}
	}()
	return q
}

// newHTTP2Server returns the net/http server of the FastHTTP engine's HTTP/2 connections:
// NewHTTPServer's settings, HTTP/1 off (every connection it gets speaks HTTP/2).
func (a *App) newHTTP2Server() *http.Server {
	srv := a.NewHTTPServer()
	var p http.Protocols
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	srv.Protocols = &p
	return srv
}
