package tako

// UDP servers under the App's lifecycle.
//
// One reader goroutine reads datagrams into a scratch buffer of Config.UDPMaxDatagram+1
// bytes (one more, to tell a datagram that fills the buffer from one the kernel
// truncated), copies each into a pooled slice of its own size (pool.GetBytes: a 100-byte
// datagram holds a 512-byte slice, not 64 KiB), strips and checks the PROXY header when
// Config.UDPProxy is set, and queues it for a fixed set of Config.UDPWorkers workers
// through a channel of Config.UDPQueue slots.
//
// When the queue is full the datagram is dropped and counted, rather than making the
// reader wait. Waiting would only move the loss into the kernel's socket buffer, where
// it is invisible to the application (and to UDPStats), and a reader that keeps
// reading keeps rejecting spoofed and oversize datagrams at full speed while the
// handlers are slow. UDP makes no delivery promise; a protocol on top of it already
// retries. The queue absorbs bursts; UDPStats.Dropped says when it is too small or the
// workers too few.
//
// On a *net.UDPConn the reader and Datagram.Reply use the netip.AddrPort forms of
// ReadFrom and WriteTo, and the Datagram values and slices are pooled, so serving a
// datagram allocates nothing in steady state (TestUDPAllocs, BenchmarkUDPEcho). Other
// PacketConns (unixgram, in-memory) go through net.Addr and allocate per datagram.
//
// Shutdown stops the reader (a read deadline in the past wakes it; the socket stays
// open), lets the workers handle what is queued, then closes the socket. When the
// deadline passes first, the datagrams still queued are dropped (and counted).

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/pool"
	"github.com/tako-go/tako/proxyproto"
)

// Defaults of the UDP server knobs in Config.
const (
	DefaultUDPQueue       = 1024     // datagrams waiting for a worker, per server
	DefaultUDPMaxDatagram = 64 << 10 // bytes: any UDP datagram fits
)

// UDPHandler handles one datagram. ctx is cancelled when the App starts shutting down.
// d and the memory it points to are recycled when the handler returns: keep nothing
// from it (copy what must outlive the call). A panic in the handler is recovered and
// logged (Config.Logger), and the server goes on.
type UDPHandler func(ctx context.Context, d *Datagram)

// Datagram is one received datagram, valid until the handler returns.
type Datagram struct {
	// Data is the payload, without the PROXY header if there was one. It aliases a
	// pooled buffer: valid until the handler returns.
	Data []byte
	// From is the client's address: the PROXY header's source when a trusted balancer
	// relayed the datagram, else the sender's address (Peer). It is the zero AddrPort
	// when the PacketConn's addresses are not IP addresses (unixgram); see RemoteAddr.
	From netip.AddrPort
	// Peer is the address the datagram came from: the balancer when it was relayed,
	// the client otherwise. Reply answers it. An IPv4 sender on a dual-stack socket
	// appears as IPv4, not as an IPv4-mapped IPv6 address.
	Peer netip.AddrPort

	peer   net.Addr // the sender, for PacketConns other than *net.UDPConn
	hdr    parse.ProxyHeader
	hasHdr bool
	buf    []byte // the pooled buffer Data points into
	s      *UDPServer
}

// Reply sends b to the sender of d (Peer). For a relayed datagram that is the
// balancer, which passes the reply on to the client through the flow the request
// created; that is how balancers that speak the PROXY protocol over UDP work. To send
// elsewhere, use UDPServer.WriteTo.
func (d *Datagram) Reply(b []byte) error {
	if d.peer != nil {
		_, err := d.s.pc.WriteTo(b, d.peer)
		return err
	}
	return d.s.WriteTo(b, d.Peer)
}

// ProxyHeader returns the PROXY header the datagram came with; ok is false when it
// came without one. Its byte slices (TLVs, Unix paths) alias the datagram's buffer:
// valid until the handler returns (ProxyHeader.Clone copies them).
func (d *Datagram) ProxyHeader() (h parse.ProxyHeader, ok bool) { return d.hdr, d.hasHdr }

// RemoteAddr returns the client's address as a net.Addr: From as a *net.UDPAddr, or
// the sender's address on a PacketConn whose addresses are not IP addresses. It
// allocates; From does not.
func (d *Datagram) RemoteAddr() net.Addr {
	if !d.From.IsValid() && d.peer != nil {
		return d.peer
	}
	return net.UDPAddrFromAddrPort(d.From)
}

