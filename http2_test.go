package tako_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestTrailers sets response trailers on every transport, for a buffered body and for a
// stream, and reads them with the net/http client.
func TestTrailers(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/buffered", func(c *tako.Ctx) error {
			if err := c.SetTrailer("X-Checksum", "early"); err != nil {
				return err
			}
			if err := c.Text("body"); err != nil {
				return err
			}
			return c.SetTrailer("X-Checksum", "abc123") // a new value after the body
		})
		lateErr := make(chan error, 1)
		app.Get("/stream", func(c *tako.Ctx) error {
			c.SetTrailer("Grpc-Status", "2") // declared, with placeholders
			c.SetTrailer("Grpc-Message", "set before the stream")
			return c.Stream("text/plain", func(w *tako.StreamWriter) error {
				io.WriteString(w, "part 1,")
				w.Flush()
				io.WriteString(w, "part 2")
				// The real values, known at the end.
				if err := w.SetTrailer("Grpc-Status", "0"); err != nil {
					return err
				}
				if err := w.SetTrailer("Grpc-Message", "fine"); err != nil {
					return err
				}
				lateErr <- w.SetTrailer("X-Undeclared", "1") // HTTP/1.1 on fasthttp: too late
				return nil
			})
		})
		app.Get("/bad", func(c *tako.Ctx) error {
			var errs []string
			for _, name := range []string{"Content-Length", "transfer-encoding", "Set-Cookie", "Bad Name", ""} {
				if err := c.SetTrailer(name, "x"); err == nil {
					errs = append(errs, name)
				}
			}
			if err := c.SetTrailer("X-Ok", "line\nbreak"); err == nil {
				errs = append(errs, "value with a newline")
			}
			return c.Text(strings.Join(errs, ","))
		})
		h.start()
		r := h.get("/buffered")
		expect(t, r, 200, "body")
		if got := r.trailer.Get("X-Checksum"); got != "abc123" {
			t.Errorf("buffered: trailer %q (all: %v)", got, r.trailer)
		}
		r = h.get("/stream")
		expect(t, r, 200, "part 1,part 2")
		if r.trailer.Get("Grpc-Status") != "0" || r.trailer.Get("Grpc-Message") != "fine" {
			t.Errorf("stream: trailers %v, want Grpc-Status 0, Grpc-Message fine", r.trailer)
		}
		err := <-lateErr
		if h.requestEngine() == tako.FastHTTP {
			if err == nil || r.trailer.Get("X-Undeclared") != "" {
				t.Errorf("undeclared trailer on fasthttp: error %v, trailers %v", err, r.trailer)
			}
		} else if err != nil || r.trailer.Get("X-Undeclared") != "1" {
			t.Errorf("undeclared trailer on net/http: error %v, trailers %v", err, r.trailer)
		}
		expect(t, h.get("/bad"), 200, "")
	})
}

// TestStreamingBodies streams a request body larger than MaxBodyBytes to the handler and a
// response whose first part reaches the client before the handler writes the second, over
// every transport.
func TestStreamingBodies(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxBodyBytes: 1 << 20})
		app.Post("/upload", func(c *tako.Ctx) error {
			sum := sha256.New()
			n, err := io.Copy(sum, c.BodyReader())
			if err != nil {
				return err
			}
			return c.Text(fmt.Sprintf("%d %x", n, sum.Sum(nil)))
		})
		release := make(chan struct{})
		app.Get("/events", func(c *tako.Ctx) error {
			return c.Stream("text/plain", func(w *tako.StreamWriter) error {
				io.WriteString(w, "first\n")
				if err := w.Flush(); err != nil {
					return err
				}
				select {
				case <-release: // the client has read "first"
				case <-time.After(5 * time.Second):
				}
				io.WriteString(w, "second\n")
				return nil
			})
		})
		h.start()

		// 3 MiB sent in 64 KiB pieces through a pipe: no Content-Length.
		pr, pw := io.Pipe()
		want := sha256.New()
		go func() {
			piece := bytes.Repeat([]byte("0123456789abcdef"), 4096)
			for i := range 48 {
				piece[0] = byte(i)
				want.Write(piece)
				if _, err := pw.Write(piece); err != nil {
					return
				}
			}
			pw.Close()
		}()
		r := h.do("POST", "/upload", pr)
		expect(t, r, 200, fmt.Sprintf("%d %x", 48*65536, want.Sum(nil)))

		resp, err := h.client.Get(h.url("/events"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		line, err := br.ReadString('\n')
		if line != "first\n" || err != nil {
			t.Fatalf("first part: %q %v", line, err)
		}
		close(release)
		rest, err := io.ReadAll(br)
		if string(rest) != "second\n" || err != nil {
			t.Errorf("second part: %q %v", rest, err)
		}
	})
}

