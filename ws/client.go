package ws

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Dialer opens client connections. The zero value works: no subprotocols,
// no compression, default buffers and limits, net.Dialer defaults.
type Dialer struct {
	// NetDial dials the TCP connection; nil uses a net.Dialer.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
	// TLSConfig is used for wss URLs; nil uses the defaults.
	TLSConfig *tls.Config
	// Subprotocols are offered in Sec-WebSocket-Protocol.
	Subprotocols []string
	// Header adds request headers (Origin, Authorization, ...).
	Header http.Header
	// Compression offers permessage-deflate; nil does not.
	Compression *CompressionOptions
	// Options for the connection.
	Options Options
}

// Dial opens a WebSocket connection to a ws:// or wss:// URL. It returns the
// server's handshake response (its body is empty) with the connection, or
// with the error when the server refused.
func (d *Dialer) Dial(ctx context.Context, rawURL string) (*Conn, *http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("ws: dial: %w", err)
	}
	secure := false
	switch u.Scheme {
	case "ws":
	case "wss":
		secure = true
	default:
		return nil, nil, fmt.Errorf("ws: dial: scheme %q is not ws or wss", u.Scheme)
	}
	host := u.Host
	if u.Port() == "" {
		if secure {
			host = net.JoinHostPort(u.Hostname(), "443")
		} else {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	dial := d.NetDial
	if dial == nil {
		var nd net.Dialer
		dial = nd.DialContext
	}
	nc, err := dial(ctx, "tcp", host)
	if err != nil {
		return nil, nil, fmt.Errorf("ws: dial: %w", err)
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	if secure {
		cfg := d.TLSConfig.Clone()
		if cfg == nil {
			cfg = &tls.Config{}
		}
		if cfg.ServerName == "" {
			cfg.ServerName = u.Hostname()
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, nil, fmt.Errorf("ws: dial: %w", err)
		}
		nc = tc
	}
	c, resp, err := d.handshake(nc, u)
	if err != nil {
		nc.Close()
		return nil, resp, err
	}
	nc.SetDeadline(time.Time{})
	return c, resp, nil
}

// Client runs the client handshake over an established connection nc
// (for custom transports); u is the ws or wss URL requested.
func (d *Dialer) Client(nc net.Conn, u *url.URL) (*Conn, *http.Response, error) {
	return d.handshake(nc, u)
}

func (d *Dialer) handshake(nc net.Conn, u *url.URL) (*Conn, *http.Response, error) {
	var kb [16]byte
	rand.Read(kb[:])
	key := base64.StdEncoding.EncodeToString(kb[:])
	var b strings.Builder
	uri := u.RequestURI()
	b.WriteString("GET " + uri + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + "\r\n")
	if len(d.Subprotocols) > 0 {
		b.WriteString("Sec-WebSocket-Protocol: " + strings.Join(d.Subprotocols, ", ") + "\r\n")
	}
	if ext := d.offer(); ext != "" {
		b.WriteString("Sec-WebSocket-Extensions: " + ext + "\r\n")
	}
	for k, vs := range d.Header {
		for _, v := range vs {
			if strings.ContainsAny(k+v, "\r\n") {
				return nil, nil, fmt.Errorf("ws: dial: header %q has a line break", k)
			}
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("\r\n")
	if _, err := nc.Write([]byte(b.String())); err != nil {
		return nil, nil, fmt.Errorf("ws: dial: %w", err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	resp, err := http.ReadResponse(br, &http.Request{Method: "GET", URL: u})
	if err != nil {
		return nil, nil, fmt.Errorf("ws: dial: reading handshake response: %w", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, resp, hsErr(resp.StatusCode, "server answered %s", resp.Status)
	}
	if !hasToken(resp.Header.Get("Upgrade"), "websocket") || !hasToken(resp.Header.Get("Connection"), "upgrade") {
		return nil, resp, hsErr(resp.StatusCode, "response lacks Upgrade: websocket / Connection: Upgrade")
	}
	if resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(key) {
		return nil, resp, hsErr(resp.StatusCode, "wrong Sec-WebSocket-Accept %q", resp.Header.Get("Sec-WebSocket-Accept"))
	}
	proto, params, err := d.checkResponse(resp)
	if err != nil {
		return nil, resp, err
	}
	var buffered []byte
	if n := br.Buffered(); n > 0 {
		buffered, _ = br.Peek(n)
	}
	c := NewConn(nc, false, buffered, &d.Options)
	c.subproto = proto
	if params != nil {
		c.deflate = newDeflateState(*params, false, d.Compression)
	}
	return c, resp, nil
}

// checkResponse checks the subprotocol and extensions a server chose
// against what d offered.
func (d *Dialer) checkResponse(resp *http.Response) (proto string, params *deflateParams, err error) {
	proto = resp.Header.Get("Sec-WebSocket-Protocol")
	if proto != "" {
		ok := false
		for _, p := range d.Subprotocols {
			ok = ok || p == proto
		}
		if !ok {
			return "", nil, hsErr(resp.StatusCode, "server chose subprotocol %q that was not offered", proto)
		}
	}
	if ext := resp.Header.Get("Sec-WebSocket-Extensions"); ext != "" {
		name, ps, _ := strings.Cut(ext, ";")
		if d.Compression == nil || strings.TrimSpace(name) != "permessage-deflate" || strings.Contains(ext, ",") {
			return "", nil, hsErr(resp.StatusCode, "server chose extensions %q that were not offered", ext)
		}
		p, err := parseDeflateOffer(ps)
		if err != nil {
			return "", nil, hsErr(resp.StatusCode, "%v", err)
		}
		params = &p
	}
	return proto, params, nil
}

// offer returns the Sec-WebSocket-Extensions value d offers, or "".
func (d *Dialer) offer() string {
	if d.Compression == nil {
		return ""
	}
	s := "permessage-deflate; client_max_window_bits"
	if d.Compression.ClientNoContextTakeover {
		s += "; client_no_context_takeover"
	}
	if d.Compression.ServerNoContextTakeover {
		s += "; server_no_context_takeover"
	}
	return s
}
