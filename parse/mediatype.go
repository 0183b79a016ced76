package parse

import "iter"

// Content-Type (RFC 9110 §8.3.1) and the media-type parameter grammar that
// Accept shares:
//
//	media-type = type "/" subtype parameters
//	parameters = *( OWS ";" OWS [ parameter ] )
//	parameter  = parameter-name "=" parameter-value
//	parameter-value = ( token / quoted-string )
//
// Everything returned is a sub-string of the input. A quoted value is
// returned without its quotes; only a value holding a quoted-pair (a
// backslash escape) needs a copy to be unescaped, and MediaParam.Escaped says
// when.

// MediaType is a parsed Content-Type value. Its strings are sub-strings of
// the header value passed to ParseMediaType and are valid as long as it is.
// Type and Subtype are as written; compare them with EqualFold or Is.
type MediaType struct {
	Type    string // "text" in "text/html; charset=utf-8"
	Subtype string // "html"
	// RawParams is the parameter text after the first ';', OWS-trimmed:
	// "charset=utf-8" above. Iterate it with Params.
	RawParams string
}

// ParseMediaType parses a Content-Type value such as
// `multipart/form-data; boundary="abc"`. The whole value is validated, so
// iterating the parameters of the result afterwards cannot fail. A syntax
// error is a *HeaderError with the byte offset; when only a parameter is bad,
// Type and Subtype are still set (as mime.ParseMediaType still returns the
// media type with ErrInvalidMediaParameter). It allocates nothing unless it
// returns an error.
//
// It accepts what mime.ParseMediaType accepts for type/subtype media types,
// with these deliberate differences: the type and parameter names are not
// lower-cased (compare with EqualFold), tokens follow RFC 9110 tchar (so '{'
// and '}' are rejected, as RFC 9110 says), only SP and HTAB count as
// whitespace, quoted-pairs unescape every character (mime keeps the
// backslash before a non-special one, for old MSIE file paths), RFC 2231
// continuations (name*0, name*) are not decoded, duplicate parameters are not
// rejected (Param returns the first), empty parameters (";;") are skipped as
// RFC 9110 allows, and a bare "type" with no subtype is an
// error (mime allows it for Content-Disposition).
func ParseMediaType(v string) (MediaType, error) {
	var m MediaType
	i := httpSkipOWS(v, 0)
	j := httpTokenEnd(v, i)
	if j == i {
		return m, &HeaderError{Header: "media type", Offset: i, Reason: "missing type"}
	}
	m.Type = v[i:j]
	if j >= len(v) || v[j] != '/' {
		return m, &HeaderError{Header: "media type", Offset: j, Reason: "missing '/' after type"}
	}
	i = j + 1
	j = httpTokenEnd(v, i)
	if j == i {
		return m, &HeaderError{Header: "media type", Offset: i, Reason: "missing subtype"}
	}
	m.Subtype = v[i:j]
	i = httpSkipOWS(v, j)
	if i == len(v) {
		return m, nil
	}
	if v[i] != ';' {
		return m, &HeaderError{Header: "media type", Offset: i, Reason: "unexpected byte after subtype"}
	}
	base := httpSkipOWS(v, i+1)
	m.RawParams = httpTrimOWS(v[base:])
	it := m.Params()
	for {
		if _, ok := it.Next(); !ok {
			break
		}
	}
	if it.bad.reason != "" {
		return m, &HeaderError{Header: "media type", Offset: base + it.bad.off, Reason: it.bad.reason}
	}
	return m, nil
}

// Is reports whether m is the media type typeSubtype ("text/html"),
// ignoring ASCII case.
func (m MediaType) Is(typeSubtype string) bool {
	return len(typeSubtype) == len(m.Type)+1+len(m.Subtype) &&
		typeSubtype[len(m.Type)] == '/' &&
		httpEqualFold(typeSubtype[:len(m.Type)], m.Type) &&
		httpEqualFold(typeSubtype[len(m.Type)+1:], m.Subtype)
}

// Params returns an iterator over the parameters.
func (m MediaType) Params() ParamIter { return ParamIter{s: m.RawParams} }

// Param returns the value of the first parameter called name (ASCII
// case-insensitive), without quotes. It allocates only when the value is a
// quoted-string holding a quoted-pair; use Params and AppendValue to unescape
// into a buffer of your own instead.
func (m MediaType) Param(name string) (string, bool) {
	return httpParam(m.RawParams, name)
}

