package tako

import (
	"net"
	"net/netip"
	"strings"

	"github.com/tako-go/tako/parse"
)

// Client address, scheme and host behind reverse proxies.
//
// Forwarding headers (Forwarded, X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host) are
// written by whoever sends the request, so they are believed only when the connection comes
// from a trusted proxy (App.TrustProxies), and then only as far back as the chain of trusted
// proxies goes: the client is the first address, walking from the right (the nearest hop),
// that is not itself a trusted proxy. A client that forges X-Forwarded-For gets its forgery
// skipped, because the proxy appends the real address after it.

// trustedProxies is the App state that TrustProxies sets.
type trustedProxies struct {
	prefixes []netip.Prefix
}

func (tp *trustedProxies) contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range tp.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TrustProxies sets the networks of the reverse proxies whose forwarding headers the App
// believes (for example netip.MustParsePrefix("10.0.0.0/8") for a load balancer's subnet,
// or "127.0.0.1/32" for a local proxy). It replaces any earlier list; with none (the
// default) forwarding headers are ignored and ClientIP is the peer address. IPv4-mapped
// IPv6 peers are compared as IPv4. Call it at start-up.
func (a *App) TrustProxies(prefixes ...netip.Prefix) {
	tp := &trustedProxies{prefixes: make([]netip.Prefix, len(prefixes))}
	for i, p := range prefixes {
		tp.prefixes[i] = p.Masked()
	}
	SetState(a, tp)
}

// trusted returns the App's trusted proxies when the peer is one of them, else nil.
func (c *Ctx) trustedPeer() *trustedProxies {
	tp, _ := StateOf[*trustedProxies](c.app)
	if tp == nil || len(tp.prefixes) == 0 {
		return nil
	}
	if peer := c.RemoteIP(); peer.IsValid() && tp.contains(peer) {
		return tp
	}
	return nil
}

