package tako

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/tako-go/tako/pool"
	"github.com/tako-go/tako/router"
	"github.com/valyala/fasthttp"
)

// Ctx is the request context passed to every handler: the request, the response being
// built, route parameters and request-scoped values. The same Ctx type serves both engines.
//
// A Ctx is pooled: it is valid only until the handler returns (for Stream, until the stream
// function returns) and must not be kept or used from another goroutine after that.
//
// Zero-copy contract: strings and byte slices returned by Ctx accessors alias the request's
// buffers (on fasthttp they are recycled for the next request on the connection). They are
// valid until the handler returns. To keep one longer, copy it (strings.Clone, bytes.Clone,
// or the *Copy accessors), or set Config.Immutable. Config.PoisonBuffers makes an escaped
// value visible in tests.
type Ctx struct {
	app    *App
	engine Engine

	fc *fasthttp.RequestCtx // FastHTTP engine
	w  http.ResponseWriter  // NetHTTP engine
	r  *http.Request        // NetHTTP engine

	ep     *endpoint
	params router.Params

	status       int          // response status; 0 means 200
	committed    bool         // NetHTTP: WriteHeader has been called
	streaming    bool         // FastHTTP: a stream writer shares the Ctx until it finishes
	trailers     bool         // SetTrailer was called: HTTP/1.x bodies go chunked
	trailerNames []string     // FastHTTP: the trailers declared, for StreamWriter.SetTrailer
	refs         atomic.Int32 // FastHTTP streaming: dispatch and the stream writer each hold one

	query    url.Values // NetHTTP: parsed query, cached
	body     []byte     // the body Body returned (fasthttp's buffer or bodyBuf)
	bodyBuf  []byte     // owned buffer for bodies read from a stream, pooled by size
	bodyRead bool
	bodyRd   bytes.Reader
	stream   countingReader // FastHTTP: the streamed request body, counting what was read

	ctx    context.Context
	cancel context.CancelFunc

	locals []local

	scratch []byte   // response scratch (JSON and problem bodies)
	poison  [][]byte // PoisonBuffers: memory to overwrite on release

	ext extractState // the extractors' per-request state (extract.go)
}

// poisonScratch overwrites the Ctx's own reusable buffers when the pool package's
// poisoning is on (pool.SetPoison), so bytes kept from a previous request show as garbage.
func (c *Ctx) poisonScratch() {
	pool.Poison(c.scratch)
	pool.Poison(c.bodyBuf)
}

// reset clears the Ctx for reuse; the pool calls it on Put.
func (c *Ctx) reset() {
	if c.cancel != nil {
		c.cancel()
	}
	if c.app.cfg.PoisonBuffers {
		for _, b := range c.poison {
			for i := range b {
				b[i] = 0xDE
			}
		}
		clear(c.poison)
		c.poison = c.poison[:0]
	}
	c.fc, c.w, c.r, c.ep = nil, nil, nil, nil
	c.params.Reset()
	c.status, c.committed, c.streaming, c.trailers = 0, false, false, false
	clear(c.trailerNames)
	c.trailerNames = c.trailerNames[:0]
	c.query = nil
	if cap(c.bodyBuf) > 64<<10 {
		pool.PutBytes(c.bodyBuf) // do not pin large bodies to a pooled Ctx
		c.bodyBuf = nil
	}
	c.body = nil
	c.bodyRead = false
	c.bodyRd.Reset(nil)
	c.stream = countingReader{}
	c.ctx, c.cancel = nil, nil
	clear(c.locals)
	c.locals = c.locals[:0]
	if cap(c.scratch) > 64<<10 {
		c.scratch = nil
	}
	c.ext.reset()
}

// str converts request bytes to a string under the zero-copy contract.
func (c *Ctx) str(b []byte) string {
	if c.app.cfg.Immutable {
		return string(b)
	}
	if c.app.cfg.PoisonBuffers && len(b) > 0 {
		c.poison = append(c.poison, b)
	}
	return b2s(b)
}

