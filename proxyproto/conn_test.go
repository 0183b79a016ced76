package proxyproto_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// peerConn gives a net.Pipe end the remote address of a TCP peer.
type peerConn struct {
	net.Conn
	remote net.Addr
}

func (c peerConn) RemoteAddr() net.Addr { return c.remote }

var (
	trustedPeer   = net.TCPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:5000"))
	untrustedPeer = net.TCPAddrFromAddrPort(netip.MustParseAddrPort("[::ffff:192.0.2.1]:5000"))
)

// pipe returns a wrapped server end whose peer is peer, and the client end, to
// which input is written (then closed) from a goroutine.
func pipe(t testing.TB, cfg *proxyproto.Config, peer net.Addr, input []byte) *proxyproto.Conn {
	srv, cli := net.Pipe()
	t.Cleanup(func() { srv.Close(); cli.Close() })
	go func() {
		cli.Write(input)
		cli.Close()
	}()
	return proxyproto.NewConn(peerConn{srv, peer}, cfg)
}

func TestConnHeaderAndPayload(t *testing.T) {
	payload := []byte("GET / HTTP/1.1\r\n\r\n\x00\xff rest of the stream")
	hdr := v2Header(t, parse.ProxyTCP6, "[2001:db8::5]:4711", "[2001:db8::1]:443",
		parse.ProxyTLV{Type: parse.ProxyTLVAuthority, Value: []byte("example.com")})
	cfg := &proxyproto.Config{Trusted: loopback, ReadHeaderTimeout: time.Second}
	c := pipe(t, cfg, trustedPeer, append(hdr, payload...))

	if got := c.RemoteAddr().String(); got != "[2001:db8::5]:4711" {
		t.Errorf("RemoteAddr = %s", got)
	}
	if got := c.LocalAddr().String(); got != "[2001:db8::1]:443" {
		t.Errorf("LocalAddr = %s", got)
	}
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, payload) {
		t.Errorf("payload = %q, %v; want %q", got, err, payload)
	}
	h, ok := proxyproto.HeaderOf(c)
	if !ok || h.Version != 2 || h.Source.String() != "[2001:db8::5]:4711" {
		t.Fatalf("HeaderOf = %+v, %v", h, ok)
	}
	if authority, _ := h.TLVs.Find(parse.ProxyTLVAuthority); string(authority) != "example.com" {
		t.Errorf("authority TLV = %q (TLVs %x)", authority, []byte(h.TLVs))
	}
}

func TestConnLocalAndUnix(t *testing.T) {
	cfg := &proxyproto.Config{Trusted: loopback, ReadHeaderTimeout: time.Second}
	local, err := parse.AppendProxyV2(nil, &parse.ProxyHeader{Version: 2, Command: parse.ProxyCommandLocal})
	if err != nil {
		t.Fatal(err)
	}
	c := pipe(t, cfg, trustedPeer, append(local, "x"...))
	if got := c.RemoteAddr(); got != trustedPeer {
		t.Errorf("LOCAL: RemoteAddr = %v, want the real peer", got)
	}
	if h, ok := c.ProxyHeader(); !ok || h.Command != parse.ProxyCommandLocal {
		t.Errorf("LOCAL: header %+v, %v", h, ok)
	}

	unix, err := parse.AppendProxyV2(nil, &parse.ProxyHeader{Version: 2, Command: parse.ProxyCommandProxy,
		Transport: parse.ProxyUnixStream, SourceUnix: []byte("/run/client.sock"), DestUnix: []byte("/run/srv.sock")})
	if err != nil {
		t.Fatal(err)
	}
	c = pipe(t, cfg, trustedPeer, unix)
	if ra, ok := c.RemoteAddr().(*net.UnixAddr); !ok || ra.Name != "/run/client.sock" {
		t.Errorf("unix: RemoteAddr = %#v", c.RemoteAddr())
	}
}

