package tako_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quic-go/webtransport-go"
	"github.com/tako-go/tako"
	"github.com/tako-go/tako/h3"
)

// serveTCPAndH3 serves app on a loopback TCP listener (app.Serve) and a loopback UDP socket
// (app.ServeHTTP3), and returns both addresses and an HTTP/3 client; Shutdown runs at the
// end of the test.
func serveTCPAndH3(t *testing.T, app *tako.App) (tcpAddr, udpAddr string, h3c *http.Client) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return serveWithH3(t, app, ln)
}

// serveWithH3 serves app on the TCP listener ln and over HTTP/3 on a loopback UDP socket
// until the test ends, and returns both addresses and an HTTP/3 client.
func serveWithH3(t *testing.T, app *tako.App, ln net.Listener) (tcpAddr, udpAddr string, h3c *http.Client) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvConf, h3c := h3Client(t)
	served := make(chan error, 2)
	go func() { served <- app.Serve(ln) }()
	go func() { served <- app.ServeHTTP3(pc, srvConf) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		for range 2 {
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
		}
		pc.Close()
	})
	return ln.Addr().String(), pc.LocalAddr().String(), h3c
}

// get3 sends a GET over HTTP/3 and fails the test unless it is answered; after it, the
// App's HTTP/3 server is known to be serving.
func get3(t *testing.T, c *http.Client, url string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}

func TestHTTP3Protocol(t *testing.T) {
	app := tako.New()
	app.Post("/echo/:name", func(c *tako.Ctx) error {
		body, err := c.Body()
		if err != nil {
			return err
		}
		return c.Text(c.Protocol() + " " + c.Scheme() + " " + c.Param("name") + " " + c.Header("X-In") + " " + string(body))
	})
	_, udp, h3c := serveTCPAndH3(t, app)
	resp, err := h3c.Post("https://"+udp+"/echo/bob", "text/plain", strings.NewReader("payload"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got, want := string(b), "HTTP/3.0 https bob  payload"; resp.StatusCode != 200 || got != want || resp.Proto != "HTTP/3.0" {
		t.Errorf("got %d %s %q, want 200 HTTP/3.0 %q", resp.StatusCode, resp.Proto, got, want)
	}
	if resp.Header.Get("Alt-Svc") != "" {
		t.Errorf("an HTTP/3 response advertises Alt-Svc: %q", resp.Header.Get("Alt-Svc"))
	}
}

func TestHTTP3AltSvc(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			for _, tc := range []struct {
				name string
				cfg  tako.Config
				want string // "PORT" is the UDP port
			}{
				{"default", tako.Config{}, `h3=":PORT"; ma=86400`},
				{"port-and-max-age", tako.Config{HTTP3AltSvcPort: 443, HTTP3AltSvcMaxAge: time.Hour}, `h3=":443"; ma=3600`},
				{"disabled", tako.Config{HTTP3AltSvcMaxAge: -1}, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					cfg := tc.cfg
					cfg.Engine = e
					cfg.Logger = discardLogger()
					app := tako.New(cfg)
					app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
					app.Get("/fail", func(c *tako.Ctx) error { return tako.NewError(418, "teapot") })
					tcp, udp, h3c := serveTCPAndH3(t, app)
					_, port, _ := net.SplitHostPort(udp)
					want := strings.ReplaceAll(tc.want, "PORT", port)
					get3(t, h3c, "https://"+udp+"/")
					// Error responses and 404s carry it too.
					for _, path := range []string{"/", "/fail", "/missing"} {
						resp, err := http.Get("http://" + tcp + path)
						if err != nil {
							t.Fatal(err)
						}
						resp.Body.Close()
						if got := resp.Header.Get("Alt-Svc"); got != want {
							t.Errorf("%s: Alt-Svc %q, want %q", path, got, want)
						}
					}
				})
			}
		})
	}
}

