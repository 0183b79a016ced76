package tako

// h2c with prior knowledge on the FastHTTP engine's cleartext listeners.
//
// An HTTP/2 client that knows the server speaks h2c opens with the 24-byte connection
// preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 section 3.4). h2cListener wraps each
// accepted connection in an h2cConn; nothing happens in Accept, so the accept loop never
// waits for a client. The decision is made in the connection's first Read, which fasthttp
// calls on the connection's own goroutine, under its own read deadline (ReadTimeout: a
// client that sends "PRI" and stalls is dropped like any slow client), into its own read
// buffer: the bytes are read where fasthttp wants them and compared in place, so HTTP/1.1
// costs one comparison of at most 24 bytes per connection and, after that, one atomic load
// per Read; nothing is copied and nothing is allocated per request (TestH2CZeroAlloc).
//
// On a preface the connection is handed to the App's HTTP/2 server (http2.go) with the
// bytes read so far replayed in front of the socket, and fasthttp is told the client went
// away (io.EOF with nothing read, which it takes quietly). The h2cConn then ignores
// fasthttp's Close: the connection belongs to the HTTP/2 server.
//
// What the wrapper costs HTTP/1.1: nothing measurable for responses that fit fasthttp's
// write buffer (BenchmarkH2CDetect, 13-byte body: within noise, 0 allocs either way). But
// fasthttp writes header and body of a larger response with one writev only on a bare
// *net.TCPConn, so through the wrapper they take two writes: about 5% more time for a
// 64 KiB response over loopback (BenchmarkH2CDetectLargeBody). sendfile is kept (ReadFrom
// is passed through). Config.DisableH2C removes the wrapper. (Peeking with MSG_PEEK and
// handing the bare connection to fasthttp's ServeConn would avoid this, at the price of
// fasthttp's worker pool; not done.)

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// http2Preface is the HTTP/2 client connection preface.
const http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// prefaceMatch says what the first bytes of a connection are.
type prefaceMatch uint8

const (
	prefaceMaybe prefaceMatch = iota // a proper prefix of the preface so far: read more
	prefaceYes                       // the whole preface
	prefaceNo                        // not the preface: HTTP/1
)

// matchPreface classifies the first bytes b of a connection.
func matchPreface(b []byte) prefaceMatch {
	if len(b) >= len(http2Preface) {
		if string(b[:len(http2Preface)]) == http2Preface {
			return prefaceYes
		}
		return prefaceNo
	}
	if string(b) == http2Preface[:len(b)] {
		return prefaceMaybe
	}
	return prefaceNo
}

// h2cListener wraps the connections of a FastHTTP engine listener in h2cConns.
type h2cListener struct {
	net.Listener
	app *App
}

// Accept returns the next connection, wrapped for h2c detection; TLS connections are
// returned as they are (ALPN, not a preface, selects their protocol, and fasthttp must see
// the *tls.Conn to report it through Ctx.TLS).
func (l *h2cListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if _, ok := c.(interface{ ConnectionState() tls.ConnectionState }); ok {
		return c, nil
	}
	return &h2cConn{Conn: c, app: l.app}, nil
}

// h2cConn states.
const (
	h2cUndecided uint32 = iota // first Read not done
	h2cHTTP1                   // HTTP/1: reads go straight to the socket
	h2cReplay                  // HTTP/1, peeked bytes in buf still to hand out
	h2cHandedOff               // HTTP/2: the connection belongs to the HTTP/2 server
)

// h2cConn is a connection whose first bytes decide between fasthttp and HTTP/2.
type h2cConn struct {
	net.Conn
	app   *App
	state atomic.Uint32 // Read runs on the serving goroutine; Close may come from another
	buf   [len(http2Preface)]byte
	off   int // h2cReplay: buf[off:n] is still to hand out
	n     int
	err   error // h2cReplay: the error of the peeking read, returned with the last byte
}

// Read reads from the connection; the first Read decides the protocol.
func (c *h2cConn) Read(p []byte) (int, error) {
	if c.state.Load() == h2cHTTP1 {
		return c.Conn.Read(p)
	}
	return c.readSlow(p)
}

func (c *h2cConn) readSlow(p []byte) (int, error) {
	switch c.state.Load() {
	case h2cHandedOff:
		return 0, io.EOF
	case h2cReplay:
		n := copy(p, c.buf[c.off:c.n])
		c.off += n
		if c.off < c.n {
			return n, nil
		}
		c.state.Store(h2cHTTP1)
		err := c.err
		c.err = nil
		return n, err
	}
	// The first Read. Read into p when it can hold the whole preface (fasthttp's buffer
	// always can), else into buf and replay from there.
	direct := len(p) >= len(http2Preface)
	dst := p
	if !direct {
		dst = c.buf[:]
	}
	n := 0
	for {
		m, err := c.Conn.Read(dst[n:])
		n += m
		switch matchPreface(dst[:n]) {
		case prefaceYes:
			c.handOff(dst[:n])
			return 0, io.EOF
		case prefaceMaybe:
			if err == nil {
				continue
			}
		}
		// Not HTTP/2 (or the client stopped part-way through "PRI ..."): fasthttp gets
		// what was read, and any error, and answers it as HTTP/1.
		if direct {
			c.state.Store(h2cHTTP1)
			return n, err
		}
		if n == 0 {
			c.state.Store(h2cHTTP1)
			return 0, err
		}
		c.n, c.err = n, err
		c.state.Store(h2cReplay)
		return c.readSlow(p)
	}
}

// handOff gives the connection, with the bytes already read, to the App's HTTP/2 server.
func (c *h2cConn) handOff(read []byte) {
	c.state.Store(h2cHandedOff)
	q := c.app.http2Queue()
	if q == nil || !q.acquire() { // shutting down
		c.Conn.Close()
		return
	}
	rc := &replayConn{Conn: c.Conn, pending: append([]byte(nil), read...), release: q.release}
	q.push(rc) // closes rc if the server is shutting down
}

// Close closes the connection, unless it was handed to the HTTP/2 server.
func (c *h2cConn) Close() error {
	if c.state.Load() == h2cHandedOff {
		return nil
	}
	return c.Conn.Close()
}

// CloseWrite shuts down the writing side of the connection, for lingerClose.
func (c *h2cConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom passes io.Copy to the socket's ReadFrom, keeping sendfile for file bodies.
func (c *h2cConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(writerOnly{c.Conn}, r)
}

// writerOnly hides ReadFrom, so that io.Copy does not call back into h2cConn.ReadFrom.
type writerOnly struct{ io.Writer }

// replayConn is a connection whose first reads return pending, and whose first Close
// calls release.
type replayConn struct {
	net.Conn
	pending []byte
	release func()
	once    sync.Once
}

func (c *replayConn) Close() error {
	err := c.Conn.Close()
	if c.release != nil {
		c.once.Do(c.release)
	}
	return err
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
