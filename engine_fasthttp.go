package tako

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/valyala/fasthttp"
)

// fastHandler is the fasthttp.RequestHandler of the App.
func (a *App) fastHandler(fc *fasthttp.RequestCtx) {
	c := a.ctxPool.Get()
	c.engine = FastHTTP
	c.fc = fc
	if fc.Request.Header.ContentLength() == -1 && conflictingFraming(fc.Request.Header.RawHeaders()) {
		// Content-Length and Transfer-Encoding together: a request smuggling attempt
		// (RFC 9112 section 6.3). fasthttp would honour Transfer-Encoding and close the
		// connection afterwards; Tako refuses the request outright.
		fc.SetConnectionClose()
		c.WriteProblem(http.StatusBadRequest, "", "", "request has both Content-Length and Transfer-Encoding")
		a.ctxPool.Put(c)
		return
	}
	a.dispatch(c)
	if c.streaming {
		a.releaseStream(c) // the stream writer may still be running
		return
	}
	if fc.RequestBodyStream() != nil && !fc.Hijacked() {
		if cl := int64(fc.Request.Header.ContentLength()); cl-c.stream.n > maxUnreadBody {
			// The handler answered without reading most of a large body (a 413, a 401
			// before an upload, ...). fasthttp would close the connection at once, and a
			// close with unread data makes the kernel send a reset that can destroy the
			// response before the client has read it: close it gracefully instead. The
			// hijack handler writes the response itself, since fasthttp runs no hijack
			// handler after a response it sent with Connection: close. (A chunked body
			// has no known length; fasthttp drains up to 256 KiB of it and closes.)
			fc.SetConnectionClose()
			fc.HijackSetNoResponse(true)
			wt := a.cfg.WriteTimeout
			fc.Hijack(func(conn net.Conn) {
				if wt > 0 { // fasthttp clears the deadlines of a hijacked connection
					conn.SetWriteDeadline(time.Now().Add(wt))
				}
				if _, err := fc.Response.WriteTo(conn); err == nil {
					lingerClose(conn)
				}
			})
		}
	}
	a.ctxPool.Put(c)
}

// maxUnreadBody is how much of a request body fasthttp discards after the handler to keep
// the connection (its maxUnreadStreamBodySize); with more left over it closes it.
const maxUnreadBody = 256 << 10

// lingerTime is how long lingerClose keeps reading a closing connection, as net/http's
// server does (rstAvoidanceDelay).
const lingerTime = 500 * time.Millisecond

// lingerClose closes a connection whose client may still be sending a request body the
// server will not read, after the response (sent with Connection: close) has gone out:
// it shuts down the writing side, so the client sees the end of the response, then reads
// and drops what arrives for lingerTime, so that the kernel has no unread data to answer
// with a reset while the client is still reading the response (RFC 9112 section 9.6).
func lingerClose(c net.Conn) {
	raw := c
	if u, ok := c.(interface{ UnsafeConn() net.Conn }); ok {
		raw = u.UnsafeConn()
	}
	if cw, ok := raw.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(lingerTime))
	io.Copy(io.Discard, c)
}

// bodyStream returns the streamed request body (FastHTTP: bodies over MaxBodyBytes reach
// the handler as a stream), counting what is read from it, or nil when the body was read
// into memory.
func (c *Ctx) bodyStream() io.Reader {
	if c.stream.r == nil {
		s := c.fc.RequestBodyStream()
		if s == nil {
			return nil
		}
		c.stream.r = s
	}
	return &c.stream
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

// conflictingFraming reports whether raw request headers contain a Content-Length field; it
// is called only for chunked requests, where such a field conflicts.
func conflictingFraming(raw []byte) bool {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) >= len("content-length:") && bytes.EqualFold(line[:len("content-length:")], []byte("content-length:")) {
			return true
		}
	}
	return false
}

// releaseStream drops one of the two holds on a streaming Ctx (dispatch and the stream
// writer, which fasthttp runs on its own goroutine as soon as Stream is called); the last
// one returns the Ctx to the pool.
func (a *App) releaseStream(c *Ctx) {
	if c.refs.Add(-1) == 0 {
		a.ctxPool.Put(c)
	}
}

// newFastServer builds the fasthttp server for the App's limits.
//
// fasthttp's ReadBufferSize bounds the request line plus headers (larger is 431);
// StreamRequestBody lets bodies over MaxRequestBodySize reach the handler as a stream
// (Ctx.BodyReader) instead of being refused or buffered, while Ctx.Body enforces
// MaxBodyBytes itself.
func (a *App) newFastServer() *fasthttp.Server {
	a.build()
	cfg := &a.cfg
	return &fasthttp.Server{
		Handler:                       a.fastHandler,
		ErrorHandler:                  a.fastErrorHandler,
		NoDefaultServerHeader:         true,
		NoDefaultContentType:          true,
		ReadTimeout:                   cfg.ReadTimeout,
		WriteTimeout:                  cfg.WriteTimeout,
		IdleTimeout:                   cfg.IdleTimeout,
		ReadBufferSize:                cfg.MaxHeaderBytes,
		MaxRequestBodySize:            int(cfg.MaxBodyBytes),
		StreamRequestBody:             true,
		Concurrency:                   cfg.MaxConns,
		CloseOnShutdown:               true,
		DisablePreParseMultipartForm:  true,
		SecureErrorLogMessage:         true,
		Logger:                        fastLogger{cfg.Logger},
		DisableHeaderNamesNormalizing: false,
	}
}

// fastErrorHandler answers requests fasthttp could not read, as problem+json.
func (a *App) fastErrorHandler(fc *fasthttp.RequestCtx, err error) {
	status := http.StatusBadRequest
	detail := "malformed request"
	var small *fasthttp.ErrSmallBuffer
	var ne net.Error
	switch {
	case errors.As(err, &small):
		status, detail = http.StatusRequestHeaderFieldsTooLarge, "request headers are larger than the server's limit"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		status, detail = http.StatusRequestEntityTooLarge, ErrBodyTooLarge.Detail
	case errors.As(err, &ne) && ne.Timeout():
		status, detail = http.StatusRequestTimeout, "the request was not received in time"
	}
	c := a.ctxPool.Get()
	c.engine = FastHTTP
	c.fc = fc
	c.WriteProblem(status, "", "", detail)
	a.ctxPool.Put(c)
}

// fastLogger routes fasthttp's log lines to slog.
type fastLogger struct{ l *slog.Logger }

func (f fastLogger) Printf(format string, args ...any) {
	f.l.Warn("tako: fasthttp: " + fmt.Sprintf(format, args...))
}