func TestHTTP3AltSvcOnlyWhileServing(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(ln)
	defer app.Shutdown(context.Background())
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Alt-Svc"); got != "" {
		t.Errorf("Alt-Svc %q without HTTP/3", got)
	}
}

// TestZeroAllocFastHTTPAltSvc proves that the Alt-Svc header costs the fasthttp path no
// allocation.
func TestZeroAllocFastHTTPAltSvc(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	app := allocApp(tako.Config{Logger: discardLogger(), HTTP3AltSvcPort: 8443})
	c := serveInMemory(t, app)
	req := []byte("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n")
	serveHTTP3UntilAltSvc(t, app, c, req)
	for range 100 {
		c.roundTrip(t, req)
	}
	if allocs := testing.AllocsPerRun(1000, func() { c.roundTrip(t, req) }); allocs != 0 {
		t.Errorf("%v allocs per request with Alt-Svc, want 0", allocs)
	}
}

func TestHTTP3Shutdown(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	started := make(chan struct{})
	release := make(chan struct{})
	app.Get("/slow", func(c *tako.Ctx) error {
		close(started)
		<-release // does not watch Context: must still finish
		return c.Text("slow done")
	})
	app.Get("/fast", func(c *tako.Ctx) error { return c.Text("fast") })
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	srvConf, client := h3Client(t)
	served := make(chan error, 1)
	go func() { served <- app.ServeHTTP3(pc, srvConf) }()
	url := "https://" + pc.LocalAddr().String()
	if resp, err := client.Get(url + "/fast"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}

	slow := make(chan string, 1)
	go func() {
		resp, err := client.Get(url + "/slow")
		if err != nil {
			slow <- "error: " + err.Error()
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
		shut <- app.Shutdown(ctx)
	}()
	// New requests are refused (GOAWAY on the open connection, no listener for a new one).
	for deadline := time.Now().Add(5 * time.Second); ; {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/fast", nil)
		resp, err := client.Do(req)
		cancel()
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("new HTTP/3 requests are still served after Shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was running", err)
	default:
	}
	close(release)
	if got := <-slow; got != "slow done" {
		t.Errorf("in-flight request: %q", got)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeHTTP3 after Shutdown: %v, want nil", err)
	}
	if err := app.ServeHTTP3(pc, srvConf); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ServeHTTP3 on a shut-down App: %v, want http.ErrServerClosed", err)
	}
}

func TestListenHTTP3BadCert(t *testing.T) {
	app := tako.New()
	if err := app.ListenHTTP3("127.0.0.1:0", "missing.crt", "missing.key"); err == nil {
		t.Error("ListenHTTP3 with missing files succeeded")
	}
	if err := app.ServeHTTP3(nil, nil); err == nil {
		t.Error("ServeHTTP3 without a TLS config succeeded")
	}
}

// wtApp is an App with a WebTransport echo route at /wt (u checks origins) and a route that
// tries to upgrade a plain GET.
func wtApp(u *h3.Upgrader, ended chan<- error) *tako.App {
	app := tako.New(tako.Config{WebTransport: true, Logger: discardLogger()})
	app.Handle("CONNECT", "/wt/:room", func(c *tako.Ctx) error {
		room := c.Param("room")
		c.SetHeader("X-Room", room)
		return c.WebTransport(u, func(s *h3.Session) {
			ctx := s.Context()
			go func() {
				for {
					str, err := s.AcceptStream(ctx)
					if err != nil {
						return
					}
					go func() {
						io.Copy(str, str)
						str.Close()
					}()
				}
			}()
			go func() {
				for {
					in, err := s.AcceptUniStream(ctx)
					if err != nil {
						return
					}
					b, _ := io.ReadAll(in)
					out, err := s.OpenUniStreamSync(ctx)
					if err != nil {
						return
					}
					out.Write([]byte(room + ":" + string(b)))
					out.Close()
				}
			}()
			for {
				d, err := s.ReceiveDatagram(ctx)
				if err != nil {
					if ended != nil {
						ended <- err
					}
					return
				}
				s.SendDatagram(append([]byte("re:"), d...))
			}
		})
	})
	app.Get("/plain", func(c *tako.Ctx) error {
		return c.WebTransport(u, func(*h3.Session) {})
	})
	return app
}

