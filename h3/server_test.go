package h3_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quic-go/quic-go"
	"github.com/quic-go/quic-go/http3"
	"github.com/tako-go/tako/h3"
)

// serve starts srv on a loopback UDP socket and returns its address; the test ends with a
// Shutdown check that Serve returned ErrServerClosed.
func serve(t *testing.T, srv *h3.Server) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(pc) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-done:
			if !errors.Is(err, h3.ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Shutdown")
		}
		pc.Close()
	})
	return pc.LocalAddr().String()
}

// client returns quic-go's HTTP/3 client trusting pool.
func client(t *testing.T, pool *x509.CertPool) (*http.Client, *http3.Transport) {
	tr := &http3.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		QUICConfig:      &quic.Config{HandshakeIdleTimeout: 2 * time.Second},
	}
	t.Cleanup(func() { tr.Close() })
	return &http.Client{Transport: tr}, tr
}

func get(t *testing.T, c *http.Client, url string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ": ")
		req.Header.Add(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServe(t *testing.T) {
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
		if r.TLS == nil || r.TLS.NegotiatedProtocol != "h3" {
			t.Errorf("r.TLS = %+v, want ALPN h3", r.TLS)
		}
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(body))
	})}
	addr := serve(t, srv)
	for srv.Addr() == nil {
		time.Sleep(time.Millisecond)
	}
	if srv.Addr().String() != addr {
		t.Errorf("Addr() = %v, want %s", srv.Addr(), addr)
	}
	c, _ := client(t, pool)
	resp, body := get(t, c, "https://"+addr+"/hello")
	if resp.Proto != "HTTP/3.0" || resp.Header.Get("X-Proto") != "HTTP/3.0" || body != "GET /hello " {
		t.Errorf("got %s %q (server saw %s), want HTTP/3.0 \"GET /hello \"", resp.Proto, body, resp.Header.Get("X-Proto"))
	}
	presp, err := c.Post("https://"+addr+"/up", "text/plain", strings.NewReader(strings.Repeat("x", 100000)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(presp.Body)
	presp.Body.Close()
	if want := "POST /up " + strings.Repeat("x", 100000); string(b) != want {
		t.Errorf("POST echo: got %d bytes, want %d", len(b), len(want))
	}
}

func TestServeNeedsHandlerAndTLS(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if err := (&h3.Server{TLSConfig: &tls.Config{}}).Serve(pc); err == nil || !strings.Contains(err.Error(), "Handler") {
		t.Errorf("no Handler: %v", err)
	}
	if err := (&h3.Server{Handler: http.NotFoundHandler()}).Serve(pc); err == nil || !strings.Contains(err.Error(), "TLSConfig") {
		t.Errorf("no TLSConfig: %v", err)
	}
	srv := &h3.Server{Handler: http.NotFoundHandler(), TLSConfig: &tls.Config{}}
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown of an unstarted server: %v", err)
	}
	if err := srv.Serve(pc); !errors.Is(err, h3.ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v, want ErrServerClosed", err)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, MaxHeaderBytes: 4096, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	if resp, body := get(t, c, "https://"+addr+"/", "X-Small: "+strings.Repeat("a", 1000)); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("small headers: %d %q", resp.StatusCode, body)
	}
	if resp, _ := get(t, c, "https://"+addr+"/", "X-Big: "+strings.Repeat("a", 8000)); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("big headers: %d, want 431", resp.StatusCode)
	}
}

