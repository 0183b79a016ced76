// Package wsbench compares tako's ws package with gorilla/websocket,
// gobwas/ws, coder/websocket and fasthttp/websocket (echo benchmarks), and
// checks interop between tako and real Go clients and servers.
package wsbench

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	coder "github.com/coder/websocket"
	fws "github.com/fasthttp/websocket"
	gobwas "github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	gorilla "github.com/gorilla/websocket"
	"github.com/tako-go/tako/ws"
	"github.com/valyala/fasthttp"
)

// Each echo server reads a whole message into a reused buffer and writes it
// back: the fastest idiomatic loop each library offers, so no library pays
// for a convenience API the others skip.

func takoHandler(u *ws.Upgrader) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		defer c.Close()
		var buf []byte
		for {
			op, msg, err := c.AppendMessage(buf[:0])
			if err != nil {
				return
			}
			buf = msg
			if err := c.WriteMessage(op, msg); err != nil {
				return
			}
		}
	}
}

func gorillaHandler(compress bool) http.HandlerFunc {
	u := gorilla.Upgrader{EnableCompression: compress, CheckOrigin: func(*http.Request) bool { return true }}
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		var buf bytes.Buffer
		for {
			op, rd, err := c.NextReader()
			if err != nil {
				return
			}
			buf.Reset()
			if _, err := buf.ReadFrom(rd); err != nil {
				return
			}
			if err := c.WriteMessage(op, buf.Bytes()); err != nil {
				return
			}
		}
	}
}

func gobwasHandler() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		nc, _, _, err := gobwas.UpgradeHTTP(r, w)
		if err != nil {
			return
		}
		defer nc.Close()
		rd := wsutil.NewReader(nc, gobwas.StateServerSide)
		rd.OnIntermediate = wsutil.ControlFrameHandler(nc, gobwas.StateServerSide)
		rd.CheckUTF8 = true
		var buf bytes.Buffer
		for {
			h, err := rd.NextFrame()
			if err != nil {
				return
			}
			if h.OpCode.IsControl() {
				if err := rd.OnIntermediate(h, rd); err != nil {
					return
				}
				continue
			}
			buf.Reset()
			if _, err := buf.ReadFrom(rd); err != nil {
				return
			}
			if err := wsutil.WriteServerMessage(nc, h.OpCode, buf.Bytes()); err != nil {
				return
			}
		}
	}
}

func coderHandler(compress bool) http.HandlerFunc {
	mode := coder.CompressionDisabled
	if compress {
		mode = coder.CompressionContextTakeover
	}
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := coder.Accept(w, r, &coder.AcceptOptions{CompressionMode: mode, CompressionThreshold: 128})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(64 << 20)
		ctx := r.Context()
		var buf bytes.Buffer
		for {
			typ, rd, err := c.Reader(ctx)
			if err != nil {
				return
			}
			buf.Reset()
			if _, err := buf.ReadFrom(rd); err != nil {
				return
			}
			if err := c.Write(ctx, typ, buf.Bytes()); err != nil {
				return
			}
		}
	}
}

func fasthttpWSHandler() fasthttp.RequestHandler {
	u := fws.FastHTTPUpgrader{CheckOrigin: func(*fasthttp.RequestCtx) bool { return true }}
	return func(ctx *fasthttp.RequestCtx) {
		u.Upgrade(ctx, func(c *fws.Conn) {
			var buf bytes.Buffer
			for {
				op, rd, err := c.NextReader()
				if err != nil {
					return
				}
				buf.Reset()
				if _, err := buf.ReadFrom(rd); err != nil {
					return
				}
				if err := c.WriteMessage(op, buf.Bytes()); err != nil {
					return
				}
			}
		})
	}
}

func takoFastHTTPHandler() fasthttp.RequestHandler {
	var u ws.Upgrader
	return func(ctx *fasthttp.RequestCtx) {
		u.UpgradeFastHTTP(ctx, func(c *ws.Conn) {
			var buf []byte
			for {
				op, msg, err := c.AppendMessage(buf[:0])
				if err != nil {
					return
				}
				buf = msg
				if err := c.WriteMessage(op, msg); err != nil {
					return
				}
			}
		})
	}
}

// server starts h on loopback and returns its ws:// URL.
func server(tb testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return "ws://" + srv.Listener.Addr().String() + "/"
}

func fastServer(tb testing.TB, h fasthttp.RequestHandler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &fasthttp.Server{Handler: h}
	go s.Serve(ln)
	tb.Cleanup(func() { s.Shutdown() })
	return "ws://" + ln.Addr().String() + "/"
}

type peer struct {
	name  string
	start func(tb testing.TB, compress bool) string // "" when compress is unsupported
}

var peers = []peer{
	{"tako", func(tb testing.TB, c bool) string {
		u := &ws.Upgrader{}
		if c {
			u.Compression = &ws.CompressionOptions{}
		}
		return server(tb, takoHandler(u))
	}},
	{"tako-fasthttp", func(tb testing.TB, c bool) string {
		if c {
			return ""
		}
		return fastServer(tb, takoFastHTTPHandler())
	}},
	{"gorilla", func(tb testing.TB, c bool) string { return server(tb, gorillaHandler(c)) }},
	{"gobwas", func(tb testing.TB, c bool) string {
		if c {
			return ""
		}
		return server(tb, gobwasHandler())
	}},
	{"coder", func(tb testing.TB, c bool) string { return server(tb, coderHandler(c)) }},
	{"fasthttp-ws", func(tb testing.TB, c bool) string {
		if c {
			return ""
		}
		return fastServer(tb, fasthttpWSHandler())
	}},
}
