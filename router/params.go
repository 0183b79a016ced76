package router

import (
	"net/url"
	"strconv"
)

// MaxParams is the largest number of parameters (named and catch-all) one
// pattern may have. Params holds its values in a fixed array of this size so
// that a lookup never allocates; Handle rejects patterns with more.
const MaxParams = 16

// Params holds the parameter values of one matched route. The caller owns it
// (declare it on the stack, or keep one in a pooled request context) and
// passes it to Router.Lookup, which fills it without allocating.
//
// Values are slices of the path given to Lookup: they are not copied and not
// percent-decoded. When that path aliases a reused buffer (fasthttp's request
// path through unsafe.String, for example) the values are valid only until
// the buffer is reused, that is, until the handler returns. Copy a value
// (strings.Clone) to keep it longer.
//
// The zero Params is empty and ready to use.
type Params struct {
	route *Route
	path  string
	n     int
	// spans holds each value as [start, end) offsets into path rather than
	// as a string: half the size, so a Params is cheaper to zero and to
	// pass by value (Mux hands it to handlers by value).
	spans [MaxParams]span
}

// span is a parameter value's offsets in the path.
type span struct{ start, end uint32 }

// Len reports the number of parameters of the matched route.
func (ps *Params) Len() int { return ps.n }

// Name returns the name of the i-th parameter, in pattern order. It panics
// if i is out of range, like a slice index.
func (ps *Params) Name(i int) string { return ps.route.Params[:ps.n][i] }

// Value returns the raw value of the i-th parameter, in pattern order. It
// panics if i is out of range, like a slice index.
func (ps *Params) Value(i int) string {
	sp := ps.spans[:ps.n][i]
	return ps.path[sp.start:sp.end]
}

// Get returns the raw value of the parameter called name, or "" if the
// matched route has no such parameter. A catch-all parameter written as "*"
// with no name is called "*".
func (ps *Params) Get(name string) string {
	v, _ := ps.Lookup(name)
	return v
}

// Lookup returns the raw value of the parameter called name and whether the
// matched route has such a parameter.
func (ps *Params) Lookup(name string) (string, bool) {
	if ps.route == nil {
		return "", false
	}
	names := ps.route.Params
	for i := 0; i < ps.n && i < len(names); i++ {
		if names[i] == name {
			sp := ps.spans[i]
			return ps.path[sp.start:sp.end], true
		}
	}
	return "", false
}

// Unescaped returns the value of the parameter called name with its
// percent-encoding decoded (url.PathUnescape). It allocates only when the
// raw value contains a '%'; otherwise it returns the raw value itself. A
// missing parameter gives "" and no error; a malformed escape gives an error
// naming the parameter.
func (ps *Params) Unescaped(name string) (string, error) {
	v, ok := ps.Lookup(name)
	if !ok {
		return "", nil
	}
	return unescapeParam(name, v)
}

// UnescapedValue is Unescaped for the i-th parameter.
func (ps *Params) UnescapedValue(i int) (string, error) {
	return unescapeParam(ps.Name(i), ps.Value(i))
}

func unescapeParam(name, v string) (string, error) {
	for i := 0; i < len(v); i++ {
		if v[i] == '%' {
			u, err := url.PathUnescape(v)
			if err != nil {
				return "", &ParamError{Name: name, Value: v, Err: err}
			}
			return u, nil
		}
	}
	return v, nil
}

// Pattern returns the pattern of the matched route as it was registered, or
// "" when nothing matched.
func (ps *Params) Pattern() string {
	if ps.route == nil {
		return ""
	}
	return ps.route.Pattern
}

// Reset empties ps. Lookup resets it too, so calling Reset is needed only
// to drop references to a path before ps is pooled.
func (ps *Params) Reset() {
	ps.n = 0
	ps.route = nil
	ps.path = ""
}

// ParamError reports a parameter value that could not be percent-decoded.
type ParamError struct {
	Name  string // parameter name
	Value string // raw value
	Err   error  // the url.EscapeError
}

// Error implements error.
func (e *ParamError) Error() string {
	return "router: parameter " + e.Name + ": cannot decode " + strconv.Quote(e.Value) + ": " + e.Err.Error()
}

// Unwrap returns the decoding error.
func (e *ParamError) Unwrap() error { return e.Err }
