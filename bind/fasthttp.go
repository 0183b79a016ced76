package bind

import (
	"bytes"
	"mime/multipart"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/tako-go/tako/parse"
)

// FastHTTP is a [Source] over a fasthttp request. Path parameters are the
// request's string user values (where fasthttp/router and similar routers
// put them); query values come from the parsed QueryArgs. Every string
// aliases fasthttp's buffers, which fasthttp reuses once the handler
// returns: bind with the default Options (strings copied), or use
// Options.ZeroCopy only for values that do not outlive the handler.
//
// It is one pointer wide, so passing it as a Source allocates nothing:
//
//	err := bind.Bind(bind.FastHTTP{c}, &in)
//
// It implements [MultipartSource] with c.MultipartForm (fasthttp's own
// limits; the form's files are removed by fasthttp when the request ends).
type FastHTTP struct {
	C *fasthttp.RequestCtx
}

// b2s aliases b as a string. Used only for values documented to alias the
// request.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Value implements [Source].
func (f FastHTTP) Value(loc Location, name string, i int) (string, bool) {
	c := f.C
	switch loc {
	case InPath:
		if i == 0 {
			v, ok := c.UserValue(name).(string)
			return v, ok
		}
	case InQuery:
		args := c.QueryArgs()
		for k, v := range args.All() {
			if b2s(k) == name {
				if i == 0 {
					return b2s(v), true
				}
				i--
			}
		}
	case InHeader:
		if i == 0 {
			if v := c.Request.Header.Peek(name); v != nil {
				return b2s(v), true
			}
			return "", false
		}
		for k, v := range c.Request.Header.All() {
			if parse.EqualFold(b2s(k), name) {
				if i == 0 {
					return b2s(v), true
				}
				i--
			}
		}
	case InCookie:
		if i == 0 {
			for k, v := range c.Request.Header.Cookies() {
				if b2s(k) == name {
					return b2s(v), true
				}
			}
		}
	}
	return "", false
}

// Visit implements [Source].
func (f FastHTTP) Visit(loc Location, fn func(key, value string) bool) {
	c := f.C
	switch loc {
	case InQuery:
		args := c.QueryArgs()
		for k, v := range args.All() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case InHeader:
		for k, v := range c.Request.Header.All() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case InCookie:
		for k, v := range c.Request.Header.Cookies() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case InPath:
		c.VisitUserValues(func(k []byte, v any) {
			if s, ok := v.(string); ok {
				fn(b2s(k), s)
			}
		})
	}
}

// Body implements [Source]: the body as fasthttp read it (fasthttp's
// MaxRequestBodySize bounds it).
func (f FastHTTP) Body() ([]byte, error) { return f.C.PostBody(), nil }

// ContentType implements [Source].
func (f FastHTTP) ContentType() string {
	return b2s(bytes.TrimSpace(f.C.Request.Header.ContentType()))
}

// MultipartForm implements [MultipartSource] with c.MultipartForm.
func (f FastHTTP) MultipartForm() (*multipart.Form, error) { return f.C.MultipartForm() }
