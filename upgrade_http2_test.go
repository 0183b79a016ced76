package tako_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/middleware/compress"
	"github.com/tako-go/tako/ws"
	_ "github.com/tako-go/tako/ws/xconnect" // extended CONNECT on in net/http's HTTP/2 server
)

// serveH2 serves app (NetHTTP engine) over HTTP/2: "tls" through an httptest TLS server with
// the App as handler (ALPN h2), "h2c" through app.Serve (NewHTTPServer enables unencrypted
// HTTP/2 with prior knowledge). It returns the ws/wss base URL and an HTTP/2 transport.
// The caller shuts app down.
func serveH2(t *testing.T, mode string, app *tako.App) (string, *http2.Transport) {
	t.Helper()
	tr := &http2.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	if mode == "tls" {
		srv := httptest.NewUnstartedServer(app.Handler())
		srv.EnableHTTP2 = true
		srv.StartTLS()
		t.Cleanup(srv.Close)
		tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
		return "wss://" + srv.Listener.Addr().String(), tr
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(ln)
	tr.AllowHTTP = true
	tr.DialTLSContext = func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return "ws://" + ln.Addr().String(), tr
}

// h2EchoApp is echoApp's handler on GET and CONNECT (RFC 8441 requests are CONNECTs).
// cfg, if given, overrides the Config (its Engine is always NetHTTP).
func h2EchoApp(cfg ...tako.Config) *tako.App {
	var c tako.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	c.Engine = tako.NetHTTP
	app := tako.New(c)
	up := &ws.Upgrader{Compression: &ws.CompressionOptions{}}
	h := func(c *tako.Ctx) error {
		c.SetHeader("X-Echo", "yes")
		return c.Upgrade(up, func(conn *ws.Conn) {
			var buf []byte
			for {
				op, msg, err := conn.AppendMessage(buf[:0])
				if err != nil {
					return
				}
				buf = msg
				if err := conn.WriteMessage(op, msg); err != nil {
					return
				}
			}
		})
	}
	app.Get("/echo", h) // serves the extended CONNECT too (dispatch falls back to GET)
	return app
}

func dialH2(t *testing.T, d *ws.Dialer, tr http.RoundTripper, url string) (*ws.Conn, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := d.DialHTTP2(ctx, tr, url)
	if err != nil {
		t.Fatalf("DialHTTP2 %s: %v", url, err)
	}
	return conn, resp
}

func shutdownApp(t *testing.T, app *tako.App) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

func TestUpgradeHTTP2(t *testing.T) {
	for _, mode := range []string{"tls", "h2c"} {
		t.Run(mode, func(t *testing.T) {
			app := h2EchoApp()
			defer shutdownApp(t, app)
			base, tr := serveH2(t, mode, app)
			conn, resp := dialH2(t, &ws.Dialer{Compression: &ws.CompressionOptions{}}, tr, base+"/echo")
			defer conn.Close()
			if resp.ProtoMajor != 2 || resp.StatusCode != 200 || resp.Header.Get("X-Echo") != "yes" {
				t.Errorf("handshake response: %s %d, X-Echo %q", resp.Proto, resp.StatusCode, resp.Header.Get("X-Echo"))
			}
			if ext := resp.Header.Get("Sec-WebSocket-Extensions"); !strings.HasPrefix(ext, "permessage-deflate") {
				t.Errorf("Sec-WebSocket-Extensions %q, want permessage-deflate", ext)
			}
			roundTrip(t, conn, ws.Text, []byte("hello, tako over HTTP/2"))
			big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
			big[12345] = 'Z'
			roundTrip(t, conn, ws.Binary, big)
			// Plain HTTP/1.1 upgrades still work on the same route (h2c port: same listener).
			if mode == "h2c" {
				c1, _, err := (&ws.Dialer{}).Dial(context.Background(), base+"/echo")
				if err != nil {
					t.Fatalf("HTTP/1.1 dial on the h2c port: %v", err)
				}
				roundTrip(t, c1, ws.Text, []byte("http/1.1"))
				c1.Close()
			}
			if err := conn.WriteClose(ws.CloseNormal, "done"); err != nil {
				t.Fatal(err)
			}
			var ce *ws.CloseError
			if _, _, err := conn.ReadMessage(); !errors.As(err, &ce) || ce.Code != ws.CloseNormal {
				t.Errorf("read after close: %v, want the echoed 1000", err)
			}
		})
	}
}

// TestUpgradeHTTP2Shutdown: App.Shutdown closes WebSockets on HTTP/2 streams with 1001
// and waits for their handlers, as on HTTP/1.1.
func TestUpgradeHTTP2Shutdown(t *testing.T) {
	for _, mode := range []string{"tls", "h2c"} {
		t.Run(mode, func(t *testing.T) {
			app := h2EchoApp()
			base, tr := serveH2(t, mode, app)
			conn, _ := dialH2(t, &ws.Dialer{}, tr, base+"/echo")
			defer conn.Close()
			roundTrip(t, conn, ws.Text, []byte("before shutdown"))
			shut := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				shut <- app.Shutdown(ctx)
			}()
			_, _, err := conn.ReadMessage()
			var ce *ws.CloseError
			if !errors.As(err, &ce) || ce.Code != ws.CloseGoingAway {
				t.Errorf("read during shutdown: %v, want a *ws.CloseError with code 1001", err)
			}
			if err := <-shut; err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		})
	}
}