// h2Conn is a raw HTTP/2 client connection for tests that do what no well-behaved client
// does.
type h2Conn struct {
	net.Conn
	fr       *http2.Framer
	settings map[http2.SettingID]uint32 // the server's SETTINGS
	hbuf     bytes.Buffer
	enc      *hpack.Encoder
}

// dialH2C opens an h2c connection with prior knowledge and exchanges SETTINGS.
func dialH2C(t *testing.T, addr string) *h2Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &h2Conn{Conn: conn, fr: http2.NewFramer(conn, conn), settings: map[http2.SettingID]uint32{}}
	c.enc = hpack.NewEncoder(&c.hbuf)
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	if err := c.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	f, err := c.fr.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	sf, ok := f.(*http2.SettingsFrame)
	if !ok {
		t.Fatalf("first frame %v, want SETTINGS", f)
	}
	sf.ForeachSetting(func(s http2.Setting) error {
		c.settings[s.ID] = s.Val
		return nil
	})
	if err := c.fr.WriteSettingsAck(); err != nil {
		t.Fatal(err)
	}
	return c
}

// headers encodes a GET of path.
func (c *h2Conn) headers(path string) []byte {
	c.hbuf.Reset()
	for _, f := range []hpack.HeaderField{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "http"}, {Name: ":authority", Value: "x"}, {Name: ":path", Value: path}} {
		c.enc.WriteField(f)
	}
	return c.hbuf.Bytes()
}

// TestHTTP2Settings checks that the Config's HTTP/2 limits reach the client in SETTINGS, on
// both engines.
func TestHTTP2Settings(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, MaxHeaderBytes: 8 << 10, HTTP2: http.HTTP2Config{
				MaxConcurrentStreams: 33, MaxReadFrameSize: 32 << 10,
			}})
			addr, served := startRaw(t, app)
			defer func() { app.Shutdown(context.Background()); <-served }()
			c := dialH2C(t, addr)
			if got := c.settings[http2.SettingMaxConcurrentStreams]; got != 33 {
				t.Errorf("MAX_CONCURRENT_STREAMS %d, want 33", got)
			}
			c.Close()
			if got := c.settings[http2.SettingMaxFrameSize]; got != 32<<10 {
				t.Errorf("MAX_FRAME_SIZE %d, want %d", got, 32<<10)
			}
			// net/http adds a little to MaxHeaderBytes for HPACK's per-field overhead.
			if got := c.settings[http2.SettingMaxHeaderListSize]; got < 8<<10 || got > 16<<10 {
				t.Errorf("MAX_HEADER_LIST_SIZE %d, want about %d", got, 8<<10)
			}
			// The defaults.
			app2 := tako.New(tako.Config{Engine: e})
			addr2, served2 := startRaw(t, app2)
			defer func() { app2.Shutdown(context.Background()); <-served2 }()
			c2 := dialH2C(t, addr2)
			c2.Close()
			if got := c2.settings[http2.SettingMaxConcurrentStreams]; got != tako.DefaultHTTP2MaxConcurrentStreams {
				t.Errorf("default MAX_CONCURRENT_STREAMS %d", got)
			}
			if got := c2.settings[http2.SettingMaxFrameSize]; got != tako.DefaultHTTP2MaxReadFrameSize {
				t.Errorf("default MAX_FRAME_SIZE %d", got)
			}
		})
	}
}