func TestMaxIncomingStreams(t *testing.T) {
	// With one stream allowed, a second concurrent request waits for the first.
	tlsConf, pool := testPKI(t)
	release := make(chan struct{})
	var running, peak atomic.Int32
	srv := &h3.Server{TLSConfig: tlsConf, MaxIncomingStreams: 1, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := running.Add(1)
		if n > peak.Load() {
			peak.Store(n)
		}
		<-release
		running.Add(-1)
		io.WriteString(w, "ok")
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	done := make(chan string, 3)
	for range 3 {
		go func() {
			resp, err := c.Get("https://" + addr + "/")
			if err != nil {
				done <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			done <- string(b)
		}()
	}
	for range 3 {
		for running.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		release <- struct{}{}
		if got := <-done; got != "ok" {
			t.Errorf("request: %s", got)
		}
	}
	if p := peak.Load(); p != 1 {
		t.Errorf("%d requests ran at once, want 1", p)
	}
}

// dialTracker is an http3.Transport Dial that keeps the connections it dials.
type dialTracker struct{ conns chan *quic.Conn }

func (d *dialTracker) dial(ctx context.Context, addr string, tlsConf *tls.Config, conf *quic.Config) (*quic.Conn, error) {
	c, err := quic.DialAddrEarly(ctx, addr, tlsConf, conf)
	if err == nil {
		d.conns <- c
	}
	return c, err
}

// ticketCache is a client session cache that reports each ticket it stores.
type ticketCache struct {
	tls.ClientSessionCache
	put chan struct{}
}

func (c *ticketCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		select {
		case c.put <- struct{}{}:
		default:
		}
	}
}

func Test0RTT(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(map[bool]string{false: "default-off", true: "allowed"}[allow], func(t *testing.T) {
			tlsConf, pool := testPKI(t)
			var early atomic.Bool
			srv := &h3.Server{TLSConfig: tlsConf, Allow0RTT: allow, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !r.TLS.HandshakeComplete {
					early.Store(true)
				}
				io.WriteString(w, "ok")
			})}
			addr := serve(t, srv)
			d := &dialTracker{conns: make(chan *quic.Conn, 2)}
			cache := &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(4), put: make(chan struct{}, 8)}
			tr := &http3.Transport{
				TLSClientConfig: &tls.Config{RootCAs: pool, ClientSessionCache: cache},
				Dial:            d.dial,
			}
			defer tr.Close()
			c := &http.Client{Transport: tr}
			get(t, c, "https://"+addr+"/")
			first := <-d.conns
			// Wait for the session ticket, then dial again with it.
			select {
			case <-cache.put:
			case <-time.After(5 * time.Second):
				t.Fatal("no session ticket")
			}
			first.CloseWithError(0, "")
			tr.CloseIdleConnections()
			// GET_0RTT: quic-go's client sends it as early data when the server allows it.
			req, _ := http.NewRequest(http3.MethodGet0RTT, "https://"+addr+"/", nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "ok" {
				t.Fatalf("resumed request: %d %q", resp.StatusCode, body)
			}
			second := <-d.conns
			st := second.ConnectionState()
			if !st.TLS.DidResume {
				t.Fatal("the second connection did not resume the TLS session; 0-RTT cannot be tested")
			}
			if st.Used0RTT != allow {
				t.Errorf("Used0RTT = %v with Allow0RTT %v", st.Used0RTT, allow)
			}
			// A handler tells early data by r.TLS.HandshakeComplete (Allow0RTT's doc). With
			// 0-RTT off, the client's attempt is refused and the request waits for the
			// handshake. (With it on, whether the request is handled before the handshake
			// completes depends on timing, so that case is not asserted.)
			if !allow && early.Load() {
				t.Error("a request ran before the handshake completed with 0-RTT off")
			}
		})
	}
}

func TestShutdownDrains(t *testing.T) {
	for _, wt := range []bool{false, true} {
		t.Run(map[bool]string{false: "http3", true: "webtransport-on"}[wt], func(t *testing.T) {
			testShutdownDrains(t, wt)
		})
	}
}

func testShutdownDrains(t *testing.T, webTransport bool) {
	tlsConf, pool := testPKI(t)
	started := make(chan struct{})
	release := make(chan struct{})
	srv := &h3.Server{TLSConfig: tlsConf, WebTransport: webTransport, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		io.WriteString(w, "done "+r.URL.Path)
	})}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(pc) }()
	url := "https://" + pc.LocalAddr().String()
	c, _ := client(t, pool)

	slow := make(chan string, 1)
	go func() {
		resp, err := c.Get(url + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- string(b)
	}()
	<-started
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	// The GOAWAY makes the client refuse to open a request on its connection, and the
	// listener is closed, so a new request cannot get through.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/new", nil)
		resp, err := c.Do(req)
		cancel()
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("new requests are still served after Shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v while a request was running", err)
	default:
	}
	close(release)
	if got := <-slow; got != "done /slow" {
		t.Errorf("in-flight request: %q, want \"done /slow\"", got)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, h3.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	tlsConf, pool := testPKI(t)
	started := make(chan struct{})
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done() // ends when the connection is closed
	})}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(pc) }()
	c, _ := client(t, pool)
	got := make(chan error, 1)
	go func() {
		resp, err := c.Get("https://" + pc.LocalAddr().String() + "/")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		got <- err
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v, want DeadlineExceeded", err)
	}
	if err := <-got; err == nil {
		t.Error("the request cut off by the deadline succeeded")
	}
	if err := <-served; !errors.Is(err, h3.ErrServerClosed) {
		t.Errorf("Serve: %v", err)
	}
}