func dialWebTransport(t *testing.T, url, origin string) (*http.Response, *webtransport.Session, error) {
	_, pool := h3PKI(t)
	d := &webtransport.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(func() { d.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	return d.Dial(ctx, url, hdr)
}

func TestWebTransportApp(t *testing.T) {
	app := wtApp(nil, nil)
	_, udp, h3c := serveTCPAndH3(t, app)
	rsp, sess, err := dialWebTransport(t, "https://"+udp+"/wt/lobby", "https://"+udp)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer sess.CloseWithError(0, "")
	if rsp.StatusCode != 200 || rsp.Header.Get("X-Room") != "lobby" {
		t.Errorf("response %d, X-Room %q", rsp.StatusCode, rsp.Header.Get("X-Room"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	str, err := sess.OpenStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte("0123456789"), 5000)
	go func() { str.Write(msg); str.Close() }()
	if got, err := io.ReadAll(str); err != nil || !bytes.Equal(got, msg) {
		t.Errorf("bidi echo: %d bytes, %v", len(got), err)
	}

	uni, err := sess.OpenUniStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uni.Write([]byte("hello"))
	uni.Close()
	back, err := sess.AcceptUniStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(back); err != nil || string(b) != "lobby:hello" {
		t.Errorf("uni stream back: %q, %v", b, err)
	}

	dctx, dcancel := context.WithTimeout(ctx, 3*time.Second)
	defer dcancel()
	go func() {
		for i := 0; dctx.Err() == nil; i++ {
			sess.SendDatagram([]byte("d" + strconv.Itoa(i)))
			time.Sleep(20 * time.Millisecond)
		}
	}()
	if d, err := sess.ReceiveDatagram(dctx); err != nil || !strings.HasPrefix(string(d), "re:d") {
		t.Errorf("datagram: %q, %v", d, err)
	}

	// A plain GET asking for a session is refused with 400 through the ErrorHandler.
	resp, err := h3c.Get("https://" + udp + "/plain")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(resp.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("plain GET: %d %s, want a 400 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestWebTransportAppOrigin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		u      *h3.Upgrader
		origin string
		want   int
	}{
		{"cross-origin-refused", nil, "https://evil.example", 403},
		{"listed", &h3.Upgrader{Origins: []string{"https://app.example"}}, "https://app.example", 200},
		{"not-listed", &h3.Upgrader{Origins: []string{"https://app.example"}}, "https://evil.example", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, udp, _ := serveTCPAndH3(t, wtApp(tc.u, nil))
			rsp, sess, err := dialWebTransport(t, "https://"+udp+"/wt/x", tc.origin)
			if err == nil {
				defer sess.CloseWithError(0, "")
			}
			if rsp == nil {
				t.Fatalf("no response: %v", err)
			}
			if rsp.StatusCode != tc.want || (tc.want == 200) != (err == nil) {
				t.Errorf("status %d, err %v; want %d", rsp.StatusCode, err, tc.want)
			}
		})
	}
}

func TestWebTransportNotEnabled(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()}) // Config.WebTransport off
	app.Handle("CONNECT", "/wt", func(c *tako.Ctx) error {
		return c.WebTransport(nil, func(*h3.Session) { t.Error("session without WebTransport on") })
	})
	_, udp, _ := serveTCPAndH3(t, app)
	// The server does not announce WebTransport in its SETTINGS, so the client gives up
	// before sending the request.
	if _, sess, err := dialWebTransport(t, "https://"+udp+"/wt", ""); err == nil {
		sess.CloseWithError(0, "")
		t.Error("a session was established with Config.WebTransport off")
	}
}

func TestWebTransportShutdown(t *testing.T) {
	ended := make(chan error, 1)
	app := wtApp(nil, ended)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	srvConf, _ := h3PKI(t)
	served := make(chan error, 1)
	go func() { served <- app.ServeHTTP3(pc, srvConf) }()
	var sess *webtransport.Session
	for deadline := time.Now().Add(5 * time.Second); ; {
		_, s, err := dialWebTransport(t, "https://"+pc.LocalAddr().String()+"/wt/a", "")
		if err == nil {
			sess = s
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Dial: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case err := <-ended: // the handler's fn saw the session end and returned
		if err == nil {
			t.Error("fn ended without an error")
		}
	default:
		t.Error("Shutdown returned before the session's fn did")
	}
	<-sess.Context().Done()
	var se *webtransport.SessionError
	if _, err := sess.AcceptStream(ctx); !errors.As(err, &se) || se.ErrorCode != h3.CodeGoingAway {
		t.Errorf("client session ended with %v, want code CodeGoingAway", err)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeHTTP3: %v", err)
	}
}

// TestHTTP3ShutdownUnderLoad runs a bounded loopback load over HTTP/3 and shuts the App down
// in the middle of it: every request whose handler started must be answered in full;
// requests refused by the GOAWAY (or sent after it) may fail.
func TestHTTP3ShutdownUnderLoad(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	var mu sync.Mutex
	started := map[string]bool{}
	app.Get("/work", func(c *tako.Ctx) error {
		id := c.HeaderCopy("X-ID")
		mu.Lock()
		started[id] = true
		mu.Unlock()
		time.Sleep(2 * time.Millisecond) // does not watch Context: must still finish
		return c.Text("done " + id)
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	srvConf, client := h3Client(t)
	served := make(chan error, 1)
	go func() { served <- app.ServeHTTP3(pc, srvConf) }()
	url := "https://" + pc.LocalAddr().String() + "/work"
	get3(t, client, url)

	type result struct {
		id   string
		body string
		err  error
	}
	results := make(chan result, 100000)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 8 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := strconv.Itoa(w) + "-" + strconv.Itoa(i)
				// A request refused by the shutdown fails at once (GOAWAY) or when its
				// new connection attempt gives up; one second bounds the latter.
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				req.Header.Set("X-ID", id)
				resp, err := client.Do(req)
				r := result{id: id, err: err}
				if err == nil {
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					r.body, r.err = string(b), err
				}
				cancel()
				results <- r
				if r.err != nil {
					return // the server is going away
				}
			}
		})
	}
	time.Sleep(200 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	close(stop)
	wg.Wait()
	close(results)
	ok, refused := 0, 0
	mu.Lock()
	defer mu.Unlock()
	for r := range results {
		switch {
		case r.err == nil && r.body == "done "+r.id:
			ok++
		case r.err == nil:
			t.Errorf("request %s: body %q", r.id, r.body)
		case started[r.id]:
			t.Errorf("request %s was accepted (its handler ran) but failed: %v", r.id, r.err)
		default:
			refused++
		}
	}
	if ok == 0 {
		t.Error("no request succeeded")
	}
	t.Logf("%d requests answered, %d refused during shutdown", ok, refused)
	if err := <-served; err != nil {
		t.Errorf("ServeHTTP3: %v", err)
	}
}

// TestHTTP3AltSvcCurl checks that curl, a real client, picks up the advertisement: it
// records the HTTP/3 alternative in its alt-svc cache (curl accepts Alt-Svc only over
// HTTPS, so the App's TCP listener is wrapped in TLS here). This curl need not speak
// HTTP/3 itself. Both engines.
func TestHTTP3AltSvcCurl(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
			tcp, udp, h3c := serveTLSAndH3(t, app)
			get3(t, h3c, "https://"+udp+"/")
			cache := filepath.Join(t.TempDir(), "altsvc.txt")
			out, err := exec.Command(curl, "-sS", "--insecure", "--alt-svc", cache, "https://"+tcp+"/").CombinedOutput()
			if err != nil || string(out) != "ok" {
				t.Fatalf("curl: %v: %s", err, out)
			}
			b, err := os.ReadFile(cache)
			if err != nil {
				t.Fatal(err)
			}
			_, tcpPort, _ := net.SplitHostPort(tcp)
			_, udpPort, _ := net.SplitHostPort(udp)
			// "h1 127.0.0.1 TCPPORT h3 127.0.0.1 UDPPORT "expiry" ..." (curl's cache format:
			// the alternative host is the origin's when Alt-Svc names none).
			want := "h1 127.0.0.1 " + tcpPort + " h3 127.0.0.1 " + udpPort + " "
			if !strings.Contains(string(b), want) {
				t.Errorf("curl's alt-svc cache has no %q:\n%s", want, b)
			}
		})
	}
}