// UDPServer serves datagrams from a net.PacketConn with a UDPHandler under an App's
// lifecycle: a reader, a bounded queue (Config.UDPQueue) and a fixed number of workers
// (Config.UDPWorkers); App.Shutdown stops it with the App's other servers. Create one
// with App.NewUDPServer; App.ServeUDP and App.ListenUDP are the short forms.
type UDPServer struct {
	app     *App
	pc      net.PacketConn
	udp     *net.UDPConn // pc, when it is one: the allocation-free path
	h       UDPHandler
	max     int
	workers int
	proxy   *proxyproto.Config
	queue   chan *Datagram
	dgrams  pool.Of[Datagram]

	ctx    context.Context // the handlers' context: ends when Shutdown begins
	cancel context.CancelFunc

	mu      sync.Mutex
	serving bool
	closed  bool
	stop    chan struct{} // closed when Shutdown begins
	done    chan struct{} // closed when the workers have finished and pc is closed
	discard atomic.Bool   // Shutdown's deadline passed: drop what is still queued

	received, handled, dropped, oversize, rejected, panics atomic.Uint64
}

// UDPStats are a UDPServer's counters. Every datagram read is counted in Received and,
// once it is done with, in exactly one of Handled, Dropped, Oversize and Rejected.
type UDPStats struct {
	Received uint64 // datagrams read from the socket
	Handled  uint64 // datagrams whose handler returned (panics included)
	Dropped  uint64 // dropped because the queue was full, or left queued at Shutdown's deadline
	Oversize uint64 // dropped because they were larger than Config.UDPMaxDatagram
	Rejected uint64 // refused by the PROXY protocol check (Config.UDPProxy)
	Panics   uint64 // handlers that panicked (recovered)
	Queued   int    // datagrams waiting for a worker now
}

// NewUDPServer returns a server that will run h for each datagram read from pc, once
// Serve is called. It takes ownership of pc.
func (a *App) NewUDPServer(pc net.PacketConn, h UDPHandler) *UDPServer {
	ctx, cancel := context.WithCancel(a.baseCtx)
	s := &UDPServer{
		app:     a,
		pc:      pc,
		h:       h,
		max:     a.cfg.UDPMaxDatagram,
		workers: a.cfg.UDPWorkers,
		proxy:   a.cfg.UDPProxy,
		queue:   make(chan *Datagram, a.cfg.UDPQueue),
		ctx:     ctx,
		cancel:  cancel,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	s.udp, _ = pc.(*net.UDPConn)
	s.dgrams.New = func() *Datagram { return &Datagram{s: s} }
	s.dgrams.Reset = func(d *Datagram) { *d = Datagram{s: s} }
	return s
}

// ServeUDP serves datagrams from pc with h until the App shuts down; see UDPServer. It
// blocks, then returns nil after Shutdown, http.ErrServerClosed if the App was already
// shut down, or the error that made reading fail for good.
func (a *App) ServeUDP(pc net.PacketConn, h UDPHandler) error {
	return a.NewUDPServer(pc, h).Serve()
}

// ListenUDP listens on the UDP address addr (for example ":5353") and serves datagrams
// with h, as ServeUDP.
func (a *App) ListenUDP(addr string, h UDPHandler) error {
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return err
	}
	return a.ServeUDP(pc, h)
}

// Addr returns the local address of the server's socket.
func (s *UDPServer) Addr() net.Addr { return s.pc.LocalAddr() }

// WriteTo sends b to the address to from the server's socket: a reply to a client
// other than the datagram's sender, or a later message. It allocates nothing on a
// *net.UDPConn.
func (s *UDPServer) WriteTo(b []byte, to netip.AddrPort) error {
	var err error
	if s.udp != nil {
		_, err = s.udp.WriteToUDPAddrPort(b, to)
	} else {
		_, err = s.pc.WriteTo(b, net.UDPAddrFromAddrPort(to))
	}
	return err
}

// Stats returns the server's counters.
func (s *UDPServer) Stats() UDPStats {
	return UDPStats{
		Received: s.received.Load(),
		Handled:  s.handled.Load(),
		Dropped:  s.dropped.Load(),
		Oversize: s.oversize.Load(),
		Rejected: s.rejected.Load(),
		Panics:   s.panics.Load(),
		Queued:   len(s.queue),
	}
}

// Serve reads datagrams and hands them to the workers until the App shuts down. It
// returns nil after Shutdown (the workers may still be finishing; App.Shutdown waits
// for them), http.ErrServerClosed if the App was already shut down (pc is then closed),
// or the error that made reading fail for good. Serve may be called once.
func (s *UDPServer) Serve() error {
	// Clear a deadline left on pc before Shutdown can set its own.
	s.pc.SetReadDeadline(time.Time{})
	if err := s.app.track(s); err != nil {
		s.pc.Close()
		return err
	}
	s.mu.Lock()
	if s.closed { // Shutdown came first, and closed pc
		s.mu.Unlock()
		return nil
	}
	if s.serving {
		s.mu.Unlock()
		return errors.New("tako: UDPServer.Serve called twice")
	}
	s.serving = true
	s.mu.Unlock()
	s.app.emitStarted(s.pc.LocalAddr())

	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(s.work)
	}
	err := s.read()
	close(s.queue)
	go func() {
		wg.Wait()
		s.pc.Close()
		close(s.done)
	}()
	return err
}