// RemoteIP returns the IP address of the peer: the client, or the nearest proxy; the zero
// Addr for a peer without one (a Unix socket). It allocates nothing for TCP peers.
func (c *Ctx) RemoteIP() netip.Addr {
	if c.engine == FastHTTP {
		switch ra := c.fc.RemoteAddr().(type) {
		case *net.TCPAddr:
			a, _ := netip.AddrFromSlice(ra.IP)
			return a.Unmap()
		case nil:
			return netip.Addr{}
		default: // another listener's address type (a PROXY protocol wrapper, say)
			if ap, err := netip.ParseAddrPort(ra.String()); err == nil {
				return ap.Addr().Unmap()
			}
			return netip.Addr{}
		}
	}
	ap, err := netip.ParseAddrPort(c.r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// ClientIP returns the address of the client. When the peer is a trusted proxy
// (App.TrustProxies), it walks the Forwarded header (or, without one, X-Forwarded-For)
// from the right, past every trusted proxy, and returns the first untrusted address; if the
// header is missing or malformed, the peer's address. Otherwise, forwarding headers are
// ignored and it returns RemoteIP. It allocates nothing on the FastHTTP engine unless the
// request carries the header on several lines.
func (c *Ctx) ClientIP() netip.Addr {
	peer := c.RemoteIP()
	tp := c.trustedPeer()
	if tp == nil {
		return peer
	}
	if h := c.headerJoined("Forwarded"); h != "" {
		if a, ok := parse.ClientFromForwarded(h, tp.contains); ok {
			return a.Unmap()
		}
		return peer
	}
	if h := c.headerJoined("X-Forwarded-For"); h != "" {
		if a, ok := parse.ClientFromXForwardedFor(h, tp.contains); ok {
			return a.Unmap()
		}
	}
	return peer
}

// ForwardedScheme returns the scheme ("http" or "https") the client used. When the peer is
// a trusted proxy it believes the proxy: the "proto" of the Forwarded element that names
// the client, else the last X-Forwarded-Proto value (the one the nearest proxy wrote).
// Otherwise, or when those are absent or not http/https, it is Scheme: the connection's.
func (c *Ctx) ForwardedScheme() string {
	if tp := c.trustedPeer(); tp != nil {
		if e, ok := c.clientHop(tp); ok && e.Proto != "" {
			if s := normScheme(e.Proto); s != "" {
				return s
			}
		} else if v := lastListValue(c.headerJoined("X-Forwarded-Proto")); v != "" {
			if s := normScheme(v); s != "" {
				return s
			}
		}
	}
	return c.Scheme()
}

// ForwardedHost returns the host the client asked for. When the peer is a trusted proxy it
// believes the proxy: the "host" of the Forwarded element that names the client, else the
// last X-Forwarded-Host value. Otherwise, or when those are absent or malformed, it is
// Host. Zero-copy: valid until the handler returns.
func (c *Ctx) ForwardedHost() string {
	if tp := c.trustedPeer(); tp != nil {
		if e, ok := c.clientHop(tp); ok && e.Host != "" {
			if validHost(e.Host) {
				return e.Host
			}
		} else if v := lastListValue(c.headerJoined("X-Forwarded-Host")); v != "" && validHost(v) {
			return v
		}
	}
	return c.Host()
}

// clientHop returns the Forwarded element that names the client: walking from the right,
// the first whose "for" is not a trusted proxy (or the leftmost if all are). ok is false
// when there is no Forwarded header, it is malformed, or a hop has no usable address.
func (c *Ctx) clientHop(tp *trustedProxies) (parse.ForwardedElement, bool) {
	h := c.headerJoined("Forwarded")
	if h == "" {
		return parse.ForwardedElement{}, false
	}
	it := parse.ParseForwardedReverse(h)
	var last parse.ForwardedElement
	seen := false
	for {
		e, ok := it.Next()
		if !ok {
			break
		}
		a, ok := e.ForAddr()
		if !ok {
			return parse.ForwardedElement{}, false
		}
		last, seen = e, true
		if !tp.contains(a) {
			return e, true
		}
	}
	if it.Err() != nil {
		return parse.ForwardedElement{}, false
	}
	return last, seen
}

// headerJoined returns every line of the request header name joined with ", " (RFC 9110
// §5.3), so that a forged first line cannot hide the line a proxy appended. One line is
// returned as is; several are joined into a new string.
func (c *Ctx) headerJoined(name string) string {
	if c.engine == FastHTTP {
		all := c.fc.Request.Header.PeekAll(name)
		switch len(all) {
		case 0:
			return ""
		case 1:
			return c.str(all[0])
		}
		var b strings.Builder
		for i, v := range all {
			if i > 0 {
				b.WriteString(", ")
			}
			b.Write(v)
		}
		return b.String()
	}
	vs := c.r.Header.Values(name)
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	return strings.Join(vs, ", ")
}

// lastListValue returns the last non-empty element of a comma-separated list, trimmed.
func lastListValue(h string) string {
	for h != "" {
		i := strings.LastIndexByte(h, ',')
		v := strings.Trim(h[i+1:], " \t")
		if v != "" {
			return v
		}
		if i < 0 {
			break
		}
		h = h[:i]
	}
	return ""
}

// normScheme returns "http" or "https" for those schemes in any case, else "".
func normScheme(s string) string {
	switch {
	case parse.EqualFold(s, "https"):
		return "https"
	case parse.EqualFold(s, "http"):
		return "http"
	}
	return ""
}

// validHost reports whether h looks like a URI authority host[:port]: no whitespace,
// controls, '/', '\\', '@', '?' or '#', so that it is safe to build URLs from.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		b := h[i]
		if b <= ' ' || b >= 0x7f || b == '/' || b == '\\' || b == '@' || b == '?' || b == '#' || b == ',' || b == '"' {
			return false
		}
	}
	return true
}
