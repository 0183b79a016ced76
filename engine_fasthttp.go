package tako

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

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
	} else {
		a.ctxPool.Put(c)
	}
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
