package ws

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// Upgrader accepts WebSocket handshakes on the server. The zero value
// works: no subprotocols, same-origin check, no compression, default
// buffer sizes and limits.
type Upgrader struct {
	// Subprotocols the server supports, in order of preference. The first
	// one the client also offers is selected.
	Subprotocols []string
	// CheckOrigin decides whether a request's Origin is allowed. nil means
	// [SameOrigin]: the Origin's host must equal the Host header (a request
	// with no Origin header, from a non-browser client, is allowed).
	CheckOrigin func(r *Request) bool
	// Compression enables permessage-deflate (RFC 7692) when the client
	// offers it. nil disables it.
	Compression *CompressionOptions
	// Options for the connections this Upgrader creates.
	Options Options
	// HandshakeTimeout bounds reading a raw handshake (UpgradeConn);
	// 0 means 10 seconds.
	HandshakeTimeout time.Duration
	// MaxHeaderBytes bounds a raw handshake request (UpgradeConn); 0 means
	// 8 KiB.
	MaxHeaderBytes int
}

// response is what a successful negotiation sends back.
type response struct {
	accept   string
	proto    string
	ext      string
	deflate  *deflateParams
	reqProto string
}

func (u *Upgrader) negotiate(r *Request) (response, error) {
	var resp response
	if err := r.Check(); err != nil {
		return resp, err
	}
	ok := false
	if u.CheckOrigin != nil {
		ok = u.CheckOrigin(r)
	} else {
		ok = SameOrigin(r.Origin, r.Host)
	}
	if !ok {
		return resp, hsErr(403, "origin %q not allowed for host %q", r.Origin, r.Host)
	}
	if !r.ExtendedConnect() {
		resp.accept = AcceptKey(strings.TrimSpace(r.Key))
	}
	if r.Protocol != "" {
	pick:
		for _, s := range u.Subprotocols {
			for p := range strings.SplitSeq(r.Protocol, ",") {
				if strings.TrimSpace(p) == s {
					resp.proto = s
					break pick
				}
			}
		}
	}
	if u.Compression != nil && r.Extensions != "" {
		if p, ok := u.Compression.accept(r.Extensions); ok {
			resp.deflate = &p
			resp.ext = p.String()
		}
	}
	return resp, nil
}

