package tako_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// syncBuffer is a log destination that handlers on several goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startTCP serves h on a loopback listener (wrapped by wrap, if given) and returns the
// server with its Serve result.
func startTCP(t *testing.T, app *tako.App, h tako.TCPHandler, wrap ...func(net.Listener) net.Listener) (*tako.TCPServer, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range wrap {
		ln = w(ln)
	}
	srv := app.NewTCPServer(ln, h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	return srv, served
}

func echoTCP(ctx context.Context, conn net.Conn) {
	io.Copy(conn, conn)
}

func shutdown(t *testing.T, app *tako.App, d time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return app.Shutdown(ctx)
}

func TestServeTCPEcho(t *testing.T) {
	app := tako.New()
	srv, served := startTCP(t, app, echoTCP)
	for i := range 3 {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		msg := strings.Repeat("ping", i+1)
		c.Write([]byte(msg))
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
			t.Fatalf("echo: %q, %v", got, err)
		}
		c.Close()
	}
	if err := shutdown(t, app, 5*time.Second); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if st := srv.Stats(); st.Accepted != 3 || st.Active != 0 || st.Panics != 0 {
		t.Errorf("stats %+v", st)
	}
	if _, err := net.DialTimeout("tcp", srv.Addr().String(), time.Second); err == nil {
		t.Error("the listener still accepts after Shutdown")
	}
}

// A handler blocked in Read with no thought of shutdown returns at once (the read
// deadline), sees the context cancelled, and can still write a goodbye.
func TestServeTCPShutdownWakesReaders(t *testing.T) {
	app := tako.New()
	sawCancel := make(chan bool, 1)
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		buf := make([]byte, 64)
		for {
			if _, err := conn.Read(buf); err != nil {
				sawCancel <- errors.Is(err, os.ErrDeadlineExceeded) && ctx.Err() != nil
				conn.Write([]byte("bye"))
				return
			}
		}
	})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("hello"))
	waitFor(t, func() bool { return srv.Stats().Active == 1 })

	start := time.Now()
	if err := shutdown(t, app, 10*time.Second); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Shutdown took %v: the blocked reader was not woken", d)
	}
	if !<-sawCancel {
		t.Error("handler did not see a deadline error with its context cancelled")
	}
	if got, _ := io.ReadAll(c); string(got) != "bye" {
		t.Errorf("client read %q, want the handler's goodbye", got)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

// A handler busy with work when Shutdown starts finishes it: Shutdown waits for it.
func TestServeTCPShutdownWaitsForHandlers(t *testing.T) {
	app := tako.New()
	started, release := make(chan struct{}), make(chan struct{})
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		close(started)
		<-release // working, not reading
		conn.Write([]byte("result"))
	})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-started
	done := make(chan error, 1)
	go func() { done <- shutdown(t, app, 10*time.Second) }()
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v while a handler was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if got, _ := io.ReadAll(c); string(got) != "result" {
		t.Errorf("client read %q", got)
	}
	<-served
}

// When the deadline passes, the connections still open are closed, which ends a
// handler that ignored the shutdown.
func TestServeTCPShutdownDeadline(t *testing.T) {
	app := tako.New()
	ended := make(chan error, 1)
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		buf := make([]byte, 64)
		for {
			_, err := conn.Read(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				conn.SetReadDeadline(time.Time{}) // stubborn: keep reading
				continue
			}
			if err != nil {
				ended <- err
				return
			}
		}
	})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, func() bool { return srv.Stats().Active == 1 })
	if err := shutdown(t, app, 200*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want the deadline", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("handler ended with %v, want its connection closed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the connection was not closed at the deadline")
	}
	<-served
}

func TestServeTCPPanic(t *testing.T) {
	var logs syncBuffer
	app := tako.New(tako.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		if line == "panic\n" {
			panic("boom")
		}
		conn.Write([]byte("ok"))
	})
	for _, msg := range []string{"panic\n", "hello\n"} {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte(msg))
		got, err := io.ReadAll(c)
		c.Close()
		want := "ok"
		if msg == "panic\n" {
			want = "" // closed without an answer
		}
		if string(got) != want || err != nil {
			t.Fatalf("after %q: read %q, %v; want %q", msg, got, err, want)
		}
	}
	if st := srv.Stats(); st.Panics != 1 || st.Accepted != 2 {
		t.Errorf("stats %+v", st)
	}
	if l := logs.String(); !strings.Contains(l, "panic in raw TCP handler") || !strings.Contains(l, "boom") ||
		!strings.Contains(l, "remote=127.0.0.1:") {
		t.Errorf("log: %s", l)
	}
	shutdown(t, app, 5*time.Second)
	<-served
}

