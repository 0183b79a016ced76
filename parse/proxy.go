package parse

// PROXY protocol v1 and v2 (haproxy doc/proxy-protocol.txt, 2020/03/05).
//
// Design:
//   - ParseProxy works on a byte slice and never copies: Unix paths and TLVs
//     in the result are sub-slices of the input, addresses are netip values.
//   - Incomplete input is not an error of the sender: ParseProxy returns
//     ErrProxyShort together with the least total length the input must
//     reach before another call can make progress (exact for v2 once the
//     16-byte fixed part is there, a lower bound otherwise). ReadProxy uses
//     that number to Peek no further than the header itself, so it never
//     waits for bytes the sender has no reason to send yet.
//   - Input that starts with neither signature is ErrNoProxy, distinct from
//     a malformed header, so a listener can choose to pass it through.
//   - Every other failure is a *ProxyError naming the version, the byte
//     offset and what was wrong; errors.Is matches ErrProxyMalformed or
//     ErrProxyChecksum.

import (
	"errors"
	"net/netip"
	"strconv"
)

// Sentinel errors of the PROXY protocol parser. Malformed headers and
// checksum mismatches are reported as *ProxyError values that match
// ErrProxyMalformed or ErrProxyChecksum with errors.Is.
var (
	// ErrNoProxy means the input does not start with a PROXY protocol
	// signature (neither "PROXY" nor the 12-byte v2 signature). Nothing was
	// consumed.
	ErrNoProxy = errors.New("parse: not a PROXY protocol header")
	// ErrProxyShort means the input is a valid beginning of a PROXY header
	// but ends before the header does. ParseProxy returns it with the least
	// total input length needed; ReadProxy reports a connection that ends
	// early as a *ProxyError matching it (and io.ErrUnexpectedEOF).
	ErrProxyShort = errors.New("parse: PROXY header incomplete")
	// ErrProxyMalformed is matched by every *ProxyError for a header that
	// breaks the specification.
	ErrProxyMalformed = errors.New("parse: malformed PROXY header")
	// ErrProxyChecksum is matched by the *ProxyError for a v2 header whose
	// CRC32C TLV does not match its content.
	ErrProxyChecksum = errors.New("parse: PROXY header CRC32C mismatch")
)

// ProxyError describes a PROXY header that could not be used.
type ProxyError struct {
	Version int    // 1 or 2
	Offset  int    // byte offset of the problem from the start of the header
	Reason  string // what was wrong
	Kind    error  // ErrProxyMalformed, ErrProxyChecksum or ErrProxyShort
	Err     error  // underlying cause, if any (io.ErrUnexpectedEOF)
}

// Error implements error.
func (e *ProxyError) Error() string {
	return "parse: PROXY v" + strconv.Itoa(e.Version) + " header: " + e.Reason +
		" (at byte " + strconv.Itoa(e.Offset) + ")"
}

