package parse

import (
	"iter"
	"strings"
)

// Cookie request header (RFC 6265 §4.2, §5.4):
//
//	cookie-string = cookie-pair *( ";" SP cookie-pair )
//	cookie-pair   = cookie-name "=" cookie-value
//
// Parsing follows net/http's readCookies (what http.Request.Cookies
// returns) rather than the strict grammar, because that is what browsers are
// known to need: pairs are split on ';', trimmed of ASCII whitespace, a pair
// without '=' is a cookie with an empty value, a name that is not a token or
// a value with a byte outside RFC 6265 cookie-octet plus space and comma
// skips just that pair, and one pair of surrounding double quotes is
// removed from the value. Differences from net/http: no limit on the number
// of pairs (net/http returns no cookies at all past 3000, GODEBUG
// httpcookiemaxnum; this iterator allocates nothing, so the count costs only
// time and callers bound it with the header size), and a single Cookie
// value is parsed (net/http also joins several Cookie header lines).

// Cookie is one name=value pair of a Cookie header. Name and Value are
// sub-strings of the header value and are valid as long as it is.
type Cookie struct {
	Name   string // case-sensitive
	Value  string // without surrounding double quotes
	Quoted bool   // the value was wrapped in double quotes
}

// CookieIter iterates over the pairs of a Cookie header value. Create one
// with ParseCookie; the zero value is an empty iterator.
type CookieIter struct {
	s       string
	skipped int
}

// ParseCookie returns an iterator over the name=value pairs of a Cookie
// header value. It allocates nothing.
func ParseCookie(header string) CookieIter { return CookieIter{s: header} }

// Next returns the next valid pair; invalid pairs are skipped and counted
// (see Skipped).
func (it *CookieIter) Next() (Cookie, bool) {
	for len(it.s) > 0 {
		part := it.s
		if i := strings.IndexByte(part, ';'); i >= 0 {
			part, it.s = part[:i], part[i+1:]
		} else {
			it.s = ""
		}
		part = cookieTrim(part)
		if part == "" {
			continue
		}
		name, val := part, ""
		if i := strings.IndexByte(part, '='); i >= 0 {
			name, val = part[:i], part[i+1:]
		}
		name = cookieTrim(name)
		if !httpIsToken(name) {
			it.skipped++
			continue
		}
		c := Cookie{Name: name}
		var ok bool
		if c.Value, c.Quoted, ok = cookieValue(val); !ok {
			it.skipped++
			continue
		}
		return c, true
	}
	return Cookie{}, false
}

// Skipped returns how many malformed pairs Next has skipped so far.
func (it *CookieIter) Skipped() int { return it.skipped }

// CookieValue returns the value of the first cookie called name (compared
// exactly, as cookie names are case-sensitive). It allocates nothing.
func CookieValue(header, name string) (string, bool) {
	it := ParseCookie(header)
	for {
		c, ok := it.Next()
		if !ok {
			return "", false
		}
		if c.Name == name {
			return c.Value, true
		}
	}
}

// cookieTrim trims ASCII whitespace (SP, HTAB, CR, LF) as net/textproto
// does.
func cookieTrim(s string) string {
	for len(s) > 0 && cookieSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && cookieSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func cookieSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// cookieOctet marks the bytes net/http accepts in a cookie value: RFC 6265
// cookie-octet plus space and comma.
var cookieOctet = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != ';' && c != '\\'
	}
	return t
}()

// cookieValue strips one pair of surrounding quotes and checks every byte.
func cookieValue(raw string) (v string, quoted, ok bool) {
	if len(raw) > 1 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		raw, quoted = raw[1:len(raw)-1], true
	}
	for i := 0; i < len(raw); i++ {
		if !cookieOctet[raw[i]] {
			return "", quoted, false
		}
	}
	return raw, quoted, true
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *CookieIter) All() iter.Seq[Cookie] {
	return func(yield func(Cookie) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
