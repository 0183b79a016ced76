package parse

// This file holds the lexical pieces shared by the HTTP header grammars
// (RFC 9110 §5.6): tokens, optional whitespace, quoted strings, weights and
// ASCII case folding. Every helper is named httpXxx so it does not collide
// with the JSON and PROXY protocol parsers that live in the same package.

// httpTchar marks the RFC 9110 §5.6.2 tchar bytes:
//
//	"!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//	"^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
var httpTchar = [256]bool{
	'!': true, '#': true, '$': true, '%': true, '&': true, '\'': true,
	'*': true, '+': true, '-': true, '.': true, '^': true, '_': true,
	'`': true, '|': true, '~': true,
	'0': true, '1': true, '2': true, '3': true, '4': true,
	'5': true, '6': true, '7': true, '8': true, '9': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true,
	'H': true, 'I': true, 'J': true, 'K': true, 'L': true, 'M': true, 'N': true,
	'O': true, 'P': true, 'Q': true, 'R': true, 'S': true, 'T': true, 'U': true,
	'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true,
	'h': true, 'i': true, 'j': true, 'k': true, 'l': true, 'm': true, 'n': true,
	'o': true, 'p': true, 'q': true, 'r': true, 's': true, 't': true, 'u': true,
	'v': true, 'w': true, 'x': true, 'y': true, 'z': true,
}

// httpElemChar marks the bytes of a list element's leading value in the
// weighted lists: tchar plus '/' (for "type/subtype").
var httpElemChar = func() (t [256]bool) {
	t = httpTchar
	t['/'] = true
	return t
}()

// httpIsToken reports whether s is a non-empty RFC 9110 token.
func httpIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !httpTchar[s[i]] {
			return false
		}
	}
	return true
}

// httpTokenEnd returns the index just past the token that starts at s[i:].
func httpTokenEnd(s string, i int) int {
	for i < len(s) && httpTchar[s[i]] {
		i++
	}
	return i
}

// httpSkipOWS skips RFC 9110 OWS (spaces and horizontal tabs) from s[i:].
func httpSkipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// httpTrimOWS trims OWS from both ends of s.
func httpTrimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// httpQuotedEnd scans the RFC 9110 §5.6.4 quoted-string that starts at
// s[i] == '"'. It returns the index just past the closing quote and whether
// the string holds a quoted-pair. end is -1 when the string is malformed
// (unterminated, or holding a control byte).
//
//	quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//	quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
func httpQuotedEnd(s string, i int) (end int, escaped bool) {
	for i++; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, escaped
		case c == '\\':
			i++
			if i >= len(s) || !httpQuotedPairChar(s[i]) {
				return -1, escaped
			}
			escaped = true
		case c == '\t' || (c >= 0x20 && c != 0x7f):
		default:
			return -1, escaped
		}
	}
	return -1, escaped
}

// httpQuotedPairChar reports whether c may follow a backslash in a
// quoted-pair: HTAB, SP, VCHAR or obs-text.
func httpQuotedPairChar(c byte) bool {
	return c == '\t' || (c >= 0x20 && c != 0x7f)
}

// httpAppendUnquoted appends the content of a quoted-string body (the text
// between the quotes) to dst with every quoted-pair replaced by the byte it
// escapes.
func httpAppendUnquoted(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			c = s[i]
		}
		dst = append(dst, c)
	}
	return dst
}

// httpLower folds an ASCII upper-case letter to lower case.
func httpLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// httpEqualFold reports whether a and b are equal under ASCII case folding.
// Unlike strings.EqualFold it never applies Unicode folding, which is what
// HTTP's case-insensitive tokens call for.
func httpEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && httpLower(a[i]) != httpLower(b[i]) {
			return false
		}
	}
	return true
}

// EqualFold reports whether a and b are equal under ASCII case folding, the
// comparison HTTP uses for media types, parameter names, codings, schemes and
// language tags. It never allocates and, unlike strings.EqualFold, never
// folds non-ASCII characters (so "K" does not equal the Kelvin sign).
func EqualFold(a, b string) bool { return httpEqualFold(a, b) }

// HasToken reports whether the comma-separated header list (Vary,
// Connection, Upgrade, ...) contains tok as one of its elements, compared
// under ASCII case folding, with optional whitespace (SP, HTAB) around each
// element ignored. It never allocates.
func HasToken(list, tok string) bool {
	for len(list) > 0 {
		i := 0
		for i < len(list) && list[i] != ',' {
			i++
		}
		el := list[:i]
		for len(el) > 0 && (el[0] == ' ' || el[0] == '\t') {
			el = el[1:]
		}
		for len(el) > 0 && (el[len(el)-1] == ' ' || el[len(el)-1] == '\t') {
			el = el[:len(el)-1]
		}
		if httpEqualFold(el, tok) {
			return true
		}
		if i == len(list) {
			break
		}
		list = list[i+1:]
	}
	return false
}

// httpWeightMax is the weight of q=1 in thousandths.
const httpWeightMax = 1000

// httpParseQ parses an RFC 9110 §12.4.2 qvalue and returns it in
// thousandths (0..1000), or -1 when v is not a qvalue.
//
//	qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
func httpParseQ(v string) int {
	if v == "" || len(v) > 5 {
		return -1
	}
	whole := v[0]
	if whole != '0' && whole != '1' {
		return -1
	}
	q := int(whole-'0') * 1000
	if len(v) == 1 {
		return q
	}
	if v[1] != '.' {
		return -1
	}
	scale := 100
	for i := 2; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return -1
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	if q > httpWeightMax {
		return -1
	}
	return q
}

// httpAppendQ appends the weight q (thousandths) in its shortest qvalue form.
func httpAppendQ(dst []byte, q int) []byte {
	if q >= httpWeightMax {
		return append(dst, '1')
	}
	if q <= 0 {
		return append(dst, '0')
	}
	dst = append(dst, '0', '.', byte('0'+q/100))
	if r := q % 100; r != 0 {
		dst = append(dst, byte('0'+r/10))
		if r%10 != 0 {
			dst = append(dst, byte('0'+r%10))
		}
	}
	return dst
}

// httpListSkip returns the index of the next top-level comma at or after i
// (or len(s)), skipping over quoted strings. Iterators use it to step past a
// malformed list element and resume at the next one.
func httpListSkip(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case ',':
			return i
		case '"':
			end, _ := httpQuotedEnd(s, i)
			if end < 0 {
				return len(s)
			}
			i = end
			continue
		}
		i++
	}
	return i
}
