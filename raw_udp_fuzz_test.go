package tako_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

// memPacketConn is an in-memory net.PacketConn: ReadFrom returns what is sent on in,
// WriteTo sends on out. It has no deadlines, so UDPServer.Shutdown closes it to stop
// the reader.
type memPacketConn struct {
	in     chan memDatagram
	out    chan memDatagram
	closed chan struct{}
	once   sync.Once
}

type memDatagram struct {
	b    []byte
	addr net.Addr
}

func newMemPacketConn() *memPacketConn {
	return &memPacketConn{in: make(chan memDatagram), out: make(chan memDatagram, 1), closed: make(chan struct{})}
}

func (c *memPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	select {
	case d := <-c.in:
		return copy(p, d.b), d.addr, nil
	case <-c.closed:
		return 0, nil, net.ErrClosed
	}
}

func (c *memPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	select {
	case c.out <- memDatagram{bytes.Clone(p), addr}:
		return len(p), nil
	case <-c.closed:
		return 0, net.ErrClosed
	}
}

func (c *memPacketConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *memPacketConn) LocalAddr() net.Addr {
	return net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:53"))
}

var errNoDeadlines = errors.New("memPacketConn: no deadlines")

func (c *memPacketConn) SetDeadline(time.Time) error      { return errNoDeadlines }
func (c *memPacketConn) SetReadDeadline(time.Time) error  { return errNoDeadlines }
func (c *memPacketConn) SetWriteDeadline(time.Time) error { return errNoDeadlines }

// FuzzUDPProxy sends arbitrary datagrams from a trusted balancer or an untrusted sender
// through a whole UDPServer with Config.UDPProxy set: it never panics or hangs, each
// datagram is accounted for once, and what the handler sees (Data, From) and the reply
// (to Peer) agree with proxyproto.SplitDatagram.
func FuzzUDPProxy(f *testing.F) {
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00\x71\x07\xc6\x33\x64\x01\x12\x67\x00\x35query"), true)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00\x71\x07\xc6\x33\x64\x01\x12\x67\x00\x35query"), false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00ping"), true)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00"), true)
	f.Add([]byte("PROXY TCP4 203.0.113.7 198.51.100.1 4711 53\r\n"), true)
	f.Add([]byte("plain"), false)
	f.Add(bytes.Repeat([]byte("x"), 600), true)
	f.Add([]byte{}, true)
	const maxDatagram = 512
	f.Fuzz(func(t *testing.T, data []byte, trusted bool) {
		cfg := &proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
		app := tako.New(tako.Config{UDPMaxDatagram: maxDatagram, UDPProxy: cfg, UDPWorkers: 1, Logger: discardLogger()})
		pc := newMemPacketConn()
		type seen struct {
			data []byte
			from netip.AddrPort
		}
		got := make(chan seen, 1)
		srv := app.NewUDPServer(pc, func(ctx context.Context, d *tako.Datagram) {
			got <- seen{bytes.Clone(d.Data), d.From}
			d.Reply(d.Data)
		})
		served := make(chan error, 1)
		go func() { served <- srv.Serve() }()
		peer := netip.MustParseAddrPort("192.0.2.1:5000")
		if trusted {
			peer = netip.MustParseAddrPort("127.0.0.1:5000")
		}
		pc.in <- memDatagram{data, net.UDPAddrFromAddrPort(peer)}

		timeout := time.After(5 * time.Second)
		waitStat := func(what string, cond func(tako.UDPStats) bool) {
			for !cond(srv.Stats()) {
				select {
				case <-timeout:
					t.Fatalf("%s: stats %+v", what, srv.Stats())
				case s := <-got:
					t.Fatalf("%s: handled as %q from %v", what, s.data, s.from)
				case <-time.After(50 * time.Microsecond):
				}
			}
		}
		h, payload, ok, err := proxyproto.SplitDatagram(cfg, peer.Addr(), data)
		switch {
		case len(data) > maxDatagram:
			waitStat("oversize", func(s tako.UDPStats) bool { return s.Oversize == 1 })
		case err != nil:
			waitStat("refused ("+err.Error()+")", func(s tako.UDPStats) bool { return s.Rejected == 1 })
		default:
			var s seen
			select {
			case s = <-got:
			case <-timeout:
				t.Fatalf("not handled; stats %+v", srv.Stats())
			}
			wantFrom := peer
			if ok && h.Relayed() && h.Transport.IsIP() {
				wantFrom = h.Source
			}
			if !bytes.Equal(s.data, payload) || s.from != wantFrom {
				t.Fatalf("handler saw %q from %v, want %q from %v", s.data, s.from, payload, wantFrom)
			}
			reply := <-pc.out
			if !bytes.Equal(reply.b, payload) || reply.addr.String() != peer.String() {
				t.Fatalf("reply %q to %v, want %q to the sender %v", reply.b, reply.addr, payload, peer)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		if st := srv.Stats(); st.Received != 1 || st.Received != st.Handled+st.Dropped+st.Oversize+st.Rejected {
			t.Fatalf("stats %+v", st)
		}
	})
}

// BenchmarkUDPPipeline measures what a UDPServer adds per datagram, without the
// kernel: datagrams from an in-memory PacketConn go through the reader (copy into a
// pooled buffer, PROXY header check), the queue and a worker to an empty handler. The
// queue is sized to hold them all, so none is dropped.
func BenchmarkUDPPipeline(b *testing.B) {
	for _, withProxy := range []bool{false, true} {
		name := "plain"
		cfg := tako.Config{Logger: discardLogger(), UDPQueue: 4096}
		msg := bytes.Repeat([]byte("x"), 64)
		if withProxy {
			name = "proxy"
			cfg.UDPProxy = &proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}
			h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyUDP4,
				Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:53")}
			msg, _ = parse.AppendProxyV2(nil, &h)
			msg = append(msg, bytes.Repeat([]byte("x"), 64)...)
		}
		b.Run(name, func(b *testing.B) {
			app := tako.New(cfg)
			pc := newMemPacketConn()
			srv := app.NewUDPServer(pc, func(ctx context.Context, d *tako.Datagram) {})
			served := make(chan error, 1)
			go func() { served <- srv.Serve() }()
			from := net.UDPAddrFromAddrPort(netip.MustParseAddrPort("127.0.0.1:5000"))
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			var sent uint64
			for b.Loop() {
				pc.in <- memDatagram{msg, from}
				sent++
				if sent%1024 == 0 { // keep the queue from overflowing
					for st := srv.Stats(); st.Handled+st.Dropped < sent-512; st = srv.Stats() {
						runtime.Gosched()
					}
				}
			}
			for st := srv.Stats(); st.Handled+st.Dropped+st.Rejected < sent; st = srv.Stats() {
				runtime.Gosched()
			}
			b.StopTimer()
			st := srv.Stats()
			if st.Dropped != 0 || st.Rejected != 0 {
				b.Fatalf("stats %+v", st)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			app.Shutdown(ctx)
			<-served
		})
	}
}
