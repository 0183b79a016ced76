package ws

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"

	"github.com/tako-go/tako/ws/xconnect" // turns on extended CONNECT in net/http for this test binary
)

// h2Mode is one way of carrying HTTP/2: TLS with ALPN h2, or h2c with
// prior knowledge.
type h2Mode struct {
	name   string
	scheme string // ws or wss
}

var h2Modes = []h2Mode{{"tls", "wss"}, {"h2c", "ws"}}

// startH2 serves h over HTTP/2 in mode m and returns the ws/wss base URL
// and golang.org/x/net's HTTP/2 transport to it (net/http's Transport
// refuses the :protocol pseudo-header). A non-zero timeout sets the
// server's WriteTimeout and ReadTimeout.
func startH2(t testing.TB, m h2Mode, h http.Handler, timeout time.Duration) (string, *http2.Transport) {
	t.Helper()
	if !xconnect.Enabled() {
		t.Fatal("xconnect did not turn on http2xconnect=1")
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = timeout
	srv.Config.WriteTimeout = timeout
	tr := &http2.Transport{}
	if m.scheme == "wss" {
		srv.EnableHTTP2 = true
		srv.StartTLS()
		tr.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig
	} else {
		var p http.Protocols
		p.SetHTTP1(true)
		p.SetUnencryptedHTTP2(true)
		srv.Config.Protocols = &p
		srv.Start()
		tr.AllowHTTP = true
		tr.DialTLSContext = func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}
	}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
	})
	return m.scheme + strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https"), "http"), tr
}

// echoHandler upgrades with u and echoes every message until the read
// fails; it reports the Conn's end through done (if not nil).
func echoHandler(u *Upgrader, done chan<- error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			if done != nil {
				done <- err
			}
			return
		}
		defer c.Close()
		var buf []byte
		for {
			var op MessageType
			op, buf, err = c.AppendMessage(buf[:0])
			if err == nil {
				err = c.WriteMessage(op, buf)
			}
			if err != nil {
				if done != nil {
					done <- err
				}
				return
			}
		}
	}
}

func dialH2(t testing.TB, d *Dialer, tr http.RoundTripper, url string) (*Conn, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if d == nil {
		d = &Dialer{}
	}
	c, resp, err := d.DialHTTP2(ctx, tr, url)
	if err != nil {
		t.Fatalf("DialHTTP2: %v (response %v)", err, resp)
	}
	t.Cleanup(func() { c.Close() })
	return c, resp
}

func TestHTTP2Echo(t *testing.T) {
	for _, m := range h2Modes {
		t.Run(m.name, func(t *testing.T) {
			u := &Upgrader{Subprotocols: []string{"chat"}}
			url, tr := startH2(t, m, echoHandler(u, nil), 0)
			c, resp := dialH2(t, &Dialer{Subprotocols: []string{"other", "chat"}}, tr, url+"/echo")
			if resp.ProtoMajor != 2 || resp.StatusCode != 200 {
				t.Fatalf("handshake response %s %s, want HTTP/2.0 200", resp.Proto, resp.Status)
			}
			if resp.Header.Get("Sec-WebSocket-Accept") != "" {
				t.Errorf("Sec-WebSocket-Accept %q sent over HTTP/2 (RFC 8441 has no key)", resp.Header.Get("Sec-WebSocket-Accept"))
			}
			if c.Subprotocol() != "chat" {
				t.Errorf("subprotocol %q, want chat", c.Subprotocol())
			}
			roundTrip(t, c, Text, []byte("hello over HTTP/2"))
			roundTrip(t, c, Binary, []byte{0, 1, 2, 3})
			// Larger than the buffers and than HTTP/2's initial 64 KiB
			// flow-control window, so WINDOW_UPDATEs must flow both ways.
			big := bytes.Repeat([]byte("0123456789abcdef"), 300<<10/16)
			roundTrip(t, c, Binary, big)
			w, err := c.NextWriter(Text)
			if err != nil {
				t.Fatal(err)
			}
			for range 10 {
				io.WriteString(w, strings.Repeat("x", 1000))
			}
			w.Close()
			_, got, err := c.ReadMessage()
			if err != nil || len(got) != 10000 {
				t.Fatalf("streamed message: %d bytes, %v", len(got), err)
			}
			if err := c.Ping([]byte("p")); err != nil {
				t.Fatal(err)
			}
			roundTrip(t, c, Text, []byte("after ping"))
		})
	}
}

func TestHTTP2Compression(t *testing.T) {
	for _, m := range h2Modes {
		t.Run(m.name, func(t *testing.T) {
			u := &Upgrader{Compression: &CompressionOptions{}}
			url, tr := startH2(t, m, echoHandler(u, nil), 0)
			c, resp := dialH2(t, &Dialer{Compression: &CompressionOptions{}}, tr, url)
			if ext := resp.Header.Get("Sec-WebSocket-Extensions"); !strings.HasPrefix(ext, "permessage-deflate") {
				t.Fatalf("Sec-WebSocket-Extensions %q, want permessage-deflate", ext)
			}
			for i := range 5 {
				roundTrip(t, c, Text, bytes.Repeat([]byte{'a' + byte(i)}, 5000))
			}
		})
	}
}