// Charset returns the charset parameter, or "" when there is none.
func (m MediaType) Charset() string {
	v, _ := m.Param("charset")
	return v
}

// Boundary returns the boundary parameter of a multipart type, or "" when
// there is none.
func (m MediaType) Boundary() string {
	v, _ := m.Param("boundary")
	return v
}

func httpParam(raw, name string) (string, bool) {
	p, ok := httpParamLookup(raw, name)
	return p.Unescape(), ok
}

// httpParamLookup finds the first parameter called name in raw.
func httpParamLookup(raw, name string) (MediaParam, bool) {
	it := ParamIter{s: raw}
	for {
		p, ok := it.Next()
		if !ok || httpEqualFold(p.Name, name) {
			return p, ok
		}
	}
}

// MediaParam is one name=value parameter. Name and Value are sub-strings of
// the header value.
type MediaParam struct {
	Name string // as written; compare with EqualFold
	// Value is the parameter value; for a quoted-string, the text between
	// the quotes. When Escaped is set it still holds the quoted-pair
	// backslashes: call Unescape or AppendValue for the real value.
	Value   string
	Quoted  bool // the value was a quoted-string
	Escaped bool // the quoted-string holds at least one quoted-pair
}

// Unescape returns the parameter's value with quoted-pairs resolved. It
// allocates only when Escaped is set.
func (p MediaParam) Unescape() string {
	if !p.Escaped {
		return p.Value
	}
	return string(httpAppendUnquoted(nil, p.Value))
}

// AppendValue appends the unescaped value to dst and returns the extended
// buffer; with enough capacity in dst it allocates nothing.
func (p MediaParam) AppendValue(dst []byte) []byte {
	if !p.Escaped {
		return append(dst, p.Value...)
	}
	return httpAppendUnquoted(dst, p.Value)
}

// ParamIter iterates over "name=value" parameters separated by ';', the
// parameters of a media type or media range. The zero value is an empty
// iterator. It stops at the first malformed parameter; Err tells why.
type ParamIter struct {
	s   string
	i   int
	bad httpErrState
}

// ParseParams returns an iterator over a raw parameter list such as
// `charset=utf-8; format="flowed"`.
func ParseParams(raw string) ParamIter { return ParamIter{s: raw} }

// Next returns the next parameter, or false at the end or at the first
// malformed parameter.
func (it *ParamIter) Next() (MediaParam, bool) {
	var p MediaParam
	if it.bad.reason != "" {
		return p, false
	}
	s, i := it.s, it.i
	for {
		i = httpSkipOWS(s, i)
		if i < len(s) && s[i] == ';' {
			i++
			continue
		}
		break
	}
	if i >= len(s) {
		it.i = i
		return p, false
	}
	next, reason := httpScanParam(s, i, &p)
	if reason != "" {
		it.bad.set(reason, next)
		it.i = len(s)
		return p, false
	}
	i = httpSkipOWS(s, next)
	if i < len(s) && s[i] != ';' {
		it.bad.set("expected ';' between parameters", i)
		it.i = len(s)
		return p, false
	}
	it.i = i
	return p, true
}

// Err returns the syntax error that stopped the iteration, or nil.
func (it *ParamIter) Err() error { return it.bad.err("media type parameters") }

// httpScanParam scans one parameter at s[i:] into p. It returns the index
// after it, or the error offset and a reason.
func httpScanParam(s string, i int, p *MediaParam) (int, string) {
	j := httpTokenEnd(s, i)
	if j == i {
		return i, "bad parameter name"
	}
	p.Name = s[i:j]
	j = httpSkipOWS(s, j)
	if j >= len(s) || s[j] != '=' {
		return j, "missing '=' in parameter"
	}
	j = httpSkipOWS(s, j+1)
	if j < len(s) && s[j] == '"' {
		end, esc := httpQuotedEnd(s, j)
		if end < 0 {
			return j, "bad quoted-string"
		}
		p.Value, p.Quoted, p.Escaped = s[j+1:end-1], true, esc
		return end, ""
	}
	k := httpTokenEnd(s, j)
	if k == j {
		return j, "bad parameter value"
	}
	p.Value = s[j:k]
	return k, ""
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *ParamIter) All() iter.Seq[MediaParam] {
	return func(yield func(MediaParam) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