// Engine reports which engine is serving this request. HTTP/2 requests to an App on the
// FastHTTP engine are served by Go's HTTP/2 server, so Engine reports NetHTTP for them.
func (c *Ctx) Engine() Engine { return c.engine }

// App returns the App serving the request.
func (c *Ctx) App() *App { return c.app }

// ---- request ----

// Method returns the request method.
func (c *Ctx) Method() string {
	if c.engine == FastHTTP {
		return methodString(c.fc.Method())
	}
	return c.r.Method
}

// methodString returns a constant for the common methods so that the method string never
// aliases a request buffer.
func methodString(m []byte) string {
	switch string(m) { // no allocation: the compiler does not copy for a switch
	case http.MethodGet:
		return http.MethodGet
	case http.MethodPost:
		return http.MethodPost
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPut:
		return http.MethodPut
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodOptions:
		return http.MethodOptions
	}
	return string(m)
}

// Path returns the decoded, normalized request path (no query). Zero-copy: valid until
// the handler returns.
func (c *Ctx) Path() string {
	if c.engine == FastHTTP {
		return c.str(c.fc.Path())
	}
	return c.r.URL.Path
}

// RawPath returns the path as the client sent it, percent-escapes intact, without the
// query. Zero-copy: valid until the handler returns.
func (c *Ctx) RawPath() string {
	if c.engine == FastHTTP {
		return c.str(c.fc.URI().PathOriginal())
	}
	return c.r.URL.EscapedPath()
}

// RawQuery returns the query string without the '?'. Zero-copy: valid until the handler
// returns.
func (c *Ctx) RawQuery() string {
	if c.engine == FastHTTP {
		return c.str(c.fc.URI().QueryString())
	}
	return c.r.URL.RawQuery
}

// Route returns the pattern of the matched route (for example "/users/:id"), or "" when
// no route matched (not-found and method-not-allowed handlers).
func (c *Ctx) Route() string {
	if c.ep == nil {
		return ""
	}
	return c.ep.pattern
}

// Param returns the value of the route parameter name, percent-decoded, or "" if the route
// has none. A value without escapes is not copied: zero-copy, valid until the handler
// returns. A value with escapes is decoded into a new string (a malformed escape gives the
// raw value; see RawParam).
func (c *Ctx) Param(name string) string {
	v, err := c.params.Unescaped(name)
	if err != nil {
		v = c.params.Get(name)
	}
	return c.aliasParam(v)
}

// RawParam returns the value of the route parameter name as it appears in the request path,
// still percent-encoded. Zero-copy: valid until the handler returns.
func (c *Ctx) RawParam(name string) string {
	return c.aliasParam(c.params.Get(name))
}

// aliasParam applies the zero-copy contract to a parameter value.
func (c *Ctx) aliasParam(v string) string {
	if v != "" && c.engine == FastHTTP {
		if c.app.cfg.Immutable {
			return strings.Clone(v)
		}
		if c.app.cfg.PoisonBuffers {
			c.poison = append(c.poison, s2b(v))
		}
	}
	return v
}

// ParamCopy is Param returning a private copy that may be kept after the handler returns.
func (c *Ctx) ParamCopy(name string) string { return strings.Clone(c.Param(name)) }

// Query returns the first value of the query parameter name, or "". Zero-copy: valid
// until the handler returns.
func (c *Ctx) Query(name string) string {
	if c.engine == FastHTTP {
		return c.str(c.fc.QueryArgs().Peek(name))
	}
	if c.query == nil {
		c.query = c.r.URL.Query()
	}
	return c.query.Get(name)
}

// QueryCopy is Query returning a private copy that may be kept after the handler returns.
func (c *Ctx) QueryCopy(name string) string { return strings.Clone(c.Query(name)) }

// QueryValues returns all query parameters as a freshly allocated url.Values that the
// caller owns.
func (c *Ctx) QueryValues() url.Values {
	if c.engine == FastHTTP {
		v, _ := url.ParseQuery(string(c.fc.URI().QueryString()))
		return v
	}
	v, _ := url.ParseQuery(c.r.URL.RawQuery)
	return v
}

