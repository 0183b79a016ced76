package tako

import (
	"bufio"
	"net/http"
)

// StreamWriter writes a streamed response body. Data is buffered until Flush, which sends
// it to the client at once (Server-Sent Events and other streaming endpoints call Flush
// after each message). It works the same on both engines.
type StreamWriter struct {
	bw *bufio.Writer       // FastHTTP
	w  http.ResponseWriter // NetHTTP
	rc *http.ResponseController
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
		c.fc.SetBodyStreamWriter(func(w *bufio.Writer) {
			defer c.app.releaseStream(c)
			defer func() {
				if rec := recover(); rec != nil {
					c.app.cfg.Logger.Error("tako: panic in stream function", "path", c.Path(), "panic", rec)
				}
			}()
			sw := StreamWriter{bw: w}
			if err := fn(&sw); err != nil {
				c.app.cfg.Logger.Warn("tako: stream ended with error", "path", c.Path(), "err", err)
			}
		})
		return nil
	}
	if c.committed {
		return errCommitted
	}
	c.committed = true
	c.w.Header().Del("Content-Length")
	c.w.WriteHeader(status)
	sw := StreamWriter{w: c.w, rc: http.NewResponseController(c.w)}
	return fn(&sw)
}
