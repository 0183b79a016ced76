package parse

import (
	"iter"
	"net/netip"
)

// Forwarded (RFC 7239 §4) and X-Forwarded-For:
//
//	Forwarded         = 1#forwarded-element
//	forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
//	forwarded-pair    = token "=" value
//	value             = token / quoted-string
//
// Both headers list one element per hop, the client first and the nearest
// proxy last. Trusted-proxy resolution walks them from the right, skipping
// addresses of proxies you trust; the first untrusted address is the client.
// Because a hop that cannot be parsed cannot be trusted either, the
// Forwarded iterators stop at the first malformed element (unlike the Accept
// iterators, which skip it): a forged or broken element never shifts the
// hops that follow it.

// ForwardedElement is one hop of a Forwarded header. The values are
// sub-strings of the header value (quotes removed; a quoted-pair, which no
// valid node needs, is left as written) and are valid as long as it is.
// A parameter that is absent is "".
type ForwardedElement struct {
	For   string // the client of this hop: "192.0.2.60", "[2001:db8::1]:4711", "unknown", "_hidden"
	By    string // the interface where the request came in to the proxy
	Host  string // the Host request header as received by the proxy
	Proto string // the scheme used by the client of this hop: "http", "https"
}

// ForAddr parses For as an IP address (see NodeAddr).
func (e ForwardedElement) ForAddr() (netip.Addr, bool) { return NodeAddr(e.For) }

// forwardedScan parses the element at s[i:] (i at its first byte, after any
// separators). It returns the index after it (at a comma or the end) and,
// on error, a reason and offset. empty reports an element with no pair.
func forwardedScan(s string, i int, e *ForwardedElement) (next int, empty bool, reason string, off int) {
	*e = ForwardedElement{}
	empty = true
	var seen [4]bool
	for {
		i = httpSkipOWS(s, i)
		if i >= len(s) || s[i] == ',' {
			return i, empty, "", 0
		}
		if s[i] == ';' {
			i++
			continue
		}
		var p MediaParam
		end, reason := httpScanParam(s, i, &p)
		if reason != "" {
			return end, empty, reason, end
		}
		var k int
		var dst *string
		switch {
		case httpEqualFold(p.Name, "for"):
			k, dst = 0, &e.For
		case httpEqualFold(p.Name, "by"):
			k, dst = 1, &e.By
		case httpEqualFold(p.Name, "host"):
			k, dst = 2, &e.Host
		case httpEqualFold(p.Name, "proto"):
			k, dst = 3, &e.Proto
		default:
			k = -1 // an extension parameter: validated, ignored
		}
		if k >= 0 {
			if seen[k] {
				return end, empty, "repeated parameter", i
			}
			seen[k], *dst = true, p.Value
		}
		empty = false
		i = httpSkipOWS(s, end)
		if i < len(s) && s[i] != ';' && s[i] != ',' {
			return i, empty, "unexpected byte", i
		}
	}
}

// ForwardedIter iterates over the elements of a Forwarded header value from
// left (the client) to right (the nearest proxy). Create one with
// ParseForwarded. It stops at the first malformed element; Err tells why.
type ForwardedIter struct {
	s   string
	i   int
	bad httpErrState
}

// ParseForwarded returns an iterator over the elements of a Forwarded header
// value. It allocates nothing.
func ParseForwarded(header string) ForwardedIter { return ForwardedIter{s: header} }

// Next returns the next element, or false at the end or at a malformed
// element.
func (it *ForwardedIter) Next() (ForwardedElement, bool) {
	var e ForwardedElement
	for it.bad.reason == "" {
		i := httpSkipListSep(it.s, it.i)
		if i >= len(it.s) {
			it.i = i
			break
		}
		next, empty, reason, off := forwardedScan(it.s, i, &e)
		it.i = next
		if reason != "" {
			it.bad.set(reason, off)
			break
		}
		if !empty {
			return e, true
		}
	}
	return ForwardedElement{}, false
}

// Err returns the syntax error that stopped the iteration, or nil.
func (it *ForwardedIter) Err() error { return it.bad.err("forwarded") }

// MaxForwardedHops is how many elements, counted from the right, a
// ForwardedReverseIter can return. Trusted proxy chains are far shorter.
const MaxForwardedHops = 32

// ForwardedReverseIter iterates over the elements of a Forwarded header from
// right (the nearest proxy) to left. Create one with ParseForwardedReverse.
type ForwardedReverseIter struct {
	s      string
	starts [MaxForwardedHops]int32 // ring of element offsets
	n      int                     // elements seen
	k      int                     // elements returned
	bad    httpErrState
}

// ParseForwardedReverse validates the whole header value and returns an
// iterator over its elements from right to left. A malformed header yields
// no element at all (Err tells why), since no hop of it can be trusted. Only
// the rightmost MaxForwardedHops elements are returned; past them Next
// returns false and Err reports the cut. It allocates nothing.
func ParseForwardedReverse(header string) ForwardedReverseIter {
	it := ForwardedReverseIter{s: header}
	if len(header) > 1<<31-1 {
		it.bad.set("header too long", 0)
		return it
	}
	var e ForwardedElement
	i := 0
	for {
		i = httpSkipListSep(header, i)
		if i >= len(header) {
			return it
		}
		next, empty, reason, off := forwardedScan(header, i, &e)
		if reason != "" {
			it.bad.set(reason, off)
			it.n = 0
			return it
		}
		if !empty {
			it.starts[it.n%MaxForwardedHops] = int32(i)
			it.n++
		}
		i = next
	}
}

