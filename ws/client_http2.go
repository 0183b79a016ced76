package ws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DialHTTP2 opens a WebSocket connection as an RFC 8441 extended CONNECT
// stream through rt, an HTTP/2 round tripper that passes the :protocol
// pseudo-header on: golang.org/x/net/http2's Transport does (for ws:// set
// its AllowHTTP and a plain-TCP DialTLSContext, for h2c with prior
// knowledge). net/http's Transport does not in Go 1.26 (it fails with
// "invalid header field name \":protocol\""). Go's HTTP/2 client waits for
// the server's SETTINGS_ENABLE_CONNECT_PROTOCOL and fails with "extended
// connect not supported by peer" without it.
//
// ctx bounds the handshake only. The connection is one stream of the
// transport's shared HTTP/2 connection; closing it ends the stream, not
// the TCP connection. The returned Conn's read and write deadlines are not
// supported (they return an error); bound reads from another goroutine by
// closing the Conn.
func (d *Dialer) DialHTTP2(ctx context.Context, rt http.RoundTripper, rawURL string) (*Conn, *http.Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("ws: dial: %w", err)
	}
	target := *u
	switch u.Scheme {
	case "ws":
		target.Scheme = "http"
	case "wss":
		target.Scheme = "https"
	default:
		return nil, nil, fmt.Errorf("ws: dial: scheme %q is not ws or wss", u.Scheme)
	}
	// The request's context lives as long as the stream; ctx only bounds
	// the wait for the response.
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, cancel)
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(sctx, http.MethodConnect, target.String(), pr)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("ws: dial: %w", err)
	}
	req.Header[":protocol"] = []string{"websocket"}
	req.Header.Set("Sec-WebSocket-Version", "13")
	if len(d.Subprotocols) > 0 {
		req.Header.Set("Sec-WebSocket-Protocol", strings.Join(d.Subprotocols, ", "))
	}
	if ext := d.offer(); ext != "" {
		req.Header.Set("Sec-WebSocket-Extensions", ext)
	}
	for k, vs := range d.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := rt.RoundTrip(req)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	fail := func(err error) (*Conn, *http.Response, error) {
		pw.Close()
		cancel()
		return nil, resp, err
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if strings.Contains(err.Error(), `":protocol"`) {
			return fail(fmt.Errorf("ws: dial: %w (this round tripper cannot send the :protocol pseudo-header; use golang.org/x/net/http2's Transport)", err))
		}
		return fail(fmt.Errorf("ws: dial: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return fail(hsErr(resp.StatusCode, "server answered %s", resp.Status))
	}
	proto, params, err := d.checkResponse(resp)
	if err != nil {
		resp.Body.Close()
		return fail(err)
	}
	cs := &clientStream{w: pw, body: resp.Body, cancel: cancel, laddr: streamAddr(""), raddr: streamAddr(u.Host)}
	c := NewConn(cs, false, nil, &d.Options)
	c.subproto = proto
	if params != nil {
		c.deflate = newDeflateState(*params, false, d.Compression)
	}
	return c, resp, nil
}

// errStreamDeadline is returned by the deadline methods of a client
// stream: Go's HTTP/2 client has no per-stream deadlines.
var errStreamDeadline = errors.New("ws: deadlines are not supported on an HTTP/2 client stream")

// clientStream is the net.Conn a client Conn runs on over HTTP/2: writes
// go into the request body pipe, reads come from the response body.
type clientStream struct {
	w      *io.PipeWriter
	body   io.ReadCloser
	cancel context.CancelFunc
	once   sync.Once

	laddr, raddr net.Addr
}

func (s *clientStream) Read(p []byte) (int, error)  { return s.body.Read(p) }
func (s *clientStream) Write(p []byte) (int, error) { return s.w.Write(p) }

// Close half-closes the request (END_STREAM) and cancels the stream.
func (s *clientStream) Close() error {
	s.once.Do(func() {
		s.w.Close()
		s.body.Close()
		s.cancel()
	})
	return nil
}

func (s *clientStream) LocalAddr() net.Addr                { return s.laddr }
func (s *clientStream) RemoteAddr() net.Addr               { return s.raddr }
func (s *clientStream) SetDeadline(t time.Time) error      { return errStreamDeadline }
func (s *clientStream) SetReadDeadline(t time.Time) error  { return errStreamDeadline }
func (s *clientStream) SetWriteDeadline(t time.Time) error { return errStreamDeadline }
