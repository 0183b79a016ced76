package tako_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// startUDP serves h on a loopback UDP socket.
func startUDP(t testing.TB, app *tako.App, h tako.UDPHandler) (*tako.UDPServer, chan error) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := app.NewUDPServer(pc, h)
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	return srv, served
}

func echoUDP(ctx context.Context, d *tako.Datagram) { d.Reply(d.Data) }

// dialUDP returns a client socket bound to local (any port) and connected to the server.
func dialUDP(t testing.TB, local string, srv *tako.UDPServer) *net.UDPConn {
	t.Helper()
	la := net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(local), 0))
	c, err := net.DialUDP("udp", la, srv.Addr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// udpRoundTrip sends msg and returns the answer.
func udpRoundTrip(t testing.TB, c *net.UDPConn, msg []byte) string {
	t.Helper()
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2048)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// checkAccounted verifies that every datagram read is accounted for exactly once.
func checkAccounted(t *testing.T, st tako.UDPStats) {
	t.Helper()
	if st.Received != st.Handled+st.Dropped+st.Oversize+st.Rejected {
		t.Errorf("stats do not add up: %+v", st)
	}
}

func TestServeUDPEcho(t *testing.T) {
	app := tako.New()
	srv, served := startUDP(t, app, echoUDP)
	c := dialUDP(t, "127.0.0.1", srv)
	for _, msg := range []string{"ping", "", strings.Repeat("x", 1500)} {
		if got := udpRoundTrip(t, c, []byte(msg)); got != msg {
			t.Fatalf("echo of %d bytes: got %d bytes", len(msg), len(got))
		}
	}
	if err := shutdown(t, app, 5*time.Second); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	st := srv.Stats()
	if st.Received != 3 || st.Handled != 3 {
		t.Errorf("stats %+v", st)
	}
	checkAccounted(t, st)
	// The socket is closed: its port can be bound again.
	pc, err := net.ListenPacket("udp", srv.Addr().String())
	if err != nil {
		t.Fatalf("socket still open after Shutdown: %v", err)
	}
	pc.Close()
}

// The handler sees the sender's address, and From equals Peer without PROXY.
func TestServeUDPAddresses(t *testing.T) {
	app := tako.New()
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) {
		d.Reply([]byte(d.From.String() + " " + d.Peer.String() + " " + d.RemoteAddr().String()))
	})
	c := dialUDP(t, "127.0.0.1", srv)
	me := c.LocalAddr().String()
	if got, want := udpRoundTrip(t, c, []byte("who")), me+" "+me+" "+me; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	shutdown(t, app, 5*time.Second)
	<-served
}

