package ws

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey returns the Sec-WebSocket-Accept value for a Sec-WebSocket-Key.
func AcceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key))
	h.Write([]byte(acceptGUID))
	var sum [sha1.Size]byte
	return base64.StdEncoding.EncodeToString(h.Sum(sum[:0]))
}

// HandshakeError is a rejected opening handshake. Status is the HTTP status
// the server answers with.
type HandshakeError struct {
	Status int
	Msg    string
}

// Error implements error.
func (e *HandshakeError) Error() string { return "ws: handshake: " + e.Msg }

func hsErr(status int, format string, args ...any) error {
	return &HandshakeError{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Request is the part of an opening handshake request the server checks,
// independent of the HTTP engine that parsed it. Multi-line headers are
// joined with commas.
//
// Two handshakes are understood: RFC 6455's HTTP/1.1 GET with Upgrade,
// Connection and Sec-WebSocket-Key, and RFC 8441's HTTP/2 extended CONNECT
// (Method "CONNECT" with ConnectProtocol "websocket", no key, no Upgrade or
// Connection headers, answered with 200 instead of 101).
type Request struct {
	Method     string
	URI        string
	Host       string
	Upgrade    string
	Connection string
	Version    string
	Key        string
	Origin     string
	Protocol   string // Sec-WebSocket-Protocol
	Extensions string // Sec-WebSocket-Extensions
	// ConnectProtocol is the :protocol pseudo-header of an HTTP/2 extended
	// CONNECT request (RFC 8441), "" for any other request.
	ConnectProtocol string
}

// ExtendedConnect reports whether r is an RFC 8441 extended CONNECT
// request (WebSocket over HTTP/2) rather than an RFC 6455 GET.
func (r *Request) ExtendedConnect() bool {
	return r.Method == "CONNECT" && r.ConnectProtocol != ""
}

// hasToken reports whether the comma-separated list v contains token
// (case-insensitive, optional whitespace).
func hasToken(v, token string) bool {
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ",")
		if strings.EqualFold(strings.TrimSpace(item), token) {
			return true
		}
	}
	return false
}

// validKey reports whether k is base64 of 16 bytes.
func validKey(k string) bool {
	if len(k) != 24 || k[22] != '=' || k[23] != '=' {
		return false
	}
	var dst [18]byte
	n, err := base64.StdEncoding.Decode(dst[:], []byte(k))
	return err == nil && n == 16
}

// Check validates the handshake request: RFC 6455 section 4.2.1 for a GET,
// RFC 8441 section 5 for an extended CONNECT.
func (r *Request) Check() error {
	if r.ExtendedConnect() {
		if !strings.EqualFold(r.ConnectProtocol, "websocket") {
			return hsErr(400, ":protocol %q is not websocket", r.ConnectProtocol)
		}
		if strings.TrimSpace(r.Version) != "13" {
			return hsErr(426, "unsupported Sec-WebSocket-Version %q (want 13)", r.Version)
		}
		return nil
	}
	if r.Method != "GET" {
		return hsErr(405, "method %q is not GET", r.Method)
	}
	if !hasToken(r.Upgrade, "websocket") {
		return hsErr(400, "Upgrade header %q lacks the websocket token", r.Upgrade)
	}
	if !hasToken(r.Connection, "upgrade") {
		return hsErr(400, "Connection header %q lacks the upgrade token", r.Connection)
	}
	if strings.TrimSpace(r.Version) != "13" {
		return hsErr(426, "unsupported Sec-WebSocket-Version %q (want 13)", r.Version)
	}
	if !validKey(strings.TrimSpace(r.Key)) {
		return hsErr(400, "Sec-WebSocket-Key %q is not base64 of 16 bytes", r.Key)
	}
	return nil
}

// SameOrigin reports whether the Origin header names the same host as the
// Host header (or there is no Origin header: non-browser clients send none).
func SameOrigin(origin, host string) bool {
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, host)
}

// ErrRequestTooLarge is returned when a raw handshake request exceeds the
// header size limit.
var ErrRequestTooLarge = errors.New("ws: handshake: request header too large")

// ParseRequest parses a raw HTTP/1.1 handshake request (request line and
// headers up to and including the blank line) from b and returns the fields
// it needs and the number of bytes used. n == 0 with a nil error means b
// does not hold a whole header yet. The returned strings are copies.
func ParseRequest(b []byte) (r Request, n int, err error) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		return r, 0, nil
	}
	head := b[:end+2]
	n = end + 4
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	m, line, ok1 := bytes.Cut(line, []byte(" "))
	uri, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 || len(m) == 0 || len(uri) == 0 {
		return r, 0, hsErr(400, "malformed request line at offset 0")
	}
	if string(proto) != "HTTP/1.1" {
		return r, 0, hsErr(400, "protocol %q is not HTTP/1.1", proto)
	}
	for _, c := range m {
		if c <= ' ' || c >= 0x7f {
			return r, 0, hsErr(400, "malformed method at offset 0")
		}
	}
	for i, c := range uri {
		if c <= ' ' || c == 0x7f {
			return r, 0, hsErr(400, "invalid byte 0x%02x in request target at offset %d", c, len(m)+1+i)
		}
	}
	r.Method = string(m)
	r.URI = string(uri)
	off := len(head) - len(rest)
	join := func(dst *string, v []byte) {
		if *dst == "" {
			*dst = string(v)
		} else {
			*dst += "," + string(v)
		}
	}
	for len(rest) > 0 {
		var hl []byte
		hl, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, val, ok := bytes.Cut(hl, []byte(":"))
		if !ok || len(name) == 0 {
			return r, 0, hsErr(400, "malformed header line at offset %d", off)
		}
		for i, c := range name {
			if !isTokenChar(c) {
				return r, 0, hsErr(400, "invalid byte 0x%02x in header name at offset %d", c, off+i)
			}
		}
		for i, c := range val {
			if (c < ' ' && c != '\t') || c == 0x7f {
				return r, 0, hsErr(400, "invalid byte 0x%02x in header value at offset %d", c, off+len(name)+1+i)
			}
		}
		off += len(hl) + 2
		val = bytes.Trim(val, " \t")
		switch {
		case equalFold(name, "Host"):
			if r.Host != "" {
				return r, 0, hsErr(400, "duplicate Host header")
			}
			r.Host = string(val)
		case equalFold(name, "Upgrade"):
			join(&r.Upgrade, val)
		case equalFold(name, "Connection"):
			join(&r.Connection, val)
		case equalFold(name, "Sec-WebSocket-Version"):
			join(&r.Version, val)
		case equalFold(name, "Sec-WebSocket-Key"):
			join(&r.Key, val)
		case equalFold(name, "Origin"):
			join(&r.Origin, val)
		case equalFold(name, "Sec-WebSocket-Protocol"):
			join(&r.Protocol, val)
		case equalFold(name, "Sec-WebSocket-Extensions"):
			join(&r.Extensions, val)
		}
	}
	if r.Host == "" {
		return r, 0, hsErr(400, "missing Host header")
	}
	return r, n, nil
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if x|0x20 != y|0x20 || (x|0x20) < 'a' && x != y {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