// TestHTTP2RapidReset runs the rapid reset attack (CVE-2023-44487) against h2c on both
// engines: streams opened and cancelled at once, to a handler that ignores cancellation.
// The server never runs more handlers than MaxConcurrentStreams, ends the connection with
// GOAWAY ENHANCE_YOUR_CALM, and goes on serving other clients.
func TestHTTP2RapidReset(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			const maxStreams = 10
			var running, peak atomic.Int32
			release := make(chan struct{})
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger(), HTTP2: http.HTTP2Config{
				MaxConcurrentStreams: maxStreams,
			}})
			app.Get("/block", func(c *tako.Ctx) error {
				n := running.Add(1)
				defer running.Add(-1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				<-release // ignores Context: the worst case
				return c.Text("late")
			})
			app.Get("/ok", func(c *tako.Ctx) error { return c.Text("ok") })
			addr, served := startRaw(t, app)
			defer func() {
				app.Shutdown(context.Background())
				<-served
			}()
			defer close(release)

			c := dialH2C(t, addr)
			var goAway *http2.GoAwayFrame
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					f, err := c.fr.ReadFrame()
					if err != nil {
						return
					}
					if ga, ok := f.(*http2.GoAwayFrame); ok {
						goAway = ga
						return
					}
				}
			}()
			sent := 0
			for id := uint32(1); id < 2000; id += 2 {
				err := c.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: c.headers("/block"), EndStream: true, EndHeaders: true})
				if err == nil {
					err = c.fr.WriteRSTStream(id, http2.ErrCodeCancel)
				}
				if err != nil {
					break // the server closed the connection
				}
				sent++
			}
			<-done
			if goAway == nil {
				t.Fatalf("no GOAWAY after %d rapid resets", sent)
			}
			if goAway.ErrCode != http2.ErrCodeEnhanceYourCalm {
				t.Errorf("GOAWAY %v, want ENHANCE_YOUR_CALM", goAway.ErrCode)
			}
			if p := peak.Load(); p > maxStreams {
				t.Errorf("%d handlers ran at once, more than MaxConcurrentStreams %d", p, maxStreams)
			}
			c.Close()
			t.Logf("%d streams opened and reset before GOAWAY %v; peak handlers %d", sent, goAway.ErrCode, peak.Load())
			// Others are still served.
			var p http.Protocols
			p.SetUnencryptedHTTP2(true)
			tr := &http.Transport{Protocols: &p}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + addr + "/ok")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
				t.Errorf("after the attack: %d %s", resp.StatusCode, resp.Proto)
			}
		})
	}
}

// TestShutdownHTTP2 shuts the App down while a slow request is in flight over HTTP/2 (TLS
// and h2c): the request completes, new connections are refused, Shutdown returns nil once
// it has.
func TestShutdownHTTP2(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   func(t *testing.T, app *tako.App) (string, string, *http.Client, func() error)
	}{{"h2-tls", listenTLS(2)}, {"h2c", listenH2C}} {
		for _, e := range engines {
			t.Run(tc.name+"/"+e.String(), func(t *testing.T) {
				app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
				started := make(chan struct{})
				app.Get("/slow", func(c *tako.Ctx) error {
					close(started)
					time.Sleep(300 * time.Millisecond)
					return c.Text("slow done")
				})
				addr, scheme, client, serve := tc.tr(t, app)
				served := make(chan error, 1)
				go func() { served <- serve() }()
				slow := make(chan string, 1)
				go func() {
					resp, err := client.Get(scheme + "://" + addr + "/slow")
					if err != nil {
						slow <- "error: " + err.Error()
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					slow <- resp.Proto + " " + string(b)
				}()
				<-started
				begin := time.Now()
				shut := make(chan error, 1)
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					defer cancel()
					shut <- app.Shutdown(ctx)
				}()
				time.Sleep(50 * time.Millisecond)
				if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
					c.Close()
					t.Errorf("a new connection was accepted during shutdown")
				}
				if got := <-slow; got != "HTTP/2.0 slow done" {
					t.Errorf("in-flight request: %q", got)
				}
				client.CloseIdleConnections()
				if err := <-shut; err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				if d := time.Since(begin); d < 200*time.Millisecond {
					t.Errorf("Shutdown returned after %v, before the in-flight request finished", d)
				}
				if err := <-served; err != nil {
					t.Errorf("Serve: %v", err)
				}
			})
		}
	}
}