// Header returns the first value of the request header name (case-insensitive), or "".
// Zero-copy: valid until the handler returns.
func (c *Ctx) Header(name string) string {
	if c.engine == FastHTTP {
		return c.str(c.fc.Request.Header.Peek(name))
	}
	return c.r.Header.Get(name)
}

// HeaderCopy is Header returning a private copy that may be kept after the handler returns.
func (c *Ctx) HeaderCopy(name string) string { return strings.Clone(c.Header(name)) }

// Cookie returns the value of the request cookie name, or "". Zero-copy: valid until the
// handler returns.
func (c *Ctx) Cookie(name string) string {
	if c.engine == FastHTTP {
		return c.str(c.fc.Request.Header.Cookie(name))
	}
	ck, err := c.r.Cookie(name)
	if err != nil {
		return ""
	}
	return ck.Value
}

// ContentLength returns the declared request body length, or -1 when unknown (chunked).
func (c *Ctx) ContentLength() int64 {
	if c.engine == FastHTTP {
		n := c.fc.Request.Header.ContentLength()
		if n < 0 {
			return -1
		}
		return int64(n)
	}
	return c.r.ContentLength
}

// Body returns the whole request body, read into memory. Bodies over Config.MaxBodyBytes
// are not read: Body returns ErrBodyTooLarge (413). Zero-copy: the slice is valid until
// the handler returns and must not be modified; use bytes.Clone to keep it.
func (c *Ctx) Body() ([]byte, error) {
	if c.bodyRead {
		return c.body, nil
	}
	max := c.app.cfg.MaxBodyBytes
	if cl := c.ContentLength(); cl > max {
		return nil, ErrBodyTooLarge
	}
	var src io.Reader
	if c.engine == FastHTTP {
		src = c.bodyStream()
		if src == nil {
			b := c.fc.Request.Body()
			if int64(len(b)) > max {
				return nil, ErrBodyTooLarge
			}
			c.body, c.bodyRead = b, true
			if c.app.cfg.Immutable {
				c.body = bytes.Clone(b)
			} else if c.app.cfg.PoisonBuffers {
				c.poison = append(c.poison, b)
			}
			return c.body, nil
		}
	} else {
		src = c.r.Body
	}
	if cl := c.ContentLength(); cl >= int64(cap(c.bodyBuf)) {
		pool.PutBytes(c.bodyBuf)
		c.bodyBuf = pool.GetBytes(int(cl) + 1)[:0] // +1: room to see EOF without growing
	}
	b, err := readLimited(c.bodyBuf[:0], src, max)
	c.bodyBuf = b
	c.body = b
	if err != nil {
		return nil, err
	}
	c.bodyRead = true
	if c.app.cfg.Immutable {
		c.body = bytes.Clone(b)
	} else if c.app.cfg.PoisonBuffers {
		c.poison = append(c.poison, b)
	}
	return c.body, nil
}

// readLimited appends r's content to dst, failing with ErrBodyTooLarge beyond max bytes.
func readLimited(dst []byte, r io.Reader, max int64) ([]byte, error) {
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if int64(len(dst)) > max {
			return dst, ErrBodyTooLarge
		}
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return dst, ErrBodyTooLarge
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return dst, &Error{Status: http.StatusRequestTimeout, Detail: "the request body was not received in time", Err: err}
			}
			return dst, &Error{Status: http.StatusBadRequest, Detail: "reading the request body failed", Err: err}
		}
	}
}

// BodyReader returns the request body as a stream, without reading it into memory first:
// large uploads go through here. It is not limited by Config.MaxBodyBytes (the handler
// decides how much to accept). Do not mix with Body.
func (c *Ctx) BodyReader() io.Reader {
	if c.engine == FastHTTP {
		if s := c.bodyStream(); s != nil {
			return s
		}
		c.bodyRd.Reset(c.fc.Request.Body())
		return &c.bodyRd
	}
	return c.r.Body
}

