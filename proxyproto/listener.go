package proxyproto

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/tako-go/tako/parse"
)

// Policy says what to do with a connection from a peer outside Config.Trusted.
type Policy uint8

const (
	// Reject closes a connection from an untrusted peer when it starts with a PROXY
	// signature (a spoofing attempt); other connections from that peer are served as
	// they are. It is the zero value.
	Reject Policy = iota
	// PassThrough leaves connections from untrusted peers alone: nothing is read, and
	// a PROXY header they send reaches the application as data.
	PassThrough
)

// DefaultReadHeaderTimeout is the ReadHeaderTimeout used when Config leaves it zero.
const DefaultReadHeaderTimeout = 5 * time.Second

// DefaultBufferSize is the read buffer used for the header when Config leaves
// BufferSize zero: large enough for any v1 header and for v2 headers with the usual
// TLVs (SSL, ALPN, authority, AWS and Azure identifiers).
const DefaultBufferSize = 4096

// ErrUntrusted is matched (errors.Is) by the error of a connection closed because a
// peer outside Config.Trusted sent a PROXY header under the Reject policy.
var ErrUntrusted = errors.New("proxyproto: PROXY header from an untrusted peer")

// ErrNoHeader is matched by the error of a connection closed because a trusted peer
// sent no PROXY header while Config.Required is set.
var ErrNoHeader = errors.New("proxyproto: trusted peer sent no PROXY header")

// Config configures Listen. Its zero value trusts no one and rejects PROXY headers
// from everyone: set Trusted to the addresses of the balancers.
type Config struct {
	// Trusted lists the peer addresses allowed to send a PROXY header. IPv4-mapped
	// IPv6 peers are matched as IPv4.
	Trusted []netip.Prefix
	// Policy handles peers outside Trusted. Default Reject.
	Policy Policy
	// ReadHeaderTimeout bounds reading the header (or, for an untrusted peer under
	// Reject, the first bytes checked for a signature). Default
	// DefaultReadHeaderTimeout; negative disables it (not recommended).
	ReadHeaderTimeout time.Duration
	// Required makes a header mandatory for trusted peers: a trusted connection that
	// starts with anything else is closed.
	Required bool
	// BufferSize is the size of the buffer the header is read into; a v2 header larger
	// than it is refused. Default DefaultBufferSize, at most parse.ProxyV2MaxLen.
	BufferSize int
}

// Listen returns a listener whose connections (*Conn) read a PROXY protocol header
// from trusted peers, as Config says. Closing it closes inner.
func Listen(inner net.Listener, cfg Config) net.Listener {
	if cfg.ReadHeaderTimeout == 0 {
		cfg.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if cfg.BufferSize <= 0 {
		cfg.BufferSize = DefaultBufferSize
	}
	if cfg.BufferSize > parse.ProxyV2MaxLen {
		cfg.BufferSize = parse.ProxyV2MaxLen
	}
	for i, p := range cfg.Trusted {
		cfg.Trusted[i] = p.Masked()
	}
	return &listener{Listener: inner, cfg: cfg}
}

type listener struct {
	net.Listener
	cfg Config
}

// Accept waits for the next connection and wraps it; it reads nothing.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return NewConn(c, &l.cfg), nil
}

// Conn is a connection accepted by a Listen listener. Its header is read on the first
// Read, RemoteAddr, LocalAddr or ProxyHeader call.
type Conn struct {
	net.Conn
	cfg *Config

	once   sync.Once
	br     *bufio.Reader // header buffer; nil once drained or when unused
	err    error         // header failure, returned by every Read
	hdr    parse.ProxyHeader
	hasHdr bool
	remote net.Addr
	local  net.Addr

	mu         sync.Mutex
	userRead   time.Time // read deadline last set by the user
	headerDone bool
}

// NewConn wraps c as Listen's listener does; cfg must not change afterwards. Zero
// fields of cfg mean no timeout and the default buffer size.
func NewConn(c net.Conn, cfg *Config) *Conn {
	return &Conn{Conn: c, cfg: cfg}
}

// HeaderOf returns the PROXY header received on c, reading it if that has not
// happened yet; ok is false when c is not a *Conn or no header was received.
func HeaderOf(c net.Conn) (h parse.ProxyHeader, ok bool) {
	pc, isConn := c.(*Conn)
	if !isConn {
		return parse.ProxyHeader{}, false
	}
	return pc.ProxyHeader()
}

// ProxyHeader returns the header received on c (an independent copy, TLVs included),
// reading it if that has not happened yet; ok is false when no header was received.
func (c *Conn) ProxyHeader() (h parse.ProxyHeader, ok bool) {
	c.once.Do(c.readHeader)
	return c.hdr, c.hasHdr
}