func TestListenAndServe(t *testing.T) {
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})}
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe("127.0.0.1:0") }()
	var addr net.Addr
	for addr == nil {
		time.Sleep(time.Millisecond)
		addr = srv.Addr()
	}
	c, _ := client(t, pool)
	if _, body := get(t, c, "https://"+addr.String()+"/"); body != "ok" {
		t.Errorf("body %q", body)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-served; !errors.Is(err, h3.ErrServerClosed) {
		t.Errorf("ListenAndServe: %v", err)
	}
}

func TestAltSvc(t *testing.T) {
	for _, tc := range []struct {
		port   int
		maxAge time.Duration
		want   string
	}{
		{443, 0, `h3=":443"; ma=86400`},
		{8443, time.Hour, `h3=":8443"; ma=3600`},
		{443, -1, `h3=":443"; ma=86400`},
	} {
		if got := h3.AltSvc(tc.port, tc.maxAge); got != tc.want {
			t.Errorf("AltSvc(%d, %v) = %s, want %s", tc.port, tc.maxAge, got, tc.want)
		}
	}
}

func TestInvalidHeaderDropped(t *testing.T) {
	// net/http's HTTP/2 server drops invalid header fields; quic-go would send them and the
	// client would reject the whole response.
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain\r\nX-Evil: 1")
		w.Header()["X-Multi"] = []string{"good", "bad\nvalue", "also good"}
		w.Header()["Bad Name"] = []string{"v"}
		w.Header().Set("X-Fine", "yes")
		io.WriteString(w, "ok")
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	resp, body := get(t, c, "https://"+addr+"/")
	if body != "ok" || resp.Header.Get("X-Evil") != "" || resp.Header.Get("X-Fine") != "yes" ||
		strings.Join(resp.Header["X-Multi"], ",") != "good,also good" || strings.Contains(resp.Header.Get("Content-Type"), "\n") {
		t.Errorf("got %q with header %v", body, resp.Header)
	}
}

func TestReadTimeout(t *testing.T) {
	tlsConf, pool := testPKI(t)
	readErr := make(chan error, 1)
	srv := &h3.Server{TLSConfig: tlsConf, ReadTimeout: 100 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	pr, pw := io.Pipe()
	defer pw.Close()
	go func() {
		pw.Write([]byte("first bytes")) // and then nothing: a slow client
	}()
	go func() {
		resp, err := c.Post("https://"+addr+"/", "text/plain", pr)
		if err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case err := <-readErr:
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("reading a stalled body: %v, want a timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the body read did not time out")
	}
}

func TestDateHeader(t *testing.T) {
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/own":
			w.Header().Set("Date", "Mon, 02 Jan 2006 15:04:05 GMT")
		case "/none":
			w.Header()["Date"] = nil
		case "/add":
			w.Header().Add("Date", "extra") // must not write into the shared value
		}
		io.WriteString(w, "ok")
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	for range 2 {
		get(t, c, "https://"+addr+"/add")
	}
	resp, _ := get(t, c, "https://"+addr+"/")
	d, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil || time.Since(d).Abs() > time.Minute || len(resp.Header["Date"]) != 1 {
		t.Errorf("Date %q (%v)", resp.Header["Date"], err)
	}
	if resp, _ := get(t, c, "https://"+addr+"/own"); resp.Header.Get("Date") != "Mon, 02 Jan 2006 15:04:05 GMT" {
		t.Errorf("handler's Date replaced: %q", resp.Header.Get("Date"))
	}
	if resp, _ := get(t, c, "https://"+addr+"/none"); len(resp.Header["Date"]) != 0 {
		t.Errorf("Date %q after the handler removed it", resp.Header["Date"])
	}
}

func TestMaxConns(t *testing.T) {
	tlsConf, pool := testPKI(t)
	srv := &h3.Server{TLSConfig: tlsConf, MaxConns: 1, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})}
	addr := serve(t, srv)
	c1, tr1 := client(t, pool)
	get(t, c1, "https://"+addr+"/")
	// A second connection is not accepted while the first is open.
	c2, _ := client(t, pool)
	second := make(chan error, 1)
	go func() {
		resp, err := c2.Get("https://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("a second connection was served over MaxConns 1 (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	tr1.Close() // closes the first connection: the second is accepted
	select {
	case err := <-second:
		if err != nil {
			t.Errorf("second connection after the first closed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second connection was not served after the first closed")
	}
}

func TestServeOnClosedSocket(t *testing.T) {
	tlsConf, _ := testPKI(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc.Close()
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.NotFoundHandler()}
	err = srv.Serve(pc)
	if err == nil || errors.Is(err, h3.ErrServerClosed) {
		t.Errorf("Serve on a closed socket: %v", err)
	}
	// Shutdown and Close after a failed Serve do nothing, and do not panic.
	if err := srv.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