// read is the reader loop; it returns nil once Shutdown has begun.
func (s *UDPServer) read() error {
	scratch := make([]byte, s.max+1)
	var backoff time.Duration
	for {
		n, peer, addr, err := s.readFrom(scratch)
		if err != nil {
			if s.stopping() {
				return nil
			}
			if retryAfter(err, &backoff, s.stop, s.app.cfg.Logger, "UDP read", s.pc.LocalAddr()) {
				continue
			}
			if s.stopping() {
				return nil
			}
			return fmt.Errorf("tako: UDP read on %s: %w", s.pc.LocalAddr(), err)
		}
		backoff = 0
		s.received.Add(1)
		if n > s.max {
			s.oversize.Add(1)
			continue
		}
		d := s.dgrams.Get()
		d.buf = pool.GetBytes(n)
		copy(d.buf, scratch[:n])
		d.Data, d.Peer, d.From, d.peer = d.buf, peer, peer, addr
		if s.proxy != nil && !s.split(d) {
			s.rejected.Add(1)
			s.release(d)
			continue
		}
		select {
		case s.queue <- d:
		default:
			s.dropped.Add(1)
			s.release(d)
		}
	}
}

// readFrom reads one datagram: on a *net.UDPConn into an AddrPort (no allocation),
// otherwise through net.Addr. An IPv4 sender on a dual-stack socket is reported as
// IPv4, not as an IPv4-mapped IPv6 address (WriteTo maps it back).
func (s *UDPServer) readFrom(b []byte) (n int, peer netip.AddrPort, addr net.Addr, err error) {
	if s.udp != nil {
		n, peer, err = s.udp.ReadFromUDPAddrPort(b)
		return n, unmap(peer), nil, err
	}
	n, addr, err = s.pc.ReadFrom(b)
	if ua, ok := addr.(*net.UDPAddr); ok {
		return n, unmap(ua.AddrPort()), nil, err
	}
	return n, peer, addr, err
}

func unmap(ap netip.AddrPort) netip.AddrPort {
	if ap.Addr().Is4In6() {
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return ap
}

// split applies Config.UDPProxy to d; false means d is refused.
func (s *UDPServer) split(d *Datagram) bool {
	h, payload, ok, err := proxyproto.SplitDatagram(s.proxy, d.Peer.Addr(), d.buf)
	if err != nil {
		if l := s.app.cfg.Logger; l.Enabled(s.ctx, slog.LevelDebug) {
			l.Debug("tako: UDP datagram refused", "addr", s.pc.LocalAddr().String(), "peer", d.Peer.String(), "err", err)
		}
		return false
	}
	d.Data = payload
	if ok {
		d.hdr, d.hasHdr = h, true
		if h.Relayed() && h.Transport.IsIP() {
			d.From = h.Source
		}
	}
	return true
}

func (s *UDPServer) release(d *Datagram) {
	pool.PutBytes(d.buf)
	s.dgrams.Put(d)
}

func (s *UDPServer) work() {
	for d := range s.queue {
		if s.discard.Load() {
			s.dropped.Add(1)
		} else {
			s.handle(d)
			s.handled.Add(1)
		}
		s.release(d)
	}
}

func (s *UDPServer) handle(d *Datagram) {
	defer func() {
		if rec := recover(); rec != nil {
			s.panics.Add(1)
			s.app.cfg.Logger.Error("tako: panic in UDP handler", "addr", s.pc.LocalAddr().String(),
				"peer", d.RemoteAddr().String(), "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
		}
	}()
	s.h(s.ctx, d)
}

func (s *UDPServer) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}

// Shutdown stops the server as App.Shutdown does (see UDPServer): the reader stops,
// the workers handle what is queued, and the socket closes; it returns nil when that
// is done, or ctx's error when ctx ends first (the datagrams still queued are then
// dropped, and the socket closes when the handlers running return). App.Shutdown calls it; call it directly only to stop this server alone.
func (s *UDPServer) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	serving := s.serving
	s.mu.Unlock()
	if first {
		close(s.stop)
		s.cancel()
		if !serving {
			s.pc.Close()
			return nil
		}
		// Wake the reader but keep the socket open for the workers' replies.
		if err := s.pc.SetReadDeadline(aLongTimeAgo); err != nil {
			s.pc.Close()
		}
	} else if !serving {
		return nil
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		s.discard.Store(true)
		return ctx.Err()
	}
}