func TestServeTCPMaxConns(t *testing.T) {
	app := tako.New(tako.Config{TCPMaxConns: 1})
	running := make(chan string, 2)
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		line, _ := bufio.NewReader(conn).ReadString('\n')
		running <- line
		io.Copy(io.Discard, conn) // hold the connection until the client closes it
	})
	c1, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c1.Write([]byte("first\n"))
	if got := <-running; got != "first\n" {
		t.Fatalf("got %q", got)
	}
	c2, err := net.Dial("tcp", srv.Addr().String()) // completes in the kernel's backlog
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	c2.Write([]byte("second\n"))
	select {
	case got := <-running:
		t.Fatalf("%q served over the cap of 1", got)
	case <-time.After(150 * time.Millisecond):
	}
	c1.Close()
	select {
	case got := <-running:
		if got != "second\n" {
			t.Fatalf("got %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second connection was not served once the first closed")
	}
	c2.Close()
	shutdown(t, app, 5*time.Second)
	<-served
}

// Behind a PROXY protocol listener, the handler's RemoteAddr is the client's.
func TestServeTCPProxyProtocol(t *testing.T) {
	app := tako.New()
	srv, served := startTCP(t, app, func(ctx context.Context, conn net.Conn) {
		bufio.NewReader(conn).ReadString('\n')
		io.WriteString(conn, conn.RemoteAddr().String())
	}, func(ln net.Listener) net.Listener {
		return proxyproto.Listen(ln, proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	})
	h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyTCP4,
		Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:9000")}
	v1, _ := parse.AppendProxyV1(nil, &h)
	v2, _ := parse.AppendProxyV2(nil, &h)
	for name, hdr := range map[string][]byte{"v1": v1, "v2": v2, "none": nil} {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write(append(hdr, "hi\n"...))
		got, _ := io.ReadAll(c)
		c.Close()
		want := "203.0.113.7:4711"
		if hdr == nil {
			want = c.LocalAddr().String() // no header: the real peer
		}
		if string(got) != want {
			t.Errorf("%s: handler saw %q, want %q", name, got, want)
		}
	}
	shutdown(t, app, 5*time.Second)
	<-served
}

// One App.Shutdown stops an HTTP listener and a raw TCP server together.
func TestServeTCPWithHTTP(t *testing.T) {
	app := tako.New()
	app.Get("/", func(c *tako.Ctx) error { return c.Text("http") })
	hln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	httpServed := make(chan error, 1)
	go func() { httpServed <- app.Serve(hln) }()
	srv, tcpServed := startTCP(t, app, echoTCP)

	resp, err := http.Get("http://" + hln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("x"))
	io.ReadFull(c, make([]byte, 1))

	if err := shutdown(t, app, 5*time.Second); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-httpServed; err != nil {
		t.Errorf("HTTP Serve: %v", err)
	}
	if err := <-tcpServed; err != nil {
		t.Errorf("TCP Serve: %v", err)
	}
	// The echo handler's Read was woken and its connection closed.
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("raw connection after Shutdown: %v, want EOF", err)
	}
}

func TestServeTCPAfterShutdown(t *testing.T) {
	app := tako.New()
	shutdown(t, app, time.Second)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.ServeTCP(ln, echoTCP); err != http.ErrServerClosed {
		t.Fatalf("ServeTCP after Shutdown: %v", err)
	}
	if _, err := ln.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("listener left open: %v", err)
	}
}

// BenchmarkTCPEcho measures a 64-byte round trip over loopback through a TCPServer,
// and through a bare accept loop with the same handler for comparison.
func BenchmarkTCPEcho(b *testing.B) {
	echo := func(conn net.Conn) {
		buf := make([]byte, 512)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			conn.Write(buf[:n])
		}
	}
	b.Run("tako", func(b *testing.B) {
		app := tako.New(tako.Config{Logger: discardLogger()})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go app.ServeTCP(ln, func(ctx context.Context, conn net.Conn) { echo(conn) })
		benchTCPEcho(b, ln.Addr().String())
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		app.Shutdown(ctx)
	})
	b.Run("bare", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					echo(c)
				}()
			}
		}()
		benchTCPEcho(b, ln.Addr().String())
	})
}

func benchTCPEcho(b *testing.B, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	msg := bytes.Repeat([]byte("x"), 64)
	got := make([]byte, len(msg))
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		c.Write(msg)
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
	}
}

// waitFor polls cond until it holds, failing the test after 5 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
	}
}
