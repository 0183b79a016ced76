package parse

import (
	"bytes"
	"net/netip"
)

// proxyParseV1 decodes a v1 line; b starts with a prefix of "PROXY".
//
// Strictness follows the specification: single spaces, IPv4 as exactly four
// decimal numbers without leading zeros, IPv6 as colon-separated hex groups
// with at most one "::" (an embedded dotted IPv4 tail is accepted, because
// inet_ntop writes IPv4-mapped addresses that way), ports 0-65535 without
// leading zeros, and the line ended by CRLF within 107 bytes. A lone LF is
// rejected at once rather than waited on.
func proxyParseV1(b []byte) (h ProxyHeader, n int, err error) {
	lim := min(len(b), ProxyV1MaxLen)
	i := bytes.IndexByte(b[:lim], '\n')
	if i < 0 {
		if len(b) >= ProxyV1MaxLen {
			return h, 0, proxyMalformed(1, ProxyV1MaxLen, "no CRLF in the first 107 bytes")
		}
		return h, max(len(b)+1, proxyV1MinLen), ErrProxyShort
	}
	if b[i-1] != '\r' { // i >= 5: b starts with "PROXY"
		return h, 0, proxyMalformed(1, i, "line ends with LF without CR")
	}
	line := b[: i-1 : i-1]
	n = i + 1
	if len(line) < 6 || line[5] != ' ' {
		return h, 0, proxyMalformed(1, 5, `want a single space after "PROXY"`)
	}
	rest := line[6:]
	h.Version = 1
	h.Command = ProxyCommandProxy
	switch {
	case len(rest) >= 7 && string(rest[:7]) == "UNKNOWN":
		if len(rest) > 7 && rest[7] != ' ' {
			return h, 0, proxyMalformed(1, 13, "unknown protocol, want TCP4, TCP6 or UNKNOWN")
		}
		// The receiver must ignore anything before the CRLF.
		h.Transport = ProxyUnspec
		return h, n, nil
	case len(rest) >= 5 && string(rest[:5]) == "TCP4 ":
		h.Transport = ProxyTCP4
	case len(rest) >= 5 && string(rest[:5]) == "TCP6 ":
		h.Transport = ProxyTCP6
	default:
		return h, 0, proxyMalformed(1, 6, "unknown protocol, want TCP4, TCP6 or UNKNOWN")
	}

	// Fields are split and checked in order, so the first bad one is named.
	var addrs [2]netip.Addr
	var ports [2]uint16
	off := 11
	for k := range 4 {
		j := bytes.IndexByte(line[off:], ' ')
		if j < 0 {
			if k < 3 {
				return h, 0, proxyMalformed(1, len(line), "line ends before the "+proxyV1Fields[k+1])
			}
			j = len(line) - off
		}
		f := line[off : off+j]
		ok := false
		switch {
		case k < 2 && h.Transport == ProxyTCP4:
			addrs[k], ok = proxyParseIPv4(f)
		case k < 2:
			addrs[k], ok = proxyParseIPv6(f)
		default:
			ports[k-2], ok = proxyParsePort(f)
		}
		if !ok {
			what := "bad " + proxyV1Fields[k]
			if k < 2 {
				what += " for " + h.Transport.String()
			}
			return h, 0, proxyMalformed(1, off, what)
		}
		off += j + 1
	}
	if off <= len(line) {
		return h, 0, proxyMalformed(1, off-1, "extra data after the destination port")
	}
	h.Source = netip.AddrPortFrom(addrs[0], ports[0])
	h.Dest = netip.AddrPortFrom(addrs[1], ports[1])
	return h, n, nil
}

var proxyV1Fields = [4]string{"source address", "destination address", "source port", "destination port"}

// proxyParseDec parses a decimal number without sign or leading zeros ("0"
// itself is fine) of at most maxDigits digits.
func proxyParseDec(s []byte, maxDigits int) (v int, ok bool) {
	if len(s) == 0 || len(s) > maxDigits || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func proxyParsePort(s []byte) (uint16, bool) {
	v, ok := proxyParseDec(s, 5)
	if !ok || v > 0xFFFF {
		return 0, false
	}
	return uint16(v), true
}

// proxyParseIPv4 parses exactly four decimal octets without leading zeros,
// in one pass.
func proxyParseIPv4(s []byte) (netip.Addr, bool) {
	var ip [4]byte
	k, v, digits := 0, 0, 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			if digits == 1 && v == 0 {
				return netip.Addr{}, false // leading zero
			}
			v = v*10 + int(c-'0')
			digits++
			if v > 255 {
				return netip.Addr{}, false
			}
			continue
		}
		if c != '.' || digits == 0 || k == 3 {
			return netip.Addr{}, false
		}
		ip[k] = byte(v)
		k, v, digits = k+1, 0, 0
	}
	if k != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(v)
	return netip.AddrFrom4(ip), true
}

// proxyParseIPv6 parses an IPv6 address without zone: up to eight groups of
// 1-4 hex digits, at most one "::" standing for one or more zero groups,
// optionally ending in a dotted IPv4 address in place of the last two
// groups.
func proxyParseIPv6(s []byte) (netip.Addr, bool) {
	var ip [16]byte
	ellipsis := -1 // byte index in ip where "::" stands
	i := 0
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
	}
	for len(s) > 0 && i < 16 {
		d, v := 0, 0
		for ; d < len(s); d++ {
			c := s[d]
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | int(c-'0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | int(c-'a'+10)
			case c >= 'A' && c <= 'F':
				v = v<<4 | int(c-'A'+10)
			default:
				goto end
			}
			if d == 4 {
				return netip.Addr{}, false
			}
		}
	end:
		if d < len(s) && s[d] == '.' {
			// Dotted IPv4 tail: takes the rest and two groups.
			if i > 12 {
				return netip.Addr{}, false
			}
			a4, ok := proxyParseIPv4(s)
			if !ok {
				return netip.Addr{}, false
			}
			b4 := a4.As4()
			copy(ip[i:], b4[:])
			i += 4
			s = s[len(s):]
			break
		}
		if d == 0 {
			return netip.Addr{}, false
		}
		ip[i], ip[i+1] = byte(v>>8), byte(v)
		i += 2
		s = s[d:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return netip.Addr{}, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = i
			s = s[1:]
		}
	}
	if len(s) != 0 {
		return netip.Addr{}, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		k := 16 - i
		copy(ip[ellipsis+k:], ip[ellipsis:i])
		clear(ip[ellipsis : ellipsis+k])
	} else if ellipsis >= 0 {
		return netip.Addr{}, false // "::" must stand for at least one group
	}
	return netip.AddrFrom16(ip), true
}