// Is reports whether target is the error's Kind.
func (e *ProxyError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause, if any.
func (e *ProxyError) Unwrap() error { return e.Err }

func proxyMalformed(version, offset int, reason string) error {
	return &ProxyError{Version: version, Offset: offset, Reason: reason, Kind: ErrProxyMalformed}
}

// ProxyCommand is the command of a PROXY header.
type ProxyCommand uint8

const (
	// ProxyCommandLocal (v2 only): the proxy opened the connection itself,
	// for example for a health check. Use the real connection endpoints.
	ProxyCommandLocal ProxyCommand = 0x0
	// ProxyCommandProxy: the connection is relayed on behalf of a client.
	// Every v1 header carries this command.
	ProxyCommandProxy ProxyCommand = 0x1
)

// String returns "LOCAL" or "PROXY".
func (c ProxyCommand) String() string {
	switch c {
	case ProxyCommandLocal:
		return "LOCAL"
	case ProxyCommandProxy:
		return "PROXY"
	}
	return "ProxyCommand(" + strconv.Itoa(int(c)) + ")"
}

// ProxyTransport is the address family and transport protocol of the relayed
// connection. Its values are the v2 family/protocol byte.
type ProxyTransport uint8

// Transports of the PROXY protocol. v1 knows only TCP4, TCP6 and UNKNOWN
// (reported as ProxyUnspec).
const (
	ProxyUnspec     ProxyTransport = 0x00 // unknown or unsupported: use the real endpoints
	ProxyTCP4       ProxyTransport = 0x11
	ProxyUDP4       ProxyTransport = 0x12
	ProxyTCP6       ProxyTransport = 0x21
	ProxyUDP6       ProxyTransport = 0x22
	ProxyUnixStream ProxyTransport = 0x31
	ProxyUnixDgram  ProxyTransport = 0x32
)

// String returns the transport's name, for example "TCP4" or "UNIX_STREAM".
func (t ProxyTransport) String() string {
	switch t {
	case ProxyUnspec:
		return "UNSPEC"
	case ProxyTCP4:
		return "TCP4"
	case ProxyUDP4:
		return "UDP4"
	case ProxyTCP6:
		return "TCP6"
	case ProxyUDP6:
		return "UDP6"
	case ProxyUnixStream:
		return "UNIX_STREAM"
	case ProxyUnixDgram:
		return "UNIX_DGRAM"
	}
	return "ProxyTransport(0x" + strconv.FormatUint(uint64(t), 16) + ")"
}

// IsIP reports whether the transport carries IP addresses and ports.
func (t ProxyTransport) IsIP() bool {
	return t == ProxyTCP4 || t == ProxyUDP4 || t == ProxyTCP6 || t == ProxyUDP6
}

// IsUnix reports whether the transport carries Unix socket paths.
func (t ProxyTransport) IsUnix() bool { return t == ProxyUnixStream || t == ProxyUnixDgram }

// ProxyHeader is a decoded PROXY protocol header. Its byte slices alias the
// parsed input: they are valid as long as that input is (for ReadProxy, until
// the next read from the bufio.Reader). Clone makes an independent copy.
type ProxyHeader struct {
	// Version is 1 (text) or 2 (binary).
	Version uint8
	// Command is ProxyCommandProxy for relayed connections, or (v2 only)
	// ProxyCommandLocal, in which case the addresses, if any, must be
	// ignored.
	Command ProxyCommand
	// Transport is the family and protocol of the relayed connection.
	// ProxyUnspec (v1 UNKNOWN, v2 AF_UNSPEC or a combination this parser
	// does not decode) means: use the real connection endpoints.
	Transport ProxyTransport
	// Source and Dest are the relayed endpoints for IP transports.
	Source, Dest netip.AddrPort
	// SourceUnix and DestUnix are the socket paths for Unix transports, with
	// the padding NUL bytes removed from the end (an abstract socket keeps
	// its leading NUL).
	SourceUnix, DestUnix []byte
	// TLVs holds the v2 type-length-value vectors that follow the
	// addresses, already checked for structure (and for the CRC32C, when
	// present).
	TLVs ProxyTLVs
}

// Relayed reports whether the header carries addresses to use instead of
// the connection's own: the command is PROXY and the transport is known.
func (h *ProxyHeader) Relayed() bool {
	return h.Command == ProxyCommandProxy && h.Transport != ProxyUnspec
}

// Clone returns a copy of h whose byte slices do not alias the parsed input
// (one allocation when h has any).
func (h *ProxyHeader) Clone() ProxyHeader {
	c := *h
	n := len(h.SourceUnix) + len(h.DestUnix) + len(h.TLVs)
	if n == 0 {
		return c
	}
	buf := make([]byte, 0, n)
	take := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		start := len(buf)
		buf = append(buf, b...)
		return buf[start:len(buf):len(buf)]
	}
	c.SourceUnix = take(h.SourceUnix)
	c.DestUnix = take(h.DestUnix)
	c.TLVs = take(h.TLVs)
	return c
}

// Limits of the format.
const (
	// ProxyV1MaxLen is the longest v1 header, CRLF included.
	ProxyV1MaxLen = 107
	// ProxyV2MaxLen is the longest v2 header: 16 fixed bytes and a 16-bit
	// length.
	ProxyV2MaxLen = 16 + 0xFFFF

	proxyV1MinLen = len("PROXY UNKNOWN\r\n")
	proxyV2MinLen = 16
)

// proxyV2Sig is the 12-byte v2 signature.
const proxyV2Sig = "\r\n\r\n\x00\r\nQUIT\n"

// ParseProxy decodes the PROXY protocol header (v1 or v2) at the start of b
// and returns it with the number of bytes it occupies. It does not copy:
// the header's slices alias b.
//
// When b is a valid beginning of a header but ends too early, err is
// ErrProxyShort and n is the least total length b must have before a new
// call can make progress (the exact header length for v2 once its 16-byte
// fixed part is in b). When b starts with neither signature, err is
// ErrNoProxy. Any other error is a *ProxyError.
//
// A v1 line longer than ProxyV1MaxLen bytes (CRLF included) is rejected. A
// v2 header with a CRC32C TLV is rejected when the checksum does not match.
func ParseProxy(b []byte) (h ProxyHeader, n int, err error) {
	if len(b) == 0 {
		return h, 1, ErrProxyShort
	}
	switch b[0] {
	case 'P':
		k := min(len(b), 5)
		if string(b[:k]) != "PROXY"[:k] {
			return h, 0, ErrNoProxy
		}
		h, n, err = proxyParseV1(b)
	case '\r':
		k := min(len(b), len(proxyV2Sig))
		if string(b[:k]) != proxyV2Sig[:k] {
			return h, 0, ErrNoProxy
		}
		if len(b) < proxyV2MinLen {
			return h, proxyV2MinLen, ErrProxyShort
		}
		h, n, err = proxyParseV2(b)
	default:
		return h, 0, ErrNoProxy
	}
	if err != nil {
		return ProxyHeader{}, n, err // no half-filled header on failure
	}
	return h, n, nil
}