// TestHTTP2Concurrent runs several WebSockets as streams of one HTTP/2
// connection at once.
func TestHTTP2Concurrent(t *testing.T) {
	url, tr := startH2(t, h2Modes[0], echoHandler(&Upgrader{}, nil), 0)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c, _ := dialH2(t, nil, tr, url)
			for j := range 20 {
				msg := []byte(strings.Repeat(string(rune('a'+i)), 100+j))
				if err := c.WriteMessage(Text, msg); err != nil {
					t.Error(err)
					return
				}
				_, got, err := c.ReadMessage()
				if err != nil || !bytes.Equal(got, msg) {
					t.Errorf("stream %d message %d: %q, %v", i, j, got, err)
					return
				}
			}
			c.Close()
		})
	}
	wg.Wait()
}

func TestHTTP2Close(t *testing.T) {
	for _, m := range h2Modes {
		t.Run(m.name, func(t *testing.T) {
			t.Run("client-closes", func(t *testing.T) {
				done := make(chan error, 1)
				url, tr := startH2(t, m, echoHandler(&Upgrader{}, done), 0)
				c, _ := dialH2(t, nil, tr, url)
				roundTrip(t, c, Text, []byte("x"))
				if err := c.WriteClose(CloseNormal, "bye"); err != nil {
					t.Fatal(err)
				}
				var ce *CloseError
				if err := <-done; !errors.As(err, &ce) || ce.Code != CloseNormal || ce.Reason != "bye" {
					t.Fatalf("server read %v, want close 1000 bye", err)
				}
				if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != CloseNormal {
					t.Fatalf("client read %v after its close, want the echoed close 1000", err)
				}
			})
			t.Run("server-closes", func(t *testing.T) {
				url, tr := startH2(t, m, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					c, err := (&Upgrader{}).Upgrade(w, r)
					if err != nil {
						return
					}
					defer c.Close()
					c.WriteMessage(Text, []byte("going"))
					c.WriteClose(CloseGoingAway, "restart")
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					c.ReadMessage() // the client's close frame
				}), 0)
				c, _ := dialH2(t, nil, tr, url)
				_, msg, err := c.ReadMessage()
				if err != nil || string(msg) != "going" {
					t.Fatalf("read %q, %v", msg, err)
				}
				var ce *CloseError
				if _, _, err := c.ReadMessage(); !errors.As(err, &ce) || ce.Code != CloseGoingAway || ce.Reason != "restart" {
					t.Fatalf("read %v, want close 1001 restart", err)
				}
			})
		})
	}
}

// TestHTTP2ServerTimeoutsDoNotApply: the server's ReadTimeout and
// WriteTimeout bound HTTP/2 streams; an upgraded stream clears them, as a
// hijacked HTTP/1.1 connection does.
func TestHTTP2ServerTimeoutsDoNotApply(t *testing.T) {
	url, tr := startH2(t, h2Modes[0], echoHandler(&Upgrader{}, nil), 200*time.Millisecond)
	c, _ := dialH2(t, nil, tr, url)
	roundTrip(t, c, Text, []byte("before"))
	time.Sleep(500 * time.Millisecond)
	roundTrip(t, c, Text, []byte("after the server timeouts"))
}

func TestHTTP2ReadDeadline(t *testing.T) {
	done := make(chan error, 1)
	url, tr := startH2(t, h2Modes[0], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&Upgrader{}).Upgrade(w, r)
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		_, _, err = c.ReadMessage()
		done <- err
	}), 0)
	dialH2(t, nil, tr, url)
	if err := <-done; !errors.Is(err, errDeadlineLike(err)) {
		t.Fatalf("read after the deadline: %v, want a deadline error", err)
	}
}

// errDeadlineLike returns err if it reports an expired deadline, so that
// errors.Is(err, errDeadlineLike(err)) holds exactly then.
func errDeadlineLike(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "deadline") {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return err
	}
	return errors.New("not a deadline error")
}

// TestHTTP2CloseUnblocksWriter: a peer that stops reading blocks the
// server's writes on flow control; Close must still return (it resets the
// stream) so that the handler can return.
func TestHTTP2CloseUnblocksWriter(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the close timeout")
	}
	writing := make(chan *Conn, 1)
	wrote := make(chan error, 1)
	returned := make(chan struct{})
	url, tr := startH2(t, h2Modes[0], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer close(returned)
		c, err := (&Upgrader{}).Upgrade(w, r)
		if err != nil {
			return
		}
		writing <- c
		big := make([]byte, 1<<20)
		for {
			if err := c.WriteMessage(Binary, big); err != nil {
				wrote <- err
				return
			}
		}
	}), 0)
	dialH2(t, nil, tr, url) // never reads
	c := <-writing
	time.Sleep(100 * time.Millisecond) // let the writer fill the windows
	closed := make(chan struct{})
	go func() {
		c.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return with a writer blocked on flow control")
	}
	if err := <-wrote; err == nil {
		t.Fatal("blocked write succeeded")
	}
	<-returned
	if err := c.WriteMessage(Text, []byte("late")); err == nil {
		t.Fatal("write after Close succeeded") // and did not panic in net/http
	}
}