// On a dual-stack socket, an IPv4 client is reported as IPv4, and answered.
func TestServeUDPDualStack(t *testing.T) {
	pc, err := net.ListenPacket("udp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	app := tako.New()
	srv := app.NewUDPServer(pc, func(ctx context.Context, d *tako.Datagram) {
		d.Reply([]byte(d.From.String() + " " + d.Peer.String()))
	})
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	port := srv.Addr().(*net.UDPAddr).Port
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	me := c.LocalAddr().String()
	if got := udpRoundTrip(t, c, []byte("x")); got != me+" "+me {
		t.Errorf("got %q, want %q twice", got, me)
	}
	shutdown(t, app, 5*time.Second)
	<-served
}

// With Config.UDPProxy, a trusted balancer's v2 header gives the client's address; an
// untrusted sender's header is refused; plain datagrams pass.
func TestServeUDPProxyProtocol(t *testing.T) {
	app := tako.New(tako.Config{UDPProxy: &proxyproto.Config{
		Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}, // the balancer
	}})
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) {
		h, ok := d.ProxyHeader()
		d.Reply([]byte(d.From.String() + " " + string(d.Data) + " " + h.Transport.String() + " " + boolString(ok)))
	})
	client := netip.MustParseAddrPort("203.0.113.7:4711")
	h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyUDP4,
		Source: client, Dest: netip.MustParseAddrPort("198.51.100.1:53")}
	hdr, err := parse.AppendProxyV2(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	balancer := dialUDP(t, "127.0.0.2", srv)
	if got := udpRoundTrip(t, balancer, append(bytes.Clone(hdr), "query"...)); got != "203.0.113.7:4711 query UDP4 true" {
		t.Errorf("relayed: got %q", got)
	}
	if got, want := udpRoundTrip(t, balancer, []byte("direct")), balancer.LocalAddr().String()+" direct UNSPEC false"; got != want {
		t.Errorf("trusted, no header: got %q, want %q", got, want)
	}
	// A refused datagram is never answered: the next answer on the socket is the next
	// datagram's.
	stranger := dialUDP(t, "127.0.0.1", srv)
	stranger.Write(append(bytes.Clone(hdr), "spoof"...))
	waitFor(t, func() bool { return srv.Stats().Rejected == 1 })
	if got, want := udpRoundTrip(t, stranger, []byte("plain")), stranger.LocalAddr().String()+" plain UNSPEC false"; got != want {
		t.Errorf("untrusted plain: got %q, want %q", got, want)
	}
	balancer.Write(hdr[:20]) // truncated header
	waitFor(t, func() bool { return srv.Stats().Rejected == 2 })
	if got := udpRoundTrip(t, balancer, append(bytes.Clone(hdr), "again"...)); got != "203.0.113.7:4711 again UDP4 true" {
		t.Errorf("relayed: got %q", got)
	}
	shutdown(t, app, 5*time.Second)
	<-served
	st := srv.Stats()
	if st.Rejected != 2 || st.Handled != 4 {
		t.Errorf("stats %+v", st)
	}
	checkAccounted(t, st)
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestServeUDPOversize(t *testing.T) {
	app := tako.New(tako.Config{UDPMaxDatagram: 100})
	srv, served := startUDP(t, app, echoUDP)
	c := dialUDP(t, "127.0.0.1", srv)
	c.Write(make([]byte, 101))
	waitFor(t, func() bool { return srv.Stats().Oversize == 1 })
	if got := udpRoundTrip(t, c, make([]byte, 100)); len(got) != 100 {
		t.Errorf("datagram at the limit: answer of %d bytes", len(got))
	}
	shutdown(t, app, 5*time.Second)
	<-served
	st := srv.Stats()
	if st.Oversize != 1 || st.Handled != 1 {
		t.Errorf("stats %+v", st)
	}
	checkAccounted(t, st)
}

// With the only worker busy and the queue full, datagrams are dropped and counted.
func TestServeUDPQueueFull(t *testing.T) {
	app := tako.New(tako.Config{UDPWorkers: 1, UDPQueue: 1})
	release := make(chan struct{})
	busy := make(chan struct{}, 1)
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) {
		select {
		case busy <- struct{}{}:
		default:
		}
		<-release
		d.Reply(d.Data)
	})
	c := dialUDP(t, "127.0.0.1", srv)
	c.Write([]byte("0"))
	<-busy // the worker holds datagram 0
	for i := 1; i <= 4; i++ {
		c.Write([]byte{byte('0' + i)})
	}
	waitFor(t, func() bool { return srv.Stats().Received == 5 })
	if st := srv.Stats(); st.Dropped != 3 || st.Queued != 1 {
		t.Fatalf("stats %+v, want 3 dropped and 1 queued", st)
	}
	close(release)
	buf := make([]byte, 8)
	var got []string
	for range 2 {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(buf[:n]))
	}
	if strings.Join(got, ",") != "0,1" {
		t.Errorf("answers %v, want the first two datagrams", got)
	}
	shutdown(t, app, 5*time.Second)
	<-served
	checkAccounted(t, srv.Stats())
}

// Shutdown stops reading, lets the workers handle what is queued (their replies still go
// out), then closes the socket.
func TestServeUDPShutdownDrains(t *testing.T) {
	app := tako.New(tako.Config{UDPWorkers: 1})
	release := make(chan struct{})
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) {
		<-release
		d.Reply(d.Data)
	})
	c := dialUDP(t, "127.0.0.1", srv)
	for i := range 3 {
		c.Write([]byte{byte('a' + i)})
	}
	waitFor(t, func() bool { return srv.Stats().Received == 3 })
	done := make(chan error, 1)
	go func() { done <- shutdown(t, app, 10*time.Second) }()
	if err := <-served; err != nil { // the reader stopped at once
		t.Fatalf("Serve: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("Shutdown returned %v with datagrams queued", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	buf := make([]byte, 8)
	var got []byte
	for range 3 {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := c.Read(buf)
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != "abc" {
		t.Errorf("answers %q", got)
	}
	st := srv.Stats()
	if st.Handled != 3 {
		t.Errorf("stats %+v", st)
	}
	checkAccounted(t, st)
}

// At Shutdown's deadline, the datagrams still queued are dropped.
func TestServeUDPShutdownDeadline(t *testing.T) {
	app := tako.New(tako.Config{UDPWorkers: 1})
	release := make(chan struct{})
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) { <-release })
	c := dialUDP(t, "127.0.0.1", srv)
	for i := range 3 {
		c.Write([]byte{byte('a' + i)})
	}
	waitFor(t, func() bool { return srv.Stats().Received == 3 })
	if err := shutdown(t, app, 100*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want the deadline", err)
	}
	close(release)
	<-served
	waitFor(t, func() bool { st := srv.Stats(); return st.Handled+st.Dropped == 3 })
	if st := srv.Stats(); st.Handled != 1 || st.Dropped != 2 {
		t.Errorf("stats %+v, want 1 handled and 2 dropped", st)
	}
}