// Next returns the next element to the left.
func (it *ForwardedReverseIter) Next() (ForwardedElement, bool) {
	var e ForwardedElement
	if it.k >= it.n {
		return e, false
	}
	if it.k >= MaxForwardedHops {
		it.bad.set("more than MaxForwardedHops elements", 0)
		return e, false
	}
	it.k++
	forwardedScan(it.s, int(it.starts[(it.n-it.k)%MaxForwardedHops]), &e)
	return e, true
}

// Err returns the syntax error found in the header, or the cut at
// MaxForwardedHops, or nil.
func (it *ForwardedReverseIter) Err() error { return it.bad.err("forwarded") }

// XForwardedForIter iterates over the addresses of an X-Forwarded-For header
// value ("203.0.113.195, 2001:db8::1, 198.51.100.17"), either left to right
// or right to left. Empty elements are skipped; the addresses are returned as
// written (OWS-trimmed sub-strings; parse them with NodeAddr).
type XForwardedForIter struct {
	s       string
	reverse bool
}

// ParseXForwardedFor returns an iterator over the addresses of an
// X-Forwarded-For header value from left (the client) to right.
func ParseXForwardedFor(header string) XForwardedForIter {
	return XForwardedForIter{s: header}
}

// ParseXForwardedForReverse returns an iterator over the addresses of an
// X-Forwarded-For header value from right (the nearest proxy) to left, the
// order of a trusted-proxy walk. When a request carries several
// X-Forwarded-For lines, walk the last line first.
func ParseXForwardedForReverse(header string) XForwardedForIter {
	return XForwardedForIter{s: header, reverse: true}
}

// Next returns the next address.
func (it *XForwardedForIter) Next() (string, bool) {
	for it.s != "" {
		var part string
		if it.reverse {
			i := len(it.s) - 1
			for i >= 0 && it.s[i] != ',' {
				i--
			}
			part, it.s = it.s[i+1:], it.s[:max(i, 0)]
		} else {
			i := 0
			for i < len(it.s) && it.s[i] != ',' {
				i++
			}
			part, it.s = it.s[:i], it.s[min(i+1, len(it.s)):]
		}
		if part = httpTrimOWS(part); part != "" {
			return part, true
		}
	}
	return "", false
}

// ClientFromXForwardedFor walks an X-Forwarded-For value from the right,
// skipping addresses for which trusted returns true, and returns the first
// untrusted one: the client as seen by your outermost trusted proxy. When
// every address is trusted it returns the leftmost. It returns false for an
// empty header or when it meets an element that is not an IP address (no
// hop beyond it can be believed). Call it only when the peer that sent the
// request is itself a trusted proxy. It allocates nothing (if trusted does
// not).
func ClientFromXForwardedFor(header string, trusted func(netip.Addr) bool) (netip.Addr, bool) {
	it := ParseXForwardedForReverse(header)
	var last netip.Addr
	found := false
	for {
		s, more := it.Next()
		if !more {
			return last, found
		}
		a, ok := NodeAddr(s)
		if !ok {
			return netip.Addr{}, false
		}
		last, found = a, true
		if !trusted(a) {
			return a, true
		}
	}
}

// ClientFromForwarded is ClientFromXForwardedFor for a Forwarded header,
// walking the "for" parameters. An element without a "for" address (absent,
// "unknown" or an obfuscated "_name") stops the walk with false, as does a
// malformed header.
func ClientFromForwarded(header string, trusted func(netip.Addr) bool) (netip.Addr, bool) {
	it := ParseForwardedReverse(header)
	if it.bad.reason != "" {
		return netip.Addr{}, false
	}
	var last netip.Addr
	found := false
	for {
		e, more := it.Next()
		if !more {
			if it.bad.reason != "" {
				return netip.Addr{}, false
			}
			return last, found
		}
		a, ok := e.ForAddr()
		if !ok {
			return netip.Addr{}, false
		}
		last, found = a, true
		if !trusted(a) {
			return a, true
		}
	}
}

// SplitNode splits a node ("192.0.2.43:47011", "[2001:db8::1]:4711",
// "2001:db8::1", "unknown") into host and port, removing the brackets of an
// IPv6 address. port is "" when there is none. It does not validate.
func SplitNode(node string) (host, port string) {
	if len(node) > 0 && node[0] == '[' {
		for i := 1; i < len(node); i++ {
			if node[i] == ']' {
				host = node[1:i]
				if i+1 < len(node) && node[i+1] == ':' {
					port = node[i+2:]
				}
				return host, port
			}
		}
		return node, ""
	}
	colon := -1
	for i := 0; i < len(node); i++ {
		if node[i] == ':' {
			if colon >= 0 {
				return node, "" // bare IPv6: no port
			}
			colon = i
		}
	}
	if colon < 0 {
		return node, ""
	}
	return node[:colon], node[colon+1:]
}

// NodeAddr parses the address of a Forwarded node or an X-Forwarded-For
// element: an IPv4 or IPv6 address, optionally bracketed (IPv6) and with a
// port. "unknown", obfuscated identifiers and host names report false.
// It allocates nothing for addresses without an IPv6 zone.
func NodeAddr(node string) (netip.Addr, bool) {
	host, _ := SplitNode(node)
	// Screen out "unknown", "_hidden" and host names before ParseAddr,
	// whose error would allocate.
	if host == "" || !(host[0] == ':' || '0' <= host[0] && host[0] <= '9' ||
		'a' <= host[0] && host[0] <= 'f' || 'A' <= host[0] && host[0] <= 'F') {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a, true
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *ForwardedIter) All() iter.Seq[ForwardedElement] {
	return func(yield func(ForwardedElement) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *ForwardedReverseIter) All() iter.Seq[ForwardedElement] {
	return func(yield func(ForwardedElement) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *XForwardedForIter) All() iter.Seq[string] {
	return func(yield func(string) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