// serveTLSAndH3 is serveTCPAndH3 with the TCP listener wrapped in TLS (the same test
// certificate).
func serveTLSAndH3(t *testing.T, app *tako.App) (tcpAddr, udpAddr string, h3c *http.Client) {
	t.Helper()
	srvConf, _ := h3PKI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srvConf.NextProtos = []string{"http/1.1"}
	return serveWithH3(t, app, tls.NewListener(ln, srvConf))
}

// serveHTTP3UntilAltSvc serves app over HTTP/3 on a loopback UDP socket (closed when the
// test ends) and sends req through c until the response advertises it with
// Alt-Svc: h3=":8443" (the allocApp's HTTP3AltSvcPort).
func serveHTTP3UntilAltSvc(tb testing.TB, app *tako.App, c *rawClient, req []byte) {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { pc.Close() })
	srvConf, _ := h3PKI(tb)
	go app.ServeHTTP3(pc, srvConf)
	for deadline := time.Now().Add(5 * time.Second); ; {
		c.roundTrip(tb, req)
		if bytes.Contains(c.buf, []byte("\r\nAlt-Svc: h3=\":8443\"; ma=86400\r\n")) {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no Alt-Svc in %q", c.buf[:bytes.Index(c.buf, []byte("\r\n\r\n"))])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkFastHTTPAltSvc is BenchmarkFastHTTPInMemory's plaintext request with and without
// an HTTP/3 server running (so with and without the Alt-Svc header).
func BenchmarkFastHTTPAltSvc(b *testing.B) {
	for _, withH3 := range []bool{false, true} {
		b.Run(map[bool]string{false: "no-h3", true: "alt-svc"}[withH3], func(b *testing.B) {
			app := allocApp(tako.Config{Logger: discardLogger(), HTTP3AltSvcPort: 8443})
			c := serveInMemory(b, app)
			req := []byte("GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n")
			if withH3 {
				serveHTTP3UntilAltSvc(b, app, c, req)
			}
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}

// TestHTTP3ContextEndsOnShutdown: Ctx.Context of an HTTP/3 request ends when Shutdown
// begins, as on the TCP engines, so a handler waiting on it wraps up.
func TestHTTP3ContextEndsOnShutdown(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	started := make(chan struct{})
	app.Get("/wait", func(c *tako.Ctx) error {
		close(started)
		select {
		case <-c.Context().Done():
			return c.Text("wrapped up")
		case <-time.After(10 * time.Second):
			return c.Text("context never ended")
		}
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	srvConf, client := h3Client(t)
	served := make(chan error, 1)
	go func() { served <- app.ServeHTTP3(pc, srvConf) }()
	got := make(chan string, 1)
	go func() {
		resp, err := client.Get("https://" + pc.LocalAddr().String() + "/wait")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := app.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if body := <-got; body != "wrapped up" {
		t.Errorf("got %q, want the handler to see its context end", body)
	}
	if err := <-served; err != nil {
		t.Errorf("ServeHTTP3: %v", err)
	}
}