// RemoteAddr returns the address of the peer (the client, or the last proxy).
func (c *Ctx) RemoteAddr() net.Addr {
	if c.engine == FastHTTP {
		return c.fc.RemoteAddr()
	}
	ap, err := netip.ParseAddrPort(c.r.RemoteAddr)
	if err != nil {
		return &net.TCPAddr{}
	}
	return net.TCPAddrFromAddrPort(ap)
}

// Host returns the request host (the Host header or the URL authority). Zero-copy: valid
// until the handler returns.
func (c *Ctx) Host() string {
	if c.engine == FastHTTP {
		return c.str(c.fc.Host())
	}
	return c.r.Host
}

// Scheme returns "https" when the connection is TLS, else "http". It does not trust
// forwarding headers.
func (c *Ctx) Scheme() string {
	if c.engine == FastHTTP {
		if c.fc.IsTLS() {
			return "https"
		}
		return "http"
	}
	if c.r.TLS != nil {
		return "https"
	}
	return "http"
}

// TLS returns the state of the request's TLS connection (negotiated version and ALPN
// protocol, server name, and with mutual TLS the client's verified certificate chains in
// VerifiedChains), or nil on a connection without TLS. On the FastHTTP engine each call
// returns a fresh copy (an allocation); on NetHTTP it is net/http's Request.TLS.
func (c *Ctx) TLS() *tls.ConnectionState {
	if c.engine == FastHTTP {
		return c.fc.TLSConnectionState()
	}
	return c.r.TLS
}

// Protocol returns the request protocol, such as "HTTP/1.1" or "HTTP/2.0".
func (c *Ctx) Protocol() string {
	if c.engine == FastHTTP {
		if c.fc.Request.Header.IsHTTP11() {
			return "HTTP/1.1"
		}
		return "HTTP/1.0"
	}
	return c.r.Proto
}

// Context returns a context.Context for the request. It is cancelled when the App shuts
// down (both engines), when the client goes away (NetHTTP engine only: fasthttp does not
// report it), and when Config.HandlerTimeout expires after the request started (if set;
// creating that context allocates, and it happens only when Context is called).
//
// On the FastHTTP engine the context is the App's shutdown context, not the
// *fasthttp.RequestCtx (whose Value reads recycled request memory, unsafe from a timer or
// goroutine that outlives the handler); it may be kept after the handler returns.
func (c *Ctx) Context() context.Context {
	if c.ctx != nil {
		return c.ctx
	}
	var base context.Context
	if c.engine == FastHTTP {
		base = c.app.baseCtx
	} else {
		base = c.r.Context()
	}
	if d := c.app.cfg.HandlerTimeout; d > 0 {
		c.ctx, c.cancel = context.WithTimeout(base, d)
		return c.ctx
	}
	return base
}

// FastHTTP returns the underlying fasthttp request context, or nil when net/http serves
// the request (the NetHTTP engine, and HTTP/2 on either engine; see Engine).
// It is an escape hatch; the zero-copy contract applies to everything read from it.
func (c *Ctx) FastHTTP() *fasthttp.RequestCtx { return c.fc }

// HTTP returns the underlying net/http response writer and request, or nils when fasthttp
// serves the request (see Engine; use WrapHTTP to run net/http code on either engine).
func (c *Ctx) HTTP() (http.ResponseWriter, *http.Request) { return c.w, c.r }

// ---- response ----

// Status sets the response status code (default 200) and returns c for chaining, as in
// c.Status(201).JSON(v).
func (c *Ctx) Status(code int) *Ctx {
	c.status = code
	return c
}

// ResponseStatus returns the status set so far (200 if none), for logging middleware.
func (c *Ctx) ResponseStatus() int {
	if c.status == 0 {
		return http.StatusOK
	}
	return c.status
}