// Read reads the bytes that follow the header.
func (c *Conn) Read(p []byte) (int, error) {
	c.once.Do(c.readHeader)
	if c.err != nil {
		return 0, c.err
	}
	if c.br != nil {
		if n := c.br.Buffered(); n > 0 {
			if len(p) > n {
				p = p[:n] // never block in the buffer: hand over what it holds
			}
			return c.br.Read(p)
		}
		c.br = nil
	}
	return c.Conn.Read(p)
}

// RemoteAddr returns the client address from the header, or the real peer address
// (LOCAL command, no header, untrusted peer, failed header).
func (c *Conn) RemoteAddr() net.Addr {
	c.once.Do(c.readHeader)
	if c.remote != nil {
		return c.remote
	}
	return c.Conn.RemoteAddr()
}

// LocalAddr returns the destination address from the header, or the real local
// address.
func (c *Conn) LocalAddr() net.Addr {
	c.once.Do(c.readHeader)
	if c.local != nil {
		return c.local
	}
	return c.Conn.LocalAddr()
}

// SetDeadline sets the read and write deadlines, as net.Conn does. A read deadline
// set before the header is read still applies to it, with ReadHeaderTimeout.
func (c *Conn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.userRead = t
	c.mu.Unlock()
	return c.Conn.SetDeadline(t)
}

// SetReadDeadline sets the read deadline, as net.Conn does.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.userRead = t
	c.mu.Unlock()
	return c.Conn.SetReadDeadline(t)
}

func (c *Conn) trusted() bool {
	ap, err := netip.ParseAddrPort(c.Conn.RemoteAddr().String())
	if err != nil {
		if ta, ok := c.Conn.RemoteAddr().(*net.TCPAddr); ok {
			ap = ta.AddrPort()
		} else {
			return false
		}
	}
	return c.cfg.trusts(ap.Addr())
}

func (c *Conn) readHeader() {
	trusted := c.trusted()
	if !trusted && c.cfg.Policy == PassThrough {
		return
	}
	size := c.cfg.BufferSize
	if size <= 0 {
		size = DefaultBufferSize
	}
	c.br = bufio.NewReaderSize(c.Conn, size)

	if c.cfg.ReadHeaderTimeout > 0 {
		c.mu.Lock()
		d := time.Now().Add(c.cfg.ReadHeaderTimeout)
		if !c.userRead.IsZero() && c.userRead.Before(d) {
			d = c.userRead
		}
		c.Conn.SetReadDeadline(d)
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.Conn.SetReadDeadline(c.userRead)
			c.mu.Unlock()
		}()
	}

	h, err := parse.ReadProxy(c.br)
	switch {
	case errors.Is(err, parse.ErrNoProxy):
		if trusted && c.cfg.Required {
			c.fail(ErrNoHeader)
		}
		return
	case err != nil:
		if !trusted {
			// It started with a signature, or ended or stalled before showing
			// that it did not: refuse it either way.
			if errors.Is(err, io.EOF) {
				c.fail(err)
			} else {
				c.fail(fmt.Errorf("%w: %w", ErrUntrusted, err))
			}
			return
		}
		c.fail(err)
		return
	case !trusted:
		c.fail(ErrUntrusted)
		return
	}
	c.hdr = h.Clone()
	c.hasHdr = true
	if c.hdr.Relayed() {
		c.remote = addrOf(c.hdr.Transport, c.hdr.Source, c.hdr.SourceUnix)
		c.local = addrOf(c.hdr.Transport, c.hdr.Dest, c.hdr.DestUnix)
	}
}

// fail records err, wrapped with the peer address, and closes the connection.
func (c *Conn) fail(err error) {
	if err == io.EOF {
		c.err = io.EOF // a peer that left before sending anything: a normal end
	} else {
		c.err = fmt.Errorf("proxyproto: from %s: %w", c.Conn.RemoteAddr(), err)
	}
	c.br = nil
	c.Conn.Close()
}

func addrOf(t parse.ProxyTransport, ap netip.AddrPort, path []byte) net.Addr {
	switch t {
	case parse.ProxyTCP4, parse.ProxyTCP6:
		return net.TCPAddrFromAddrPort(ap)
	case parse.ProxyUDP4, parse.ProxyUDP6:
		return net.UDPAddrFromAddrPort(ap)
	case parse.ProxyUnixStream:
		return &net.UnixAddr{Name: string(path), Net: "unix"}
	case parse.ProxyUnixDgram:
		return &net.UnixAddr{Name: string(path), Net: "unixgram"}
	}
	return nil
}
