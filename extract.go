package tako

import (
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"os"
	"strconv"

	"github.com/tako-go/tako/bind"
	"github.com/tako-go/tako/parse"
	"github.com/valyala/fasthttp"
)

// This file holds the small extractors (typed parameters, all headers, all parameters, form
// values) and extractState, the per-request state every extractor file shares. The bigger
// extractors have their own files: cookie.go, cookie_signed.go, auth.go, jwt.go,
// negotiate.go, clientip.go, multipart.go, protobuf.go and typed.go.

// extractState is the extractors' per-request state, kept inline in the pooled Ctx so that
// it is reused from request to request; Ctx.reset calls its reset.
type extractState struct {
	auth []byte // decoded Basic credentials (BasicAuth); strings handed out alias it

	form       fasthttp.Args // FastHTTP: the parsed urlencoded body (FormValue)
	formValues url.Values    // NetHTTP: the parsed urlencoded body
	formRead   bool

	json *parse.JSON   // the route's JSON configuration (WithJSON), nil for Config.JSON
	bind *bind.Options // the route's bind options (WithJSON), nil for the App's

	tmp []*os.File // multipart spill files, closed and removed when the request ends
}

// reset clears the state at the end of a request. Multipart spill files are closed and
// removed here, so no temporary file outlives its request, whatever the handler returned.
func (s *extractState) reset() {
	for i, f := range s.tmp {
		f.Close()
		os.Remove(f.Name())
		s.tmp[i] = nil
	}
	s.tmp = s.tmp[:0]
	if cap(s.auth) > 4<<10 {
		s.auth = nil
	}
	s.form.Reset()
	s.formValues = nil
	s.formRead = false
	s.json, s.bind = nil, nil
}

// Headers returns an iterator over every request header, name and value, in the order the
// engine keeps them (a header sent twice is yielded twice). Names are in canonical form
// ("Content-Type"). Zero-copy: both strings are valid until the handler returns. On the
// FastHTTP engine it allocates nothing.
func (c *Ctx) Headers() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if c.engine == FastHTTP {
			// VisitAll rather than fasthttp's All iterator, whose range state would escape
			// to the heap; after yield says stop, the remaining calls do nothing.
			done := false
			c.fc.Request.Header.VisitAll(func(k, v []byte) {
				if !done && !yield(c.str(k), c.str(v)) {
					done = true
				}
			})
			return
		}
		if c.r.Host != "" {
			if !yield("Host", c.r.Host) {
				return
			}
		}
		for k, vs := range c.r.Header {
			for _, v := range vs {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// HeaderValues returns every value of the request header name (case-insensitive), one
// per header line, as a new slice the caller owns. Zero-copy: the strings are valid until
// the handler returns.
func (c *Ctx) HeaderValues(name string) []string {
	if c.engine == FastHTTP {
		all := c.fc.Request.Header.PeekAll(name)
		out := make([]string, len(all))
		for i, v := range all {
			out[i] = c.str(v)
		}
		return out
	}
	return append([]string(nil), c.r.Header.Values(name)...)
}

// Params returns an iterator over the route parameters, name and raw (still
// percent-encoded) value, in pattern order. Zero-copy: valid until the handler returns. It
// allocates nothing.
func (c *Ctx) Params() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for i := range c.params.Len() {
			if !yield(c.params.Name(i), c.aliasParam(c.params.Value(i))) {
				return
			}
		}
	}
}

// ParamsMap returns the route parameters as a new map of name to percent-decoded value,
// with private copies of the values that may be kept after the handler returns.
func (c *Ctx) ParamsMap() map[string]string {
	m := make(map[string]string, c.params.Len())
	for i := range c.params.Len() {
		v, err := c.params.UnescapedValue(i)
		if err != nil {
			v = c.params.Value(i)
		}
		m[c.params.Name(i)] = string([]byte(v))
	}
	return m
}

// Scalar is the set of types that ParamAs and QueryAs convert a text value to.
type Scalar interface {
	string | bool | int | int8 | int16 | int32 | int64 | uint | uint8 | uint16 | uint32 |
		uint64 | float32 | float64
}

