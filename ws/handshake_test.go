package ws

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

func TestAcceptKey(t *testing.T) {
	// RFC 6455 section 1.3 example.
	if got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="); got != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("AcceptKey = %q", got)
	}
}

func TestHandshakeRejects(t *testing.T) {
	srv := echoServer(t, nil)
	base := map[string]string{
		"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": testKey,
	}
	cases := []struct {
		name   string
		method string
		set    map[string]string
		status int
	}{
		{"ok", "GET", nil, 101},
		{"ok-token-lists", "GET", map[string]string{"Connection": "keep-alive, Upgrade", "Upgrade": "WebSocket"}, 101},
		{"post", "POST", nil, 405},
		{"no-upgrade", "GET", map[string]string{"Upgrade": ""}, 400},
		{"upgrade-h2c", "GET", map[string]string{"Upgrade": "h2c"}, 400},
		{"connection-keepalive", "GET", map[string]string{"Connection": "keep-alive"}, 400},
		{"version-8", "GET", map[string]string{"Sec-WebSocket-Version": "8"}, 426},
		{"no-key", "GET", map[string]string{"Sec-WebSocket-Key": ""}, 400},
		{"short-key", "GET", map[string]string{"Sec-WebSocket-Key": "dGhlIHNhbXBsZQ=="}, 400},
		{"bad-base64-key", "GET", map[string]string{"Sec-WebSocket-Key": "!!!!!!!!!!!!!!!!!!!!!!=="}, 400},
		{"cross-origin", "GET", map[string]string{"Origin": "http://evil.example"}, 403},
		{"same-origin", "GET", map[string]string{"Origin": "http://" + srv.Listener.Addr().String()}, 101},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL, nil)
			for k, v := range base {
				req.Header.Set(k, v)
			}
			for k, v := range tc.set {
				if v == "" {
					req.Header.Del(k)
				} else {
					req.Header.Set(k, v)
				}
			}
			nc, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			req.Write(nc)
			resp, err := http.ReadResponse(bufio.NewReader(nc), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 426 && resp.Header.Get("Sec-WebSocket-Version") != "13" {
				t.Fatalf("426 without Sec-WebSocket-Version: 13")
			}
			if tc.status == 101 && resp.Header.Get("Sec-WebSocket-Accept") != AcceptKey(testKey) {
				t.Fatalf("bad accept %q", resp.Header.Get("Sec-WebSocket-Accept"))
			}
		})
	}
}

func TestCheckOriginConfigurable(t *testing.T) {
	u := &Upgrader{CheckOrigin: func(r *Request) bool { return r.Origin == "https://app.example" }}
	srv := echoServer(t, u)
	_, resp := dialRaw(t, srv, "Origin: https://app.example\r\n")
	if resp.StatusCode != 101 {
		t.Fatalf("allowed origin: status %d", resp.StatusCode)
	}
	_, resp = dialRaw(t, srv, "Origin: https://other.example\r\n")
	if resp.StatusCode != 403 {
		t.Fatalf("other origin: status %d", resp.StatusCode)
	}
}

func TestSubprotocol(t *testing.T) {
	u := &Upgrader{Subprotocols: []string{"v2.chat", "v1.chat"}}
	srv := echoServer(t, u)
	for _, tc := range []struct{ offer, want string }{
		{"v1.chat, v2.chat", "v2.chat"},
		{"v1.chat", "v1.chat"},
		{"mqtt", ""},
	} {
		_, resp := dialRaw(t, srv, "Sec-WebSocket-Protocol: "+tc.offer+"\r\n")
		if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != tc.want {
			t.Errorf("offer %q: chose %q, want %q", tc.offer, got, tc.want)
		}
	}
	d := &Dialer{Subprotocols: []string{"v1.chat"}}
	c, _, err := d.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Subprotocol() != "v1.chat" {
		t.Fatalf("client Subprotocol %q", c.Subprotocol())
	}
}