// TestH2CDetection sends the preface in pieces, a near-miss, and a preface to an App with
// h2c disabled, and a stalled partial preface, on the FastHTTP engine.
func TestH2CDetection(t *testing.T) {
	t.Run("preface in single bytes", func(t *testing.T) {
		app := tako.New(tako.Config{Logger: discardLogger()})
		app.Get("/", func(c *tako.Ctx) error { return c.Text(c.Protocol()) })
		addr, served := startRaw(t, app)
		defer func() { app.Shutdown(context.Background()); <-served }()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		for i := range len(http2.ClientPreface) {
			conn.Write([]byte{http2.ClientPreface[i]})
			time.Sleep(time.Millisecond)
		}
		fr := http2.NewFramer(conn, conn)
		fr.WriteSettings()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if f, err := fr.ReadFrame(); err != nil {
			t.Fatal(err)
		} else if _, ok := f.(*http2.SettingsFrame); !ok {
			t.Fatalf("got %v, want SETTINGS", f)
		}
	})
	t.Run("near miss is HTTP/1", func(t *testing.T) {
		app := tako.New(tako.Config{Logger: discardLogger()})
		app.Handle("PRI", "/x", func(c *tako.Ctx) error { return c.Text(c.Method() + " " + c.Protocol()) })
		addr, served := startRaw(t, app)
		defer func() { app.Shutdown(context.Background()); <-served }()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "PRI /x HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		if string(b) != "PRI HTTP/1.1" {
			t.Errorf("%d %q", resp.StatusCode, b)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		app := tako.New(tako.Config{DisableH2C: true, Logger: discardLogger()})
		addr, served := startRaw(t, app)
		defer func() { app.Shutdown(context.Background()); <-served }()
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr := &http.Transport{Protocols: &p}
		defer tr.CloseIdleConnections()
		if resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + addr + "/"); err == nil {
			resp.Body.Close()
			t.Errorf("h2c with DisableH2C: %s %d", resp.Proto, resp.StatusCode)
		}
	})
	t.Run("stalled preface is dropped", func(t *testing.T) {
		app := tako.New(tako.Config{ReadTimeout: 200 * time.Millisecond, Logger: discardLogger()})
		app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
		addr, served := startRaw(t, app)
		defer func() { app.Shutdown(context.Background()); <-served }()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "PRI * HTTP/2")
		// Others are served meanwhile.
		resp, err := http.Get("http://" + addr + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("a stalled partial preface kept its connection past ReadTimeout")
		}
	})
}

// curlHTTP2 returns the curl binary if it supports HTTP/2, or skips the test.
func curlHTTP2(t *testing.T) string {
	path, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil || !strings.Contains(string(out), "HTTP2") {
		t.Skip("curl without HTTP/2")
	}
	return path
}

// TestCurlHTTP2 talks to the App with curl: --http2 over TLS (ALPN) and
// --http2-prior-knowledge over cleartext, on both engines.
func TestCurlHTTP2(t *testing.T) {
	curl := curlHTTP2(t)
	pki := testPKI(t)
	caFile, _ := pemFiles(t, tls.Certificate{Certificate: [][]byte{pki.caCert.Raw}, PrivateKey: pki.caKey})
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			app.Post("/echo", func(c *tako.Ctx) error {
				b, err := c.Body()
				if err != nil {
					return err
				}
				c.SetHeader("X-Proto", c.Protocol())
				return c.Text(c.Scheme() + " " + string(b))
			})
			tlsAddr := serveTLS(t, app, &tls.Config{Certificates: []tls.Certificate{pki.server}})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go app.Serve(ln)
			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"--http2", "--cacert", caFile, "https://" + tlsAddr + "/echo"}, "HTTP/2 200|https hello"},
				{[]string{"--http1.1", "--cacert", caFile, "https://" + tlsAddr + "/echo"}, "HTTP/1.1 200 OK|https hello"},
				{[]string{"--http2-prior-knowledge", "http://" + ln.Addr().String() + "/echo"}, "HTTP/2 200|http hello"},
				{[]string{"http://" + ln.Addr().String() + "/echo"}, "HTTP/1.1 200 OK|http hello"},
			} {
				args := append([]string{"-sS", "-i", "--max-time", "10", "-d", "hello"}, tc.args...)
				out, err := exec.Command(curl, args...).CombinedOutput()
				if err != nil {
					t.Errorf("curl %v: %v\n%s", tc.args, err, out)
					continue
				}
				s := strings.ReplaceAll(string(out), "\r\n", "\n")
				status, _, _ := strings.Cut(s, "\n")
				_, body, _ := strings.Cut(s, "\n\n")
				if got := strings.TrimSpace(status) + "|" + body; got != tc.want {
					t.Errorf("curl %v: %q, want %q", tc.args, got, tc.want)
				}
			}
		})
	}
}