// ParamAs returns the route parameter name (percent-decoded) converted to T. A value that
// does not parse as T (including a missing parameter, unless T is string) is a 400 *Error
// naming the parameter. A string result follows Param's zero-copy contract.
//
//	id, err := tako.ParamAs[int64](c, "id")
func ParamAs[T Scalar](c *Ctx, name string) (T, error) {
	v, err := convertScalar[T](c.Param(name))
	if err != nil {
		return v, Errorf(http.StatusBadRequest, "path parameter %q: %v", name, err)
	}
	return v, nil
}

// QueryAs returns the query parameter name converted to T, or def when the query has no
// such parameter (or it is empty). A value that does not parse as T is a 400 *Error naming
// the parameter. A string result follows Query's zero-copy contract.
//
//	page, err := tako.QueryAs(c, "page", 1)
func QueryAs[T Scalar](c *Ctx, name string, def T) (T, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	v, err := convertScalar[T](s)
	if err != nil {
		return v, Errorf(http.StatusBadRequest, "query parameter %q: %v", name, err)
	}
	return v, nil
}

// convertScalar converts s to T with strconv. It allocates only to build an error.
func convertScalar[T Scalar](s string) (T, error) {
	var out T
	var err error
	switch p := any(&out).(type) {
	case *string:
		*p = s
	case *bool:
		*p, err = strconv.ParseBool(s)
	case *int:
		var n int64
		n, err = strconv.ParseInt(s, 10, strconv.IntSize)
		*p = int(n)
	case *int8:
		var n int64
		n, err = strconv.ParseInt(s, 10, 8)
		*p = int8(n)
	case *int16:
		var n int64
		n, err = strconv.ParseInt(s, 10, 16)
		*p = int16(n)
	case *int32:
		var n int64
		n, err = strconv.ParseInt(s, 10, 32)
		*p = int32(n)
	case *int64:
		*p, err = strconv.ParseInt(s, 10, 64)
	case *uint:
		var n uint64
		n, err = strconv.ParseUint(s, 10, strconv.IntSize)
		*p = uint(n)
	case *uint8:
		var n uint64
		n, err = strconv.ParseUint(s, 10, 8)
		*p = uint8(n)
	case *uint16:
		var n uint64
		n, err = strconv.ParseUint(s, 10, 16)
		*p = uint16(n)
	case *uint32:
		var n uint64
		n, err = strconv.ParseUint(s, 10, 32)
		*p = uint32(n)
	case *uint64:
		*p, err = strconv.ParseUint(s, 10, 64)
	case *float32:
		var f float64
		f, err = strconv.ParseFloat(s, 32)
		*p = float32(f)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	}
	if err != nil {
		var zero T
		if ne, ok := err.(*strconv.NumError); ok {
			err = ne.Err
		}
		return zero, fmt.Errorf("%q is not a valid %T (%v)", s, zero, err)
	}
	return out, nil
}

// FormValue returns the first value of the field name in an
// application/x-www-form-urlencoded request body, or "" when the body has no such field.
// The body is read with Body, so Config.MaxBodyBytes applies (413); a body of another
// content type is a 415 *Error. Zero-copy: valid until the handler returns. On the FastHTTP
// engine it allocates nothing once the Ctx is warm. Multipart forms are read with
// Ctx.Multipart or Ctx.MultipartForm.
func (c *Ctx) FormValue(name string) (string, error) {
	if !c.ext.formRead {
		ct := c.Header("Content-Type")
		mt, err := parse.ParseMediaType(ct)
		if ct == "" || err != nil || !mt.Is("application/x-www-form-urlencoded") {
			return "", &Error{Status: http.StatusUnsupportedMediaType, Detail: "expected an application/x-www-form-urlencoded body"}
		}
		b, err := c.Body()
		if err != nil {
			return "", err
		}
		if c.engine == FastHTTP {
			c.ext.form.ParseBytes(b)
		} else {
			c.ext.formValues, err = url.ParseQuery(string(b))
			if err != nil {
				return "", &Error{Status: http.StatusBadRequest, Detail: "malformed form body: " + err.Error(), Err: err}
			}
		}
		c.ext.formRead = true
	}
	if c.engine == FastHTTP {
		return c.str(c.ext.form.Peek(name)), nil
	}
	return c.ext.formValues.Get(name), nil
}