func TestParseRequest(t *testing.T) {
	raw := "GET /chat?x=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\nSec-WebSocket-Version: 13\r\n\r\nNEXT"
	r, n, err := ParseRequest([]byte(raw))
	if err != nil || n != len(raw)-4 {
		t.Fatalf("n=%d err=%v", n, err)
	}
	if r.URI != "/chat?x=1" || r.Host != "server.example.com" || r.Connection != "keep-alive,Upgrade" || r.Protocol != "chat, superchat" {
		t.Fatalf("%+v", r)
	}
	if err := r.Check(); err != nil {
		t.Fatal(err)
	}
	if _, n, err := ParseRequest([]byte(raw[:40])); n != 0 || err != nil {
		t.Fatalf("partial: n=%d err=%v", n, err)
	}
	for _, bad := range []string{
		"GET /chat HTTP/1.0\r\nHost: a\r\n\r\n",
		"GET\r\nHost: a\r\n\r\n",
		"GET /chat HTTP/1.1\r\nHost a\r\n\r\n",
		"GET /chat HTTP/1.1\r\nHo st: a\r\n\r\n",
		"GET /chat HTTP/1.1\r\nX: a\x00b\r\n\r\n",
		"GET /chat HTTP/1.1\r\nUpgrade: websocket\r\n\r\n",
		"GET /chat HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
	} {
		if _, _, err := ParseRequest([]byte(bad)); err == nil || !strings.HasPrefix(err.Error(), "ws: ") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
}

func TestUpgradeConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var u Upgrader
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				c, _, err := u.UpgradeConn(nc)
				if err != nil {
					nc.Close()
					return
				}
				defer c.Close()
				for {
					op, p, err := c.ReadMessage()
					if err != nil {
						return
					}
					c.WriteMessage(op, p)
				}
			}()
		}
	}()
	var d Dialer
	c, _, err := d.Dial(context.Background(), "ws://"+ln.Addr().String()+"/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, Text, []byte("over a raw listener"))
	// A bad request gets an HTTP error.
	nc, _ := net.Dial("tcp", ln.Addr().String())
	defer nc.Close()
	nc.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

func roundTrip(t *testing.T, c *Conn, op MessageType, p []byte) {
	t.Helper()
	if err := c.WriteMessage(op, p); err != nil {
		t.Fatal(err)
	}
	gop, got, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	if gop != op || !bytes.Equal(got, p) {
		t.Fatalf("got %s %d bytes, want %s %d bytes", gop, len(got), op, len(p))
	}
}

func TestUpgradeFastHTTP(t *testing.T) {
	ln := fasthttputil.NewInmemoryListener()
	defer ln.Close()
	var u Upgrader
	s := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		u.UpgradeFastHTTP(ctx, func(c *Conn) {
			for {
				op, p, err := c.ReadMessage()
				if err != nil {
					return
				}
				c.WriteMessage(op, p)
			}
		})
	}}
	go s.Serve(ln)
	defer s.Shutdown()
	d := Dialer{NetDial: func(ctx context.Context, _, _ string) (net.Conn, error) { return ln.Dial() }}
	c, _, err := d.Dial(context.Background(), "ws://fast.example/ws")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	roundTrip(t, c, Text, []byte("hello fasthttp"))
	roundTrip(t, c, Binary, bytes.Repeat([]byte{7}, 100<<10))
	// A plain GET is refused with 400.
	nc, _ := ln.Dial()
	defer nc.Close()
	nc.Write([]byte("GET /ws HTTP/1.1\r\nHost: fast.example\r\n\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil || resp.StatusCode != 400 {
		t.Fatalf("resp %v err %v", resp, err)
	}
}

func wsURL(srv *httptest.Server) string { return "ws" + strings.TrimPrefix(srv.URL, "http") }