func TestUpgradeHTTP2Rejects(t *testing.T) {
	app := h2EchoApp()
	defer shutdownApp(t, app)
	base, tr := serveH2(t, "tls", app)
	url := "https" + strings.TrimPrefix(base, "wss") + "/echo"
	cases := []struct {
		name, method string
		header       map[string]string
		status       int
		want         string
	}{
		{"get", "GET", map[string]string{"Sec-WebSocket-Version": "13"}, 400, "extended CONNECT"},
		{"version", "CONNECT", map[string]string{":protocol": "websocket", "Sec-WebSocket-Version": "8"}, 426, "Sec-WebSocket-Version"},
		{"origin", "CONNECT", map[string]string{":protocol": "websocket", "Sec-WebSocket-Version": "13", "Origin": "https://evil.example"}, 403, "origin"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			req, _ := http.NewRequest(tc.method, url, pr)
			for k, v := range tc.header {
				req.Header[k] = []string{v}
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Errorf("%d %q, want %d mentioning %q", resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
	// After the refusals the connection still serves a real handshake.
	conn, _ := dialH2(t, &ws.Dialer{}, tr, base+"/echo")
	roundTrip(t, conn, ws.Text, []byte("still here"))
	conn.Close()
}

// TestUpgradeHTTP2OutlivesServerTimeouts: net/http applies ReadTimeout and WriteTimeout to
// every HTTP/2 stream (a timer that resets the stream); an upgraded stream must not be cut.
func TestUpgradeHTTP2OutlivesServerTimeouts(t *testing.T) {
	app := h2EchoApp(tako.Config{ReadTimeout: 100 * time.Millisecond, ReadHeaderTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond, IdleTimeout: 100 * time.Millisecond})
	defer shutdownApp(t, app)
	base, tr := serveH2(t, "h2c", app) // app.Serve: the App's own server and timeouts
	conn, _ := dialH2(t, &ws.Dialer{}, tr, base+"/echo")
	defer conn.Close()
	roundTrip(t, conn, ws.Text, []byte("before"))
	time.Sleep(300 * time.Millisecond) // idle past every server timeout
	roundTrip(t, conn, ws.Text, []byte("after the server's timeouts"))
}

// TestUpgradeHTTP2BehindCompress: on HTTP/2 the WebSocket is written through c's
// ResponseWriter (there is no hijack to bypass wrappers), so a compression middleware in
// front of the route must pass the stream through untouched even when the client sends
// Accept-Encoding (browsers do), for small and compressible messages alike.
func TestUpgradeHTTP2BehindCompress(t *testing.T) {
	app := h2EchoApp()
	app.Use(compress.New(compress.Config{}))
	app.Use(func(next tako.Handler) tako.Handler {
		return func(c *tako.Ctx) error {
			c.SetHeader("Content-Type", "text/plain") // as a careless middleware might
			return next(c)
		}
	})
	defer shutdownApp(t, app)
	base, tr := serveH2(t, "h2c", app)
	d := &ws.Dialer{Header: http.Header{"Accept-Encoding": {"gzip, deflate, br, zstd"}}}
	conn, resp := dialH2(t, d, tr, base+"/echo")
	defer conn.Close()
	if ce := resp.Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("handshake response has Content-Encoding %q", ce)
	}
	roundTrip(t, conn, ws.Text, []byte("hello"))
	roundTrip(t, conn, ws.Text, bytes.Repeat([]byte("compressible "), 1000))
}