func appendResponse(b []byte, resp *response) []byte {
	b = append(b, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	b = append(b, resp.accept...)
	b = append(b, "\r\n"...)
	if resp.proto != "" {
		b = append(b, "Sec-WebSocket-Protocol: "...)
		b = append(b, resp.proto...)
		b = append(b, "\r\n"...)
	}
	if resp.ext != "" {
		b = append(b, "Sec-WebSocket-Extensions: "...)
		b = append(b, resp.ext...)
		b = append(b, "\r\n"...)
	}
	return append(b, "\r\n"...)
}

func (u *Upgrader) newConn(nc net.Conn, buffered []byte, resp *response) *Conn {
	c := NewConn(nc, true, buffered, &u.Options)
	c.subproto = resp.proto
	if resp.deflate != nil {
		c.deflate = newDeflateState(*resp.deflate, true, u.Compression)
	}
	return c
}

// RequestFromHTTP extracts the handshake fields from a net/http request.
// For an HTTP/2 request it also takes the :protocol pseudo-header, which
// net/http passes in r.Header under the key ":protocol".
func RequestFromHTTP(r *http.Request) Request {
	h := r.Header
	get := func(k string) string {
		v := h[k]
		switch len(v) {
		case 0:
			return ""
		case 1:
			return v[0]
		}
		return strings.Join(v, ",")
	}
	var cp string
	if r.ProtoMajor >= 2 {
		cp = get(":protocol")
	}
	return Request{
		ConnectProtocol: cp,
		Method:          r.Method,
		URI:             r.RequestURI,
		Host:            r.Host,
		Upgrade:         get("Upgrade"),
		Connection:      get("Connection"),
		Version:         get("Sec-Websocket-Version"),
		Key:             get("Sec-Websocket-Key"),
		Origin:          get("Origin"),
		Protocol:        get("Sec-Websocket-Protocol"),
		Extensions:      get("Sec-Websocket-Extensions"),
	}
}

func httpError(w http.ResponseWriter, err error) {
	var he *HandshakeError
	status := http.StatusBadRequest
	if errors.As(err, &he) {
		status = he.Status
	}
	if status == http.StatusUpgradeRequired {
		w.Header().Set("Sec-WebSocket-Version", "13")
	}
	http.Error(w, err.Error(), status)
}

// Upgrade upgrades a net/http request to a WebSocket connection. Headers
// the handler set on w before the call (Set-Cookie, ...) are sent with the
// 101 response. On a bad
// handshake it answers with the matching status (400, 403, 405 or 426) and
// returns a *HandshakeError. It hijacks the connection through
// http.ResponseController, so it works through wrapping ResponseWriters
// that implement Unwrap.
//
// An HTTP/2 request is upgraded as RFC 8441 asks: an extended CONNECT with
// :protocol websocket is answered with 200 and the connection runs on the
// request's stream (see "WebSocket over HTTP/2" in the package
// documentation). The stream ends when the handler returns, so the handler
// must use the Conn itself and return after closing it.
func (u *Upgrader) Upgrade(w http.ResponseWriter, r *http.Request) (*Conn, error) {
	req := RequestFromHTTP(r)
	if r.ProtoMajor == 2 {
		return u.upgradeStream(w, r, &req)
	}
	if r.ProtoMajor != 1 || r.ProtoMinor < 1 {
		err := hsErr(400, "protocol %s is not HTTP/1.1", r.Proto)
		httpError(w, err)
		return nil, err
	}
	resp, err := u.negotiate(&req)
	if err != nil {
		httpError(w, err)
		return nil, err
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		httpError(w, hsErr(500, "cannot hijack: %v", err))
		return nil, err
	}
	var buffered []byte
	if n := brw.Reader.Buffered(); n > 0 {
		buffered, _ = brw.Reader.Peek(n)
	}
	nc.SetDeadline(time.Time{})
	var hb [256]byte
	b := appendResponse(hb[:0], &resp)
	if extra := w.Header(); len(extra) > 0 {
		b = appendExtraHeaders(b[:len(b)-2], extra)
		b = append(b, "\r\n"...)
	}
	if _, err := nc.Write(b); err != nil {
		nc.Close()
		return nil, err
	}
	return u.newConn(nc, buffered, &resp), nil
}

// appendExtraHeaders appends the headers a handler set on the
// ResponseWriter before Upgrade (cookies, for example) to the 101
// response. Headers the handshake owns are skipped, and so are values with
// line breaks, which would split the response.
func appendExtraHeaders(b []byte, h http.Header) []byte {
	for k, vs := range h {
		switch http.CanonicalHeaderKey(k) {
		case "Upgrade", "Connection", "Sec-Websocket-Accept", "Sec-Websocket-Protocol", "Sec-Websocket-Extensions", "Content-Length", "Transfer-Encoding":
			continue
		}
		for _, v := range vs {
			if strings.ContainsAny(k, "\r\n: ") || strings.ContainsAny(v, "\r\n") {
				continue
			}
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
	}
	return b
}

// RequestFromFastHTTP extracts the handshake fields from a fasthttp request.
func RequestFromFastHTTP(ctx *fasthttp.RequestCtx) Request {
	h := &ctx.Request.Header
	return Request{
		Method:     string(h.Method()),
		URI:        string(h.RequestURI()),
		Host:       string(h.Host()),
		Upgrade:    string(h.Peek("Upgrade")),
		Connection: string(h.Peek("Connection")),
		Version:    string(h.Peek("Sec-WebSocket-Version")),
		Key:        string(h.Peek("Sec-WebSocket-Key")),
		Origin:     string(h.Peek("Origin")),
		Protocol:   string(h.Peek("Sec-WebSocket-Protocol")),
		Extensions: string(h.Peek("Sec-WebSocket-Extensions")),
	}
}

// UpgradeFastHTTP upgrades a fasthttp request. fasthttp sends the 101
// response after the request handler returns and then calls handler with
// the connection on its own goroutine; the connection is closed when
// handler returns. On a bad handshake it sets the error response and
// returns a *HandshakeError.
func (u *Upgrader) UpgradeFastHTTP(ctx *fasthttp.RequestCtx, handler func(*Conn)) error {
	req := RequestFromFastHTTP(ctx)
	resp, err := u.negotiate(&req)
	if err != nil {
		var he *HandshakeError
		status := 400
		if errors.As(err, &he) {
			status = he.Status
		}
		if status == 426 {
			ctx.Response.Header.Set("Sec-WebSocket-Version", "13")
		}
		ctx.Error(err.Error(), status)
		return err
	}
	ctx.SetStatusCode(fasthttp.StatusSwitchingProtocols)
	ctx.Response.Header.Set("Upgrade", "websocket")
	ctx.Response.Header.Set("Connection", "Upgrade")
	ctx.Response.Header.Set("Sec-WebSocket-Accept", resp.accept)
	if resp.proto != "" {
		ctx.Response.Header.Set("Sec-WebSocket-Protocol", resp.proto)
	}
	if resp.ext != "" {
		ctx.Response.Header.Set("Sec-WebSocket-Extensions", resp.ext)
	}
	ctx.Hijack(func(nc net.Conn) {
		c := u.newConn(nc, nil, &resp)
		defer c.closeTransport()
		handler(c)
	})
	return nil
}

// UpgradeConn reads a raw HTTP/1.1 handshake request from nc (a plain TCP
// or TLS connection that no HTTP server has touched), answers it and returns
// the connection and the parsed request. On a bad handshake it writes an
// HTTP error response and returns a *HandshakeError; nc stays open.
func (u *Upgrader) UpgradeConn(nc net.Conn) (*Conn, *Request, error) {
	limit := u.MaxHeaderBytes
	if limit <= 0 {
		limit = 8 << 10
	}
	timeout := u.HandshakeTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	nc.SetReadDeadline(time.Now().Add(timeout))
	defer nc.SetReadDeadline(time.Time{})
	buf := bufPool.Get(limit)
	defer bufPool.Put(buf)
	buf = buf[:limit]
	end := 0
	for {
		req, n, err := ParseRequest(buf[:end])
		if err == nil && n == 0 && end == limit {
			err = hsErr(431, "%v (limit %d bytes)", ErrRequestTooLarge, limit)
		}
		if err == nil && n > 0 {
			var resp response
			resp, err = u.negotiate(&req)
			if err == nil {
				var hb [256]byte
				if _, err := nc.Write(appendResponse(hb[:0], &resp)); err != nil {
					return nil, nil, err
				}
				return u.newConn(nc, buf[n:end], &resp), &req, nil
			}
		}
		if err != nil {
			writeRawError(nc, err)
			return nil, nil, err
		}
		k, rerr := nc.Read(buf[end:])
		end += k
		if k == 0 && rerr != nil {
			return nil, nil, rerr
		}
	}
}

func writeRawError(nc net.Conn, err error) {
	status := 400
	var he *HandshakeError
	if errors.As(err, &he) {
		status = he.Status
	}
	var b []byte
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, http.StatusText(status)...)
	b = append(b, "\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"...)
	if status == 426 {
		b = append(b, "Sec-WebSocket-Version: 13\r\n"...)
	}
	msg := err.Error()
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(msg)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, msg...)
	nc.Write(b)
}