func TestConnErrors(t *testing.T) {
	v1 := v1Header(t, "203.0.113.7:1", "198.51.100.1:2")
	for _, tc := range []struct {
		name  string
		cfg   proxyproto.Config
		peer  net.Addr
		input []byte
		want  error
	}{
		{"untrusted v1", proxyproto.Config{Trusted: loopback}, untrustedPeer, v1, proxyproto.ErrUntrusted},
		{"untrusted v2 start", proxyproto.Config{Trusted: loopback}, untrustedPeer, []byte("\r\n\r\n\x00\r\nQ"), proxyproto.ErrUntrusted},
		{"loopback not in Trusted", proxyproto.Config{Trusted: elsewhere}, trustedPeer, v1, proxyproto.ErrUntrusted},
		{"required", proxyproto.Config{Trusted: loopback, Required: true}, trustedPeer, []byte("GET / HTTP/1.1\r\n"), proxyproto.ErrNoHeader},
		{"malformed", proxyproto.Config{Trusted: loopback}, trustedPeer, []byte("PROXY TCP4 1.2.3.4 nonsense\r\n"), parse.ErrProxyMalformed},
		{"short", proxyproto.Config{Trusted: loopback}, trustedPeer, v1[:10], io.ErrUnexpectedEOF},
		{"empty", proxyproto.Config{Trusted: loopback}, trustedPeer, nil, io.EOF},
	} {
		c := pipe(t, &tc.cfg, tc.peer, tc.input)
		_, err := c.Read(make([]byte, 64))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Read error %v, want %v", tc.name, err, tc.want)
		}
		if _, err2 := c.Read(make([]byte, 1)); err2 != err {
			t.Errorf("%s: second Read error %v, want the first", tc.name, err2)
		}
	}
}

func TestConnPassThroughAndDirect(t *testing.T) {
	v1 := v1Header(t, "203.0.113.7:1", "198.51.100.1:2")
	for _, tc := range []struct {
		name  string
		cfg   proxyproto.Config
		peer  net.Addr
		input []byte
	}{
		{"passthrough", proxyproto.Config{Trusted: loopback, Policy: proxyproto.PassThrough}, untrustedPeer, v1},
		{"reject, direct client", proxyproto.Config{Trusted: loopback}, untrustedPeer, []byte("GET / HTTP/1.1\r\n\r\n")},
		{"trusted, no header", proxyproto.Config{Trusted: loopback}, trustedPeer, []byte("G")},
		{"mapped peer matched as IPv4, no header", proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}}, untrustedPeer, []byte("GET")},
	} {
		c := pipe(t, &tc.cfg, tc.peer, tc.input)
		got, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(got, tc.input) {
			t.Errorf("%s: read %q, %v; want the input unchanged", tc.name, got, err)
		}
		if c.RemoteAddr() != tc.peer {
			t.Errorf("%s: RemoteAddr %v, want the real peer", tc.name, c.RemoteAddr())
		}
		if _, ok := c.ProxyHeader(); ok {
			t.Errorf("%s: a header was reported", tc.name)
		}
	}
}

func TestConnTimeout(t *testing.T) {
	srv, cli := net.Pipe()
	defer cli.Close()
	cfg := &proxyproto.Config{Trusted: loopback, ReadHeaderTimeout: 50 * time.Millisecond}
	c := proxyproto.NewConn(peerConn{srv, trustedPeer}, cfg)
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read error %v, want a deadline error", err)
	}
	// The wrapper closed the connection.
	if _, err := cli.Write([]byte("x")); err == nil {
		t.Error("connection still open after the timeout")
	}
}

// A user's read deadline set before the header is read bounds the header read,
// and survives it.
func TestConnUserDeadline(t *testing.T) {
	srv, cli := net.Pipe()
	defer cli.Close()
	cfg := &proxyproto.Config{Trusted: loopback, ReadHeaderTimeout: time.Hour}
	c := proxyproto.NewConn(peerConn{srv, trustedPeer}, cfg)
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read error %v, want a deadline error", err)
	}

	srv, cli = net.Pipe()
	defer cli.Close()
	c = proxyproto.NewConn(peerConn{srv, trustedPeer}, cfg)
	go cli.Write(v1Header(t, "203.0.113.7:1", "198.51.100.1:2"))
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	c.RemoteAddr() // reads the header
	if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read after the header: error %v, want the user's deadline", err)
	}
}

// Accept returns at once, even while an earlier client sends nothing.
func TestListenerAcceptNotBlocked(t *testing.T) {
	pl, addr := listen(t, proxyproto.Config{Trusted: loopback, Required: true})
	defer pl.Close()
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	first, err := pl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	go func() {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Write(v1Header(t, "203.0.113.7:1", "198.51.100.1:2"))
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	second, err := pl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if got := second.RemoteAddr().String(); got != "203.0.113.7:1" {
		t.Errorf("second RemoteAddr = %s", got)
	}
}

func TestHeaderOfPlainConn(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if _, ok := proxyproto.HeaderOf(a); ok {
		t.Error("HeaderOf reported a header on a plain conn")
	}
}
