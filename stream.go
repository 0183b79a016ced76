package tako

import (
	"bufio"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/valyala/fasthttp"
)

// StreamWriter writes a streamed response body. Data is buffered until Flush, which sends
// it to the client at once (Server-Sent Events and other streaming endpoints call Flush
// after each message). It works the same on both engines.
type StreamWriter struct {
	bw *bufio.Writer       // FastHTTP
	w  http.ResponseWriter // NetHTTP
	rc *http.ResponseController
	c  *Ctx          // NetHTTP: for SetTrailer
	tr *trailerGuard // FastHTTP, with trailers declared before Stream
}

// SetTrailer sets the value of a response trailer from the stream function, for a value
// known only once the body is written (a checksum, a gRPC status). On HTTP/2 any trailer
// may be set here. On HTTP/1.1 the names go out with the headers, so the trailer must have
// been declared with Ctx.SetTrailer before Stream (with a placeholder value); setting an
// undeclared one is an error there, as is a call after the client has gone away.
func (s *StreamWriter) SetTrailer(name, value string) error {
	if s.bw == nil {
		return s.c.SetTrailer(name, value)
	}
	g := s.tr
	if g == nil || !slices.ContainsFunc(g.names, func(n string) bool { return strings.EqualFold(n, name) }) {
		return errString("tako: StreamWriter.SetTrailer: " + strconv.Quote(name) + " was not declared with Ctx.SetTrailer before Stream (HTTP/1.1 announces trailers with the headers)")
	}
	if !safeHeaderValue(value) {
		return errString("tako: StreamWriter.SetTrailer: invalid value for " + strconv.Quote(name))
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errString("tako: StreamWriter.SetTrailer: the response is over (the client went away)")
	}
	g.pending = append(g.pending, [2]string{name, value})
	return nil
}

// trailerGuard is the body stream of a fasthttp streaming response with trailers. The
// stream function's SetTrailer only records values; fasthttp's serving goroutine, reading
// the stream, copies them into the response header when the stream ends, just before it
// writes the trailer section, so the header is only ever touched by that goroutine. Once
// the stream has ended or fasthttp has closed it (the client went away; the response may
// then be recycled), SetTrailer fails.
type trailerGuard struct {
	io.ReadCloser // fasthttp.NewStreamReader's pipe
	h             *fasthttp.ResponseHeader
	names         []string // declared trailers

	mu      sync.Mutex
	closed  bool
	pending [][2]string // name, value
}

func (g *trailerGuard) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	if err == io.EOF {
		g.mu.Lock()
		for _, kv := range g.pending {
			g.h.Set(kv[0], kv[1])
		}
		g.pending = nil
		g.closed = true
		g.mu.Unlock()
	}
	return n, err
}

func (g *trailerGuard) Close() error {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	return g.ReadCloser.Close()
}

// Write appends p to the response body.
func (s *StreamWriter) Write(p []byte) (int, error) {
	if s.bw != nil {
		return s.bw.Write(p)
	}
	return s.w.Write(p)
}

// WriteString appends str to the response body.
func (s *StreamWriter) WriteString(str string) (int, error) {
	if s.bw != nil {
		return s.bw.WriteString(str)
	}
	return s.w.Write(s2b(str))
}

// Flush sends everything written so far to the client. An error means the client has gone
// away; the stream function should return.
func (s *StreamWriter) Flush() error {
	if s.bw != nil {
		return s.bw.Flush()
	}
	return s.rc.Flush()
}

// Stream sends the response status and headers (with the given content type) and then calls
// fn to write the body in pieces, chunked, with explicit Flush. Use it for large or
// long-lived responses. Config.WriteTimeout bounds the whole response; raise or disable it
// for long streams.
//
// On the FastHTTP engine fn runs on its own goroutine, started by Stream, while the handler
// returns and the response is sent. fasthttp recycles the request as soon as the client
// goes away, which can happen while fn is still running, so on that engine fn must not read
// from c: read what it needs (parameters, headers, the query) before calling Stream and copy
// what it keeps. Neither fn nor the handler (after Stream) may change c. On the NetHTTP
// engine fn runs before Stream returns. An error from fn is logged: the status has already
// been sent.
func (c *Ctx) Stream(contentType string, fn func(w *StreamWriter) error) error {
	if contentType != "" {
		c.SetHeader("Content-Type", contentType)
	}
	status := c.ResponseStatus()
	if c.engine == FastHTTP {
		c.streaming = true
		c.refs.Store(2)
		c.fc.SetStatusCode(status)
		var g *trailerGuard
		if c.trailers {
			g = &trailerGuard{h: &c.fc.Response.Header, names: slices.Clone(c.trailerNames)}
		}
		write := func(w *bufio.Writer) {
			defer c.app.releaseStream(c)
			defer func() {
				if rec := recover(); rec != nil {
					c.app.cfg.Logger.Error("tako: panic in stream function", "path", c.Path(), "panic", rec)
				}
			}()
			sw := StreamWriter{bw: w, tr: g}
			if err := fn(&sw); err != nil {
				c.app.cfg.Logger.Warn("tako: stream ended with error", "path", c.Path(), "err", err)
			}
		}
		if g == nil {
			c.fc.SetBodyStreamWriter(write)
			return nil
		}
		g.ReadCloser = fasthttp.NewStreamReader(write)
		c.fc.Response.SetBodyStream(g, -1)
		return nil
	}
	if c.committed {
		return errCommitted
	}
	c.committed = true
	c.w.Header().Del("Content-Length")
	c.w.WriteHeader(status)
	sw := StreamWriter{w: c.w, rc: http.NewResponseController(c.w), c: c}
	return fn(&sw)
}
