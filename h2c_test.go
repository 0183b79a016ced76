package tako_test

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// serveTCP serves app on a loopback TCP listener and returns a raw keep-alive client.
func serveTCP(tb testing.TB, app *tako.App) (*rawClient, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		app.Serve(ln)
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.Close()
		app.Shutdown(tb.Context())
		<-done
	})
	return &rawClient{conn: conn, buf: make([]byte, 4096)}, ln.Addr().String()
}

// TestH2CZeroAlloc proves that HTTP/1.1 through the h2c-detecting connection wrapper (on by
// default) allocates nothing per request in steady state, over real loopback TCP, on a
// listener that does serve h2c.
func TestH2CZeroAlloc(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	app := allocApp(tako.Config{Logger: discardLogger()})
	c, addr := serveTCP(t, app)
	req := []byte(allocCases[0].req)
	for range 100 {
		if got := c.roundTrip(t, req); string(got) != allocCases[0].body {
			t.Fatalf("body %q", got)
		}
	}
	if allocs := testing.AllocsPerRun(1000, func() { c.roundTrip(t, req) }); allocs != 0 {
		t.Errorf("%v allocs per HTTP/1.1 request through the h2c wrapper, want 0", allocs)
	}
	// The same listener serves h2c: the wrapper is there.
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &p}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get("http://" + addr + "/plaintext")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("h2c request served over %s", resp.Proto)
	}
}

// BenchmarkH2CDetect measures HTTP/1.1 keep-alive requests over loopback TCP with h2c
// detection on (the default) and off: the wrapper's cost per request.
func BenchmarkH2CDetect(b *testing.B) {
	for _, tc := range []struct {
		name string
		off  bool
	}{{"h2c=on", false}, {"h2c=off", true}} {
		b.Run(tc.name, func(b *testing.B) {
			c, _ := serveTCP(b, allocApp(tako.Config{Logger: discardLogger(), DisableH2C: tc.off}))
			req := []byte(allocCases[0].req)
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}

// BenchmarkH2CDetectLargeBody is BenchmarkH2CDetect for a 64 KiB response, larger than
// fasthttp's write buffer: fasthttp sends header and body with one writev only on a bare
// *net.TCPConn, so through the wrapper they take two writes.
func BenchmarkH2CDetectLargeBody(b *testing.B) {
	body := strings.Repeat("x", 64<<10)
	for _, tc := range []struct {
		name string
		off  bool
	}{{"h2c=on", false}, {"h2c=off", true}} {
		b.Run(tc.name, func(b *testing.B) {
			app := tako.New(tako.Config{Logger: discardLogger(), DisableH2C: tc.off})
			app.Get("/large", func(c *tako.Ctx) error { return c.Text(body) })
			c, _ := serveTCP(b, app)
			c.buf = make([]byte, 80<<10)
			req := []byte("GET /large HTTP/1.1\r\nHost: localhost\r\n\r\n")
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}

// TestTLSAllocsAsBareTLS: HTTP/1.1 over TLS (ServeTLS, FastHTTP engine, one keep-alive
// connection) costs per request exactly the allocations crypto/tls makes on a bare TLS
// connection answering canned responses (Go 1.26's tls.Conn allocates one small reader per
// record read, on each side): Tako and fasthttp add none.
func TestTLSAllocsAsBareTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	pki := testPKI(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{pki.server}}
	dial := func(addr string) *rawClient {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pki.pool, NextProtos: []string{"http/1.1"}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return &rawClient{conn: conn, buf: make([]byte, 4096)}
	}
	measure := func(c *rawClient, req []byte, body string) float64 {
		for range 100 {
			if got := c.roundTrip(t, req); string(got) != body {
				t.Fatalf("body %q", got)
			}
		}
		return testing.AllocsPerRun(1000, func() { c.roundTrip(t, req) })
	}

	// The baseline: a bare TLS server that reads a request and writes a canned response.
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 4096)
		resp := []byte("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nHello, World!")
		for {
			if _, err := conn.Read(buf); err != nil {
				return
			}
			if _, err := conn.Write(resp); err != nil {
				return
			}
		}
	}()
	tc := allocCases[0]
	base := measure(dial(ln.Addr().String()), []byte(tc.req), tc.body)

	app := allocApp(tako.Config{Logger: discardLogger()})
	c := dial(serveTLS(t, app, cfg))
	for _, tc := range allocCases[:2] {
		if allocs := measure(c, []byte(tc.req), tc.body); allocs != base {
			t.Errorf("%s: %v allocs per HTTP/1.1 request over TLS, want %v as on a bare tls.Conn", tc.name, allocs, base)
		}
	}
	t.Logf("allocs per request over TLS: %v, as on a bare tls.Conn", base)
}