// SetHeader sets a response header, replacing any value it had.
func (c *Ctx) SetHeader(name, value string) {
	if c.engine == FastHTTP {
		if name == "Content-Type" {
			// fasthttp's generic Set normalizes the name before it finds the special
			// header; both scrub CR and LF from the value the same way.
			c.fc.Response.Header.SetContentType(value)
			return
		}
		c.fc.Response.Header.Set(name, value)
		return
	}
	c.w.Header().Set(name, value)
}

// safeHeaderValue reports whether v has no control characters other than tab, so it can be
// written as a header value unchanged.
func safeHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// AddHeader adds a value to a response header.
func (c *Ctx) AddHeader(name, value string) {
	if c.engine == FastHTTP {
		c.fc.Response.Header.Add(name, value)
		return
	}
	c.w.Header().Add(name, value)
}

// ResponseHeader returns the first value of a response header set so far. Zero-copy on
// the FastHTTP engine: valid until the header changes or the handler returns.
func (c *Ctx) ResponseHeader(name string) string {
	if c.engine == FastHTTP {
		return b2s(c.fc.Response.Header.Peek(name))
	}
	return c.w.Header().Get(name)
}

// SetTrailer sets a response trailer: a header field sent after the body, such as a
// checksum or a gRPC status. Setting it again replaces the value.
//
// On HTTP/1.1 trailers need a chunked body, so SetTrailer must be called before the body
// is written (before Text, JSON, Write, Stream and the like): the response is then sent
// chunked, with the names announced in a Trailer header on the FastHTTP engine. Values may
// change until the handler returns. Over HTTP/2 (always on net/http, App.Handler included)
// a trailer may also be set for the first time after the body. A Stream function sets
// values known only at the end with StreamWriter.SetTrailer, on every engine and
// protocol, provided that for HTTP/1.1 the trailer was declared here before Stream.
//
// Names that RFC 9110 section 6.5.1 forbids in trailers (framing, routing, authentication,
// Content-Type, Set-Cookie, ...) are refused with an error; so are invalid names and
// values.
func (c *Ctx) SetTrailer(name, value string) error {
	if !validTrailer(name) || !safeHeaderValue(value) {
		return errString("tako: SetTrailer: " + strconv.Quote(name) + " cannot be a trailer")
	}
	c.trailers = true
	if c.engine == FastHTTP {
		if err := c.fc.Response.Header.AddTrailer(name); err != nil {
			return errString("tako: SetTrailer: " + strconv.Quote(name) + ": " + err.Error())
		}
		if !slices.ContainsFunc(c.trailerNames, func(n string) bool { return strings.EqualFold(n, name) }) {
			c.trailerNames = append(c.trailerNames, strings.Clone(name))
		}
		c.fc.Response.Header.Set(name, value)
		return nil
	}
	c.w.Header().Set(http.TrailerPrefix+name, value)
	return nil
}

// validTrailer reports whether name is a header name that may be sent as a trailer.
func validTrailer(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return false
		}
	}
	switch strings.ToLower(name) {
	case "authorization", "cache-control", "connection", "content-encoding", "content-length",
		"content-range", "content-type", "cookie", "expect", "host", "keep-alive",
		"location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization",
		"proxy-connection", "range", "set-cookie", "te", "trailer", "transfer-encoding",
		"upgrade", "www-authenticate":
		return false
	}
	return true
}