func TestServeUDPPanic(t *testing.T) {
	var logs syncBuffer
	app := tako.New(tako.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	srv, served := startUDP(t, app, func(ctx context.Context, d *tako.Datagram) {
		if string(d.Data) == "panic" {
			panic("boom")
		}
		d.Reply(d.Data)
	})
	c := dialUDP(t, "127.0.0.1", srv)
	c.Write([]byte("panic"))
	waitFor(t, func() bool { return srv.Stats().Panics == 1 })
	if got := udpRoundTrip(t, c, []byte("next")); got != "next" {
		t.Errorf("after a panic: %q", got)
	}
	shutdown(t, app, 5*time.Second)
	<-served
	if st := srv.Stats(); st.Panics != 1 || st.Handled != 2 {
		t.Errorf("stats %+v", st)
	}
	if l := logs.String(); !strings.Contains(l, "panic in UDP handler") || !strings.Contains(l, "boom") {
		t.Errorf("log: %s", l)
	}
}

// A PacketConn other than *net.UDPConn (here unixgram) works through net.Addr.
func TestServeUDPUnixgram(t *testing.T) {
	dir := t.TempDir()
	srvPath, cliPath := filepath.Join(dir, "s"), filepath.Join(dir, "c")
	pc, err := net.ListenPacket("unixgram", srvPath)
	if err != nil {
		t.Skip("unixgram:", err)
	}
	app := tako.New()
	served := make(chan error, 1)
	go func() {
		served <- app.ServeUDP(pc, func(ctx context.Context, d *tako.Datagram) {
			d.Reply([]byte(d.RemoteAddr().String() + ":" + string(d.Data)))
		})
	}()
	c, err := net.DialUnix("unixgram", &net.UnixAddr{Name: cliPath, Net: "unixgram"},
		&net.UnixAddr{Name: srvPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("hi"))
	buf := make([]byte, 512)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != cliPath+":hi" {
		t.Errorf("got %q, %v", buf[:n], err)
	}
	shutdown(t, app, 5*time.Second)
	<-served
}

func TestServeUDPAfterShutdown(t *testing.T) {
	app := tako.New()
	shutdown(t, app, time.Second)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.ServeUDP(pc, echoUDP); err != http.ErrServerClosed {
		t.Fatalf("ServeUDP after Shutdown: %v", err)
	}
	if _, _, err := pc.ReadFrom(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("socket left open: %v", err)
	}
}

// Serving a datagram, PROXY header included, allocates nothing in steady state: the
// count covers every goroutine (reader, worker, client).
func TestUDPAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, withProxy := range []bool{false, true} {
		name := "plain"
		cfg := tako.Config{Logger: discardLogger()}
		var hdr []byte
		if withProxy {
			name = "proxy"
			cfg.UDPProxy = &proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
			h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyUDP4,
				Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:53")}
			hdr, _ = parse.AppendProxyV2(nil, &h)
		}
		t.Run(name, func(t *testing.T) {
			app := tako.New(cfg)
			srv, served := startUDP(t, app, echoUDP)
			c := dialUDP(t, "127.0.0.1", srv)
			msg := append(hdr, "0123456789abcdef"...)
			buf := make([]byte, 64)
			c.SetReadDeadline(time.Now().Add(time.Minute))
			exchange := func() {
				c.Write(msg)
				n, err := c.Read(buf)
				if err != nil || string(buf[:n]) != "0123456789abcdef" {
					t.Fatalf("echo: %q, %v", buf[:n], err)
				}
			}
			for range 100 {
				exchange()
			}
			if allocs := testing.AllocsPerRun(500, exchange); allocs != 0 {
				t.Errorf("%v allocations per datagram, want 0", allocs)
			}
			shutdown(t, app, 5*time.Second)
			<-served
		})
	}
}

// BenchmarkUDPEcho measures a 64-byte round trip over loopback through a UDPServer
// (reader, queue, worker, Reply), and through a bare read/write loop on the same kind of
// socket for comparison: the difference is the server's hand-off.
func BenchmarkUDPEcho(b *testing.B) {
	b.Run("tako", func(b *testing.B) {
		app := tako.New(tako.Config{Logger: discardLogger()})
		srv, served := startUDP(b, app, echoUDP)
		benchUDPEcho(b, dialUDP(b, "127.0.0.1", srv))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		app.Shutdown(ctx)
		<-served
	})
	b.Run("bare", func(b *testing.B) {
		pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			b.Fatal(err)
		}
		defer pc.Close()
		go func() {
			buf := make([]byte, 64<<10)
			for {
				n, from, err := pc.ReadFromUDPAddrPort(buf)
				if err != nil {
					return
				}
				pc.WriteToUDPAddrPort(buf[:n], from)
			}
		}()
		c, err := net.DialUDP("udp", nil, pc.LocalAddr().(*net.UDPAddr))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		benchUDPEcho(b, c)
	})
}

func benchUDPEcho(b *testing.B, c *net.UDPConn) {
	msg := bytes.Repeat([]byte("x"), 64)
	buf := make([]byte, 128)
	c.SetReadDeadline(time.Now().Add(time.Minute))
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		c.Write(msg)
		if _, err := c.Read(buf); err != nil {
			b.Fatal(err)
		}
	}
}