// TestShutdownGoAway: App.Shutdown sends an idle HTTP/2 connection GOAWAY (NO_ERROR) at
// once, on both engines, and returns when the client has hung up.
func TestShutdownGoAway(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			addr, served := startRaw(t, app)
			c := dialH2C(t, addr)
			shut := make(chan error, 1)
			go func() { shut <- app.Shutdown(context.Background()) }()
			for {
				f, err := c.fr.ReadFrame()
				if err != nil {
					t.Fatalf("no GOAWAY: %v", err)
				}
				if ga, ok := f.(*http2.GoAwayFrame); ok {
					if ga.ErrCode != http2.ErrCodeNo {
						t.Errorf("GOAWAY %v, want NO_ERROR", ga.ErrCode)
					}
					break
				}
			}
			c.Close()
			select {
			case err := <-shut:
				if err != nil {
					t.Errorf("Shutdown: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Shutdown did not return after the client hung up")
			}
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
}

// TestShutdownUnderLoadAllListeners shuts the App down while clients keep sending requests
// over HTTP/1.1 (cleartext and TLS), HTTP/2 over TLS, h2c and HTTP/3 to the same App, on
// both engines: one Shutdown, one deadline; every request whose handler started gets its
// whole response; the others fail to get in (a refused connection, or for HTTP/3 a
// handshake that gets no answer).
func TestShutdownUnderLoadAllListeners(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			var started atomic.Int64
			app.Get("/work", func(c *tako.Ctx) error {
				started.Add(1)
				time.Sleep(20 * time.Millisecond)
				return c.Text("done")
			})
			pki := testPKI(t)
			tlsAddr := serveTLSNoCleanup(t, app, &tls.Config{Certificates: []tls.Certificate{pki.server}})
			plainAddr, served := startRaw(t, app)
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			h3Conf, h3c := h3Client(t)
			served3 := make(chan error, 1)
			go func() { served3 <- app.ServeHTTP3(pc, h3Conf) }()

			var h2c http.Protocols
			h2c.SetUnencryptedHTTP2(true)
			clients := []struct {
				name, url string
				c         *http.Client
				ok        atomic.Int64
			}{
				{name: "HTTP/1.1", url: "http://" + plainAddr, c: &http.Client{Transport: &http.Transport{}}},
				{name: "h2c", url: "http://" + plainAddr, c: &http.Client{Transport: &http.Transport{Protocols: &h2c}}},
				{name: "HTTP/2 over TLS", url: "https://" + tlsAddr, c: tlsClient(t, 2)},
				{name: "HTTP/1.1 over TLS", url: "https://" + tlsAddr, c: tlsClient(t, 1)},
				{name: "HTTP/3", url: "https://" + pc.LocalAddr().String(), c: h3c},
			}
			var ok, refused atomic.Int64
			var unexpected sync.Map
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for i := range clients {
				cl := &clients[i]
				for range 4 {
					wg.Go(func() {
						for {
							select {
							case <-stop:
								return
							default:
							}
							resp, err := cl.c.Get(cl.url + "/work")
							if err != nil {
								if strings.Contains(err.Error(), "connection refused") {
									refused.Add(1)
									time.Sleep(5 * time.Millisecond)
									continue
								}
								unexpected.Store(err.Error(), true)
								continue
							}
							b, err := io.ReadAll(resp.Body)
							resp.Body.Close()
							if err != nil || string(b) != "done" {
								unexpected.Store(fmt.Sprintf("%s %q %v", resp.Proto, b, err), true)
								continue
							}
							ok.Add(1)
							cl.ok.Add(1)
						}
					})
				}
			}
			time.Sleep(300 * time.Millisecond)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := app.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			time.Sleep(100 * time.Millisecond) // clients now meet closed ports
			close(stop)
			wg.Wait()
			<-served
			if err := <-served3; err != nil {
				t.Errorf("ServeHTTP3: %v", err)
			}
			unexpected.Range(func(k, _ any) bool {
				t.Logf("client error: %v", k)
				return true
			})
			if s, o := started.Load(), ok.Load(); s != o {
				t.Errorf("%d handlers started, %d responses received whole", s, o)
			}
			if refused.Load() == 0 {
				t.Errorf("no connection was refused after Shutdown")
			}
			t.Logf("%d requests served whole, %d refused connections after shutdown", ok.Load(), refused.Load())
			for i := range clients {
				cl := &clients[i]
				t.Logf("%s: %d served", cl.name, cl.ok.Load())
				if cl.ok.Load() == 0 {
					t.Errorf("no request over %s was served before Shutdown", cl.name)
				}
			}
		})
	}
}

