package proxyproto

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/tako-go/tako/parse"
)

// ErrDatagramV1 is matched by the error for a datagram from a trusted peer that starts
// with a v1 (text) header: v1 describes TCP connections only, so a balancer relaying
// UDP sends v2.
var ErrDatagramV1 = errors.New("proxyproto: v1 header in a datagram (v1 is for TCP only)")

// SplitDatagram applies cfg to one datagram b received from peer: a balancer that
// relays UDP with the PROXY protocol puts a complete v2 header (DGRAM transport, UDP4
// or UDP6) in front of every datagram. It returns the header (ok is true when b
// carried one) and the payload that follows it; both alias b, and nothing is copied or
// allocated unless a trusted peer sent a malformed header.
//
// The rules are those of Listen, applied to each datagram on its own:
//
//   - A peer in cfg.Trusted may send a v2 header; a datagram that does not start with
//     a whole signature is returned whole (ok false), or refused with ErrNoHeader when
//     cfg.Required is set. A truncated or malformed header is refused with an error
//     wrapping the parse package's *ProxyError, and a v1 header with ErrDatagramV1.
//   - A peer outside cfg.Trusted (an invalid peer address is outside) under Reject:
//     a datagram that starts with a PROXY signature ("PROXY" or the 12-byte v2
//     signature) is refused with ErrUntrusted; any other is returned whole.
//   - A peer outside cfg.Trusted under PassThrough: b is returned whole, unchecked.
//
// The errors for untrusted peers and missing headers are the sentinel values
// themselves, so a flood of spoofed datagrams costs no allocation. A LOCAL header
// (a health check) is returned with ok true; its addresses, if any, are not the
// client's (see parse.ProxyHeader.Relayed).
func SplitDatagram(cfg *Config, peer netip.Addr, b []byte) (h parse.ProxyHeader, payload []byte, ok bool, err error) {
	trusted := cfg.trusts(peer)
	if !trusted && cfg.Policy == PassThrough {
		return h, b, false, nil
	}
	if !hasSignature(b) {
		if trusted && cfg.Required {
			return h, nil, false, ErrNoHeader
		}
		return h, b, false, nil
	}
	if !trusted {
		return h, nil, false, ErrUntrusted
	}
	if b[0] == 'P' {
		return h, nil, false, ErrDatagramV1
	}
	h, n, err := parse.ParseProxy(b)
	if errors.Is(err, parse.ErrProxyShort) {
		// A datagram is complete: a header cut short is malformed, not pending.
		return h, nil, false, fmt.Errorf("proxyproto: datagram of %d bytes: %w", len(b),
			&parse.ProxyError{Version: 2, Offset: len(b), Reason: "header truncated by the end of the datagram",
				Kind: parse.ErrProxyMalformed})
	}
	if err != nil {
		return h, nil, false, err
	}
	return h, b[n:], true, nil
}

// proxyV2Sig is the 12-byte v2 signature.
const proxyV2Sig = "\r\n\r\n\x00\r\nQUIT\n"

// hasSignature reports whether b starts with a whole v1 or v2 signature.
func hasSignature(b []byte) bool {
	return len(b) >= 5 && string(b[:5]) == "PROXY" ||
		len(b) >= len(proxyV2Sig) && string(b[:len(proxyV2Sig)]) == proxyV2Sig
}

// trusts reports whether ip is in cfg.Trusted; IPv4-mapped IPv6 addresses are matched
// as IPv4 and zones are ignored. The invalid address is never trusted.
func (cfg *Config) trusts(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range cfg.Trusted {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
