package parse

import "encoding/base64"

// Authorization (RFC 9110 §11.6.2) for the Basic (RFC 7617) and Bearer
// (RFC 6750) schemes:
//
//	credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="

// AuthScheme splits an Authorization (or Proxy-Authorization) value into its
// scheme and the credentials after it, both sub-strings of header. Compare
// the scheme with EqualFold: schemes are case-insensitive.
func AuthScheme(header string) (scheme, credentials string) {
	i := httpTokenEnd(header, 0)
	return header[:i], httpTrimOWS(header[i:])
}

// basicPrefix is matched exactly as net/http does: "Basic" in any case and
// one space.
const basicPrefix = "Basic "

// basicPayload returns the base64 part of a Basic credentials value.
func basicPayload(header string) (string, bool) {
	if len(header) < len(basicPrefix) || !httpEqualFold(header[:len(basicPrefix)], basicPrefix) {
		return "", false
	}
	return header[len(basicPrefix):], true
}

// ParseBasicInto decodes Basic credentials ("Basic dXNlcjpwYXNz") into dst's
// capacity and returns the user and password as sub-slices of it. With
// cap(dst) >= BasicDecodedLen(header) it allocates nothing (a 256-byte stack
// array covers every sane header); otherwise it allocates a buffer.
//
// It accepts exactly what http.Request.BasicAuth accepts: the scheme in any
// case followed by one space, standard padded base64 (CR and LF inside are
// ignored, as encoding/base64 does), and a ':' in the decoded text; the
// password is everything after the first ':'.
func ParseBasicInto(dst []byte, header string) (user, pass []byte, ok bool) {
	buf, colon, ok := basicDecode(dst, header)
	if !ok {
		return nil, nil, false
	}
	return buf[:colon:colon], buf[colon+1:], true
}

// basicDecode decodes the credentials into dst's capacity (or a new buffer)
// and returns the decoded text and the index of its first ':'.
func basicDecode(dst []byte, header string) (buf []byte, colon int, ok bool) {
	payload, ok := basicPayload(header)
	if !ok {
		return nil, 0, false
	}
	need := base64.StdEncoding.DecodedLen(len(payload))
	buf = dst[:cap(dst)]
	if len(buf) < need {
		buf = make([]byte, need)
	}
	n, err := base64.StdEncoding.Decode(buf, []byte(payload))
	if err != nil {
		return nil, 0, false
	}
	buf = buf[:n]
	for i, c := range buf {
		if c == ':' {
			return buf, i, true
		}
	}
	return nil, 0, false
}

// BasicDecodedLen returns the buffer size ParseBasicInto needs for header.
func BasicDecodedLen(header string) int {
	payload, ok := basicPayload(header)
	if !ok {
		return 0
	}
	return base64.StdEncoding.DecodedLen(len(payload))
}

// ParseBasic is ParseBasicInto returning strings. It makes one allocation,
// the decoded "user:pass" string that user and pass share; http.Request's
// BasicAuth makes two.
func ParseBasic(header string) (user, pass string, ok bool) {
	var stack [256]byte
	buf, colon, ok := basicDecode(stack[:0], header)
	if !ok {
		return "", "", false
	}
	s := string(buf)
	return s[:colon], s[colon+1:], true
}

// ParseBearer returns the token of Bearer credentials ("Bearer mF_9.B5f-4.1JqM"),
// a sub-string of header. The scheme is matched case-insensitively and may be
// followed by several spaces; the token must be RFC 6750 token68 syntax
// (trailing OWS is ignored).
func ParseBearer(header string) (token string, ok bool) {
	const scheme = "Bearer"
	if len(header) <= len(scheme) || !httpEqualFold(header[:len(scheme)], scheme) || header[len(scheme)] != ' ' {
		return "", false
	}
	i := len(scheme)
	for i < len(header) && header[i] == ' ' {
		i++
	}
	token = httpTrimOWS(header[i:])
	if !IsToken68(token) {
		return "", false
	}
	return token, true
}

// IsToken68 reports whether s is RFC 9110 token68 syntax.
func IsToken68(s string) bool {
	i := 0
	for i < len(s) && authToken68Table[s[i]] {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s)
}

// authToken68Table marks the token68 bytes other than the trailing '='.
var authToken68Table = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/'
	}
	return t
}()