// serveTLSNoCleanup serves app with ServeTLS(cfg) on loopback; the test shuts it down.
func serveTLSNoCleanup(t *testing.T, app *tako.App, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.ServeTLS(ln, cfg)
	return ln.Addr().String()
}

// BenchmarkHTTP2 sends sequential GETs over one h2c connection with the net/http client to
// Tako (each engine: the FastHTTP engine hands h2c to Go's HTTP/2 server) and to a bare
// net/http server with the same handler. Client and server share the CPU; compare ratios.
func BenchmarkHTTP2(b *testing.B) {
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello, World!")
	})
	for _, tc := range []struct {
		name  string
		serve func(ln net.Listener) (stop func())
	}{
		{"tako-fasthttp", func(ln net.Listener) func() {
			app := allocApp(tako.Config{Logger: discardLogger()})
			go app.Serve(ln)
			return func() { app.Shutdown(context.Background()) }
		}},
		{"tako-nethttp", func(ln net.Listener) func() {
			app := allocApp(tako.Config{Engine: tako.NetHTTP, Logger: discardLogger()})
			go app.Serve(ln)
			return func() { app.Shutdown(context.Background()) }
		}},
		{"bare-nethttp", func(ln net.Listener) func() {
			var p http.Protocols
			p.SetHTTP1(true)
			p.SetUnencryptedHTTP2(true)
			srv := &http.Server{Handler: bare, Protocols: &p}
			go srv.Serve(ln)
			return func() { srv.Close() }
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			stop := tc.serve(ln)
			defer stop()
			var p http.Protocols
			p.SetUnencryptedHTTP2(true)
			tr := &http.Transport{Protocols: &p}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			url := "http://" + ln.Addr().String() + "/plaintext"
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.ProtoMajor != 2 {
					b.Fatalf("%s", resp.Proto)
				}
			}
		})
	}
}

// TestStreamTrailerAfterClientLeft: on the FastHTTP engine a stream function that sets a
// trailer after the client went away gets an error, and touches no recycled response
// (run with -race).
func TestStreamTrailerAfterClientLeft(t *testing.T) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	result := make(chan error, 1)
	app.Get("/s", func(c *tako.Ctx) error {
		c.SetTrailer("X-Sum", "pending")
		return c.Stream("text/plain", func(w *tako.StreamWriter) error {
			for range 1000 {
				io.WriteString(w, strings.Repeat("x", 1024))
				if err := w.Flush(); err != nil {
					break
				}
				time.Sleep(time.Millisecond)
			}
			time.Sleep(20 * time.Millisecond) // fasthttp has given up on the response
			result <- w.SetTrailer("X-Sum", "done")
			return nil
		})
	})
	app.Get("/other", func(c *tako.Ctx) error { return c.Text("other") })
	addr, served := startRaw(t, app)
	defer func() { app.Shutdown(context.Background()); <-served }()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
	conn.Read(make([]byte, 4096))
	conn.Close()
	// Other requests reuse fasthttp's pooled request contexts meanwhile.
	for range 20 {
		resp, err := http.Get("http://" + addr + "/other")
		if err == nil {
			resp.Body.Close()
		}
	}
	select {
	case err := <-result:
		if err == nil {
			t.Error("SetTrailer after the client went away: no error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the stream function did not notice the client had gone")
	}
}

// TestH2CMaxConns: h2c connections handed from fasthttp to the HTTP/2 server still count
// against MaxConns: the one over the limit waits until another closes.
func TestH2CMaxConns(t *testing.T) {
	app := tako.New(tako.Config{MaxConns: 2, Logger: discardLogger()})
	addr, served := startRaw(t, app)
	defer func() { app.Shutdown(context.Background()); <-served }()
	first := dialH2C(t, addr)
	second := dialH2C(t, addr)
	defer second.Close()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, http2.ClientPreface)
	fr := http2.NewFramer(conn, conn)
	fr.WriteSettings()
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	if f, err := fr.ReadFrame(); err == nil {
		t.Fatalf("a third h2c connection was served over MaxConns 2: %v", f)
	}
	first.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	fr = http2.NewFramer(conn, conn) // the timed-out read left the old framer unusable
	if f, err := fr.ReadFrame(); err != nil {
		t.Fatalf("the waiting connection was not served once another closed: %v", err)
	} else if _, ok := f.(*http2.SettingsFrame); !ok {
		t.Fatalf("got %v, want SETTINGS", f)
	}
}