func TestHTTP2HandshakeRejects(t *testing.T) {
	u := &Upgrader{}
	url, tr := startH2(t, h2Modes[0], echoHandler(u, nil), 0)
	httpURL := "https" + strings.TrimPrefix(url, "wss")
	cases := []struct {
		name   string
		method string
		header map[string]string
		status int
	}{
		{"version", "CONNECT", map[string]string{":protocol": "websocket", "Sec-WebSocket-Version": "8"}, 426},
		{"origin", "CONNECT", map[string]string{":protocol": "websocket", "Sec-WebSocket-Version": "13", "Origin": "https://evil.example"}, 403},
		{"protocol", "CONNECT", map[string]string{":protocol": "webtransport", "Sec-WebSocket-Version": "13"}, 400},
		{"plain-get", "GET", map[string]string{"Sec-WebSocket-Version": "13"}, 400},
		{"post", "POST", map[string]string{"Sec-WebSocket-Version": "13"}, 405},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			req, _ := http.NewRequest(tc.method, httpURL, pr)
			for k, v := range tc.header {
				req.Header[k] = []string{v}
			}
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || resp.ProtoMajor != 2 {
				t.Fatalf("%s %d %q, want HTTP/2 %d", resp.Proto, resp.StatusCode, body, tc.status)
			}
			if tc.status == 426 && resp.Header.Get("Sec-WebSocket-Version") != "13" {
				t.Errorf("426 without Sec-WebSocket-Version: 13")
			}
		})
	}
	// The same handler still upgrades HTTP/1.1 requests.
	srv := echoServer(t, u)
	c, _, err := (&Dialer{}).Dial(context.Background(), wsURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, Text, []byte("http/1.1"))
}

func TestCheckExtendedConnect(t *testing.T) {
	ok := Request{Method: "CONNECT", ConnectProtocol: "websocket", Version: "13"}
	if err := ok.Check(); err != nil {
		t.Fatalf("valid extended CONNECT: %v", err)
	}
	if !ok.ExtendedConnect() {
		t.Fatal("ExtendedConnect false")
	}
	// A CONNECT without :protocol is a tunnel request, not a handshake.
	tunnel := Request{Method: "CONNECT", Version: "13"}
	var he *HandshakeError
	if err := tunnel.Check(); !errors.As(err, &he) || he.Status != 405 {
		t.Fatalf("plain CONNECT: %v, want 405", err)
	}
}

// BenchmarkEchoHTTP2 is BenchmarkEchoTCP over an HTTP/2 stream (h2c and TLS, golang.org/x/net
// client): the Conn's own work is the same, the rest is net/http's HTTP/2 (a DATA frame and
// a flush per WebSocket frame, flow control, and the allocations net/http makes per frame).
func BenchmarkEchoHTTP2(b *testing.B) {
	for _, m := range h2Modes {
		for _, n := range echoSizes {
			b.Run(m.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				url, tr := startH2(b, m, echoHandler(&Upgrader{}, nil), 0)
				c, _ := dialH2(b, nil, tr, url)
				msg := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), n/26+1)[:n]
				buf := make([]byte, 0, n)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := c.WriteMessage(Binary, msg); err != nil {
						b.Fatal(err)
					}
					var err error
					if _, buf, err = c.AppendMessage(buf[:0]); err != nil || len(buf) != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func TestDialHTTP2Errors(t *testing.T) {
	u := &Upgrader{Subprotocols: []string{"chat"}}
	url, tr := startH2(t, h2Modes[0], echoHandler(u, nil), 0)
	ctx := context.Background()
	// Refused origin: the server's status comes back as a *HandshakeError.
	d := &Dialer{Header: http.Header{"Origin": {"https://evil.example"}}}
	_, resp, err := d.DialHTTP2(ctx, tr, url)
	var he *HandshakeError
	if !errors.As(err, &he) || he.Status != 403 || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("refused origin: %v, response %v; want a 403 HandshakeError", err, resp)
	}
	if _, _, err := d.DialHTTP2(ctx, tr, "http://"+strings.TrimPrefix(url, "wss://")); err == nil || !strings.Contains(err.Error(), "scheme") {
		t.Errorf("http:// URL: %v, want a scheme error", err)
	}
	// net/http's Transport does not pass :protocol on (Go 1.26): the error says what to use.
	std := &http.Transport{TLSClientConfig: tr.TLSClientConfig, ForceAttemptHTTP2: true}
	defer std.CloseIdleConnections()
	if _, _, err := (&Dialer{}).DialHTTP2(ctx, std, url); err == nil {
		t.Log("net/http's Transport sent an extended CONNECT: DialHTTP2's doc can say so")
	} else if !strings.Contains(err.Error(), "golang.org/x/net/http2") {
		t.Errorf("net/http Transport: %v, want a hint naming golang.org/x/net/http2", err)
	}
	// A cancelled context ends the handshake.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := (&Dialer{}).DialHTTP2(cctx, tr, url); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}
}