func TestClientServer(t *testing.T) {
	for _, comp := range []bool{false, true} {
		name := "plain"
		u := &Upgrader{}
		d := &Dialer{}
		if comp {
			name = "deflate"
			u.Compression = &CompressionOptions{}
			d.Compression = &CompressionOptions{}
		}
		t.Run(name, func(t *testing.T) {
			srv := echoServer(t, u)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, resp, err := d.Dial(ctx, wsURL(srv))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if comp != (resp.Header.Get("Sec-WebSocket-Extensions") != "") {
				t.Fatalf("extensions %q", resp.Header.Get("Sec-WebSocket-Extensions"))
			}
			roundTrip(t, c, Text, []byte("hello"))
			roundTrip(t, c, Text, nil)
			roundTrip(t, c, Binary, bytes.Repeat([]byte("tako "), 1<<20/5)) // ~1 MB
			roundTrip(t, c, Text, []byte(strings.Repeat("héllo wörld ", 1000)))
			roundTrip(t, c, Text, []byte(strings.Repeat("héllo wörld ", 1000))) // context takeover
			// Streaming writer, several frames.
			w, err := c.NextWriter(Binary)
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			for i := range 100 {
				chunk := bytes.Repeat([]byte{byte(i)}, 1000)
				w.Write(chunk)
				want = append(want, chunk...)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			op, got, err := c.ReadMessage()
			if err != nil || op != Binary || !bytes.Equal(got, want) {
				t.Fatalf("streamed: %s %d bytes %v", op, len(got), err)
			}
			// Clean close: the server echoes our close code.
			if err := c.WriteClose(CloseGoingAway, "bye"); err != nil {
				t.Fatal(err)
			}
			_, _, err = c.ReadMessage()
			if !IsClose(err, CloseGoingAway) {
				t.Fatalf("after close: %v", err)
			}
		})
	}
}

func TestConcurrentWriters(t *testing.T) {
	srv := echoServer(t, nil)
	var d Dialer
	c, _, err := d.Dial(context.Background(), wsURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const writers, each = 8, 50
	done := make(chan error, writers)
	for i := range writers {
		go func() {
			msg := bytes.Repeat([]byte{byte('a' + i)}, 3000+i)
			for range each {
				if err := c.WriteMessage(Text, msg); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	counts := map[byte]int{}
	for range writers * each {
		_, p, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != 3000+int(p[0]-'a') || bytes.Count(p, p[:1]) != len(p) {
			t.Fatalf("interleaved message of %d bytes", len(p))
		}
		counts[p[0]]++
	}
	for i := range writers {
		if counts[byte('a'+i)] != each {
			t.Fatalf("counts %v", counts)
		}
	}
}

func TestReadDeadline(t *testing.T) {
	srv := echoServer(t, nil)
	var d Dialer
	c, _, err := d.Dial(context.Background(), wsURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, _, err = c.ReadMessage()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want timeout, got %v", err)
	}
}

// Close must not hang behind a writer that holds the write lock, and a
// control frame gives up at its deadline.
func TestCloseWithHeldWriter(t *testing.T) {
	srv := echoServer(t, nil)
	var d Dialer
	c, _, err := d.Dial(context.Background(), wsURL(srv))
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.NextWriter(Binary) // held, never closed
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("partial"))
	if err := c.WriteControl(OpPing, nil, time.Now().Add(20*time.Millisecond)); err == nil {
		t.Fatal("ping sent while a writer held the lock")
	}
	done := make(chan error, 1)
	go func() { done <- c.Close() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung behind a held writer")
	}
	if err := w.Close(); err == nil {
		t.Fatal("writer Close after Conn.Close succeeded")
	}
}

func TestUpgradeSendsHandlerHeaders(t *testing.T) {
	var u Upgrader
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=abc")
		w.Header().Set("X-Bad", "a\r\nInjected: yes")
		w.Header().Set("Connection", "close") // owned by the handshake: ignored
		c, err := u.Upgrade(w, r)
		if err == nil {
			c.Close()
		}
	}))
	defer srv.Close()
	_, resp := dialRaw(t, srv, "")
	if resp.StatusCode != 101 || resp.Header.Get("Set-Cookie") != "session=abc" {
		t.Fatalf("status %d Set-Cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	if resp.Header.Get("Injected") != "" || resp.Header.Get("X-Bad") != "" || resp.Header.Get("Connection") != "Upgrade" {
		t.Fatalf("headers %v", resp.Header)
	}
}
