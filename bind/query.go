package bind

// URL-encoded key/value lists (a query string, an
// application/x-www-form-urlencoded body) scanned in place: no url.Values
// map, no allocation unless a value has to be unescaped.

import (
	"strings"
)

// QueryValue returns the i-th value (from 0) of key name in the raw
// URL-encoded string raw ("a=1&b=2&a=3"), percent- and '+'-decoded, and
// whether it exists. Keys are compared after decoding. The value aliases raw
// unless it had to be decoded. A pair with a bad escape is skipped, as
// url.ParseQuery skips it (which also reports an error); a key without '='
// has the value "". Pairs are separated by '&' only (not ';', like
// net/url since Go 1.17).
func QueryValue(raw, name string, i int) (string, bool) {
	for raw != "" {
		var pair string
		if j := strings.IndexByte(raw, '&'); j >= 0 {
			pair, raw = raw[:j], raw[j+1:]
		} else {
			pair, raw = raw, ""
		}
		if pair == "" {
			continue
		}
		// Find the key's end, noting escapes in it; compare cheaply first.
		k := 0
		esc := false
		for k < len(pair) && pair[k] != '=' {
			if c := pair[k]; c == '%' || c == '+' {
				esc = true
			}
			k++
		}
		key := pair[:k]
		if esc {
			if !keyEqual(key, name) {
				continue
			}
		} else if key != name {
			continue
		}
		val := ""
		if k < len(pair) {
			val = pair[k+1:]
		}
		// net/url skips a pair with a ';' or a bad escape.
		if strings.IndexByte(pair, ';') >= 0 || !validEscapes(val) {
			continue
		}
		if i > 0 {
			i--
			continue
		}
		return unescape(val), true
	}
	return "", false
}

// VisitQuery calls fn with every decoded key and value of raw in order,
// until fn returns false. Pairs with bad escapes are skipped.
func VisitQuery(raw string, fn func(key, value string) bool) {
	for raw != "" {
		var pair string
		if j := strings.IndexByte(raw, '&'); j >= 0 {
			pair, raw = raw[:j], raw[j+1:]
		} else {
			pair, raw = raw, ""
		}
		if pair == "" || strings.IndexByte(pair, ';') >= 0 {
			continue
		}
		key, val, _ := strings.Cut(pair, "=")
		if !validEscapes(key) || !validEscapes(val) {
			continue
		}
		if !fn(unescape(key), unescape(val)) {
			return
		}
	}
}

// keyEqual reports whether the encoded key k decodes to name, without
// decoding it into a new string.
func keyEqual(k, name string) bool {
	if len(k) == len(name) && k == name {
		return true
	}
	if len(k) < len(name) {
		return false
	}
	j := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(k) || !isHex(k[i+1]) || !isHex(k[i+2]) {
				return false
			}
			c = unhex(k[i+1])<<4 | unhex(k[i+2])
			i += 2
		}
		if j >= len(name) || name[j] != c {
			return false
		}
		j++
	}
	return j == len(name)
}

func validEscapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		s = s[i+3:]
		i = strings.IndexByte(s, '%')
	}
	return true
}

// unescape decodes '+' and %XX; s must have valid escapes. It returns s
// itself when there is nothing to decode.
func unescape(s string) string {
	n := 0
	plus := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '%':
			n++
		case '+':
			plus = true
		}
	}
	if n == 0 && !plus {
		return s
	}
	b := make([]byte, 0, len(s)-2*n)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// QueryString is a [Source] over a raw query string ("page=2&tag=a"): only
// [InQuery] has values. Use it to bind query parameters anywhere, without
// url.Values.
type QueryString string

// Value implements [Source] for InQuery.
func (q QueryString) Value(loc Location, name string, i int) (string, bool) {
	if loc != InQuery {
		return "", false
	}
	return QueryValue(string(q), name, i)
}

// Visit implements [Source] for InQuery.
func (q QueryString) Visit(loc Location, fn func(key, value string) bool) {
	if loc == InQuery {
		VisitQuery(string(q), fn)
	}
}

// Body implements [Source]: a query string has no body.
func (QueryString) Body() ([]byte, error) { return nil, nil }

// Stable implements [StableSource]: a Go string never changes.
func (QueryString) Stable() bool { return true }

// ContentType implements [Source]: "".
func (QueryString) ContentType() string { return "" }

// queryCursor returns the values of one key of a raw query in order,
// continuing from the previous match when asked for the next index, so
// reading every value is one pass over raw (QueryValue rescans).
type queryCursor struct {
	raw  string
	rest string // after the last match
	next int    // index of the value rest starts at
}

func (c *queryCursor) value(name string, i int) (string, bool) {
	if i == 0 || i != c.next {
		c.rest, c.next = c.raw, 0
		for c.next < i {
			if _, ok := c.value(name, c.next); !ok {
				return "", false
			}
		}
	}
	for c.rest != "" {
		var pair string
		if j := strings.IndexByte(c.rest, '&'); j >= 0 {
			pair, c.rest = c.rest[:j], c.rest[j+1:]
		} else {
			pair, c.rest = c.rest, ""
		}
		if v, ok := QueryValue(pair, name, 0); ok {
			c.next++
			return v, true
		}
	}
	return "", false
}