// isTokenByte reports whether b may appear in an RFC 9110 token (a header name).
func isTokenByte(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// SetCookie adds a Set-Cookie header for ck.
func (c *Ctx) SetCookie(ck *http.Cookie) {
	c.AddHeader("Set-Cookie", ck.String())
}

// Committed reports whether the response status and headers have been sent, after which
// the status and headers can no longer change (an error handler then only logs).
func (c *Ctx) Committed() bool {
	if c.engine == FastHTTP {
		return c.streaming
	}
	return c.committed
}

const (
	mimeText    = "text/plain; charset=utf-8"
	mimeJSON    = "application/json"
	mimeProblem = "application/problem+json"
)

// Text writes s as a text/plain response with the current status.
func (c *Ctx) Text(s string) error {
	return c.send(mimeText, nil, s)
}

// Bytes writes b as the response body with the given content type (none when empty) and
// the current status. b may be reused once Bytes returns.
func (c *Ctx) Bytes(contentType string, b []byte) error {
	return c.send(contentType, b, "")
}

// send writes a complete response; exactly one of b and s is used.
func (c *Ctx) send(contentType string, b []byte, s string) error {
	if c.engine == FastHTTP {
		fc := c.fc
		fc.SetStatusCode(c.ResponseStatus())
		if contentType != "" {
			fc.Response.Header.SetContentType(contentType)
		}
		if b != nil {
			fc.Response.SetBody(b)
		} else {
			fc.Response.SetBodyString(s)
		}
		return nil
	}
	if c.committed {
		return errCommitted
	}
	h := c.w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	n := len(s)
	if b != nil {
		n = len(b)
	}
	// A body this small is buffered whole by net/http (HTTP/1.1 and HTTP/2) and quic-go,
	// which then set Content-Length themselves; setting it here would only cost a header
	// (HTTP/2 copies the header map). HTTP/1.x trailers need a chunked body.
	if n > autoContentLength && (!c.trailers || c.r.ProtoMajor > 1) {
		h.Set("Content-Length", strconv.Itoa(n))
	}
	c.committed = true
	c.w.WriteHeader(c.ResponseStatus())
	var err error
	if b != nil {
		_, err = c.w.Write(b)
	} else {
		_, err = io.WriteString(c.w, s)
	}
	return err
}

// autoContentLength is the largest body that net/http's servers (HTTP/1.1: its buffer
// before chunking; HTTP/2) and quic-go's HTTP/3 server buffer whole when the handler writes
// it in one go, giving it a Content-Length without being told.
const autoContentLength = 2048

// Write appends p to the response body, making Ctx an io.Writer (for templates, encoders,
// fmt.Fprintf). On the NetHTTP engine the first Write sends the status and headers.
func (c *Ctx) Write(p []byte) (int, error) {
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(c.ResponseStatus())
		c.fc.Response.AppendBody(p)
		return len(p), nil
	}
	if !c.committed {
		c.committed = true
		c.w.WriteHeader(c.ResponseStatus())
	}
	return c.w.Write(p)
}

// WriteString appends s to the response body; see Write.
func (c *Ctx) WriteString(s string) (int, error) {
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(c.ResponseStatus())
		c.fc.Response.AppendBodyString(s)
		return len(s), nil
	}
	return c.Write(s2b(s))
}

var errCommitted = &Error{Status: http.StatusInternalServerError, Detail: "", Err: errString("tako: response already sent")}

type errString string

func (e errString) Error() string { return string(e) }

// NoContent answers 204 No Content with no body.
func (c *Ctx) NoContent() error {
	c.status = http.StatusNoContent
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(http.StatusNoContent)
		c.fc.Response.ResetBody()
		return nil
	}
	if c.committed {
		return errCommitted
	}
	c.committed = true
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// Redirect answers with a redirect to location (absolute or relative URL) and status,
// which must be a 3xx code (301, 302, 303, 307 or 308).
func (c *Ctx) Redirect(status int, location string) error {
	if status < 300 || status > 399 {
		return &Error{Status: http.StatusInternalServerError, Err: errString("tako: redirect status " + strconv.Itoa(status) + " is not 3xx")}
	}
	c.SetHeader("Location", location)
	c.status = status
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(status)
		c.fc.Response.ResetBody()
		return nil
	}
	if c.committed {
		return errCommitted
	}
	c.committed = true
	c.w.WriteHeader(status)
	return nil
}

// resetResponse discards what the handler wrote so far, if it can still be discarded, so
// that an error response replaces it.
func (c *Ctx) resetResponse() {
	c.status = 0
	if c.engine == FastHTTP && !c.streaming {
		c.fc.Response.ResetBody()
		c.fc.Response.Header.Del("Content-Encoding")
	}
}
