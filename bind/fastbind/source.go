// Package fastbind is a bind.Source over a fasthttp request, in its own
// package so that package bind itself imports no HTTP engine.
package fastbind

import (
	"bytes"
	"mime/multipart"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/tako-go/tako/bind"
	"github.com/tako-go/tako/parse"
)

// Source is a [bind.Source] over a fasthttp request. Path parameters are the
// request's string user values (where fasthttp/router and similar routers
// put them); query values come from the parsed QueryArgs. Every string
// aliases fasthttp's buffers, which fasthttp reuses once the handler
// returns: bind with the default Options (strings copied), or use
// bind.Options.ZeroCopy only for values that do not outlive the handler.
//
// It is one pointer wide, so passing it as a Source allocates nothing:
//
//	err := bind.Bind(fastbind.Source{C: c}, &in)
//
// It implements [bind.MultipartSource] with c.MultipartForm (fasthttp's own
// limits; the form's files are removed by fasthttp when the request ends).
type Source struct {
	C *fasthttp.RequestCtx
}

// b2s aliases b as a string. Used only for values documented to alias the
// request.
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Value implements [bind.Source].
func (f Source) Value(loc bind.Location, name string, i int) (string, bool) {
	c := f.C
	switch loc {
	case bind.InPath:
		if i == 0 {
			v, ok := c.UserValue(name).(string)
			return v, ok
		}
	case bind.InQuery:
		args := c.QueryArgs()
		for k, v := range args.All() {
			if b2s(k) == name {
				if i == 0 {
					return b2s(v), true
				}
				i--
			}
		}
	case bind.InHeader:
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
	case bind.InCookie:
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

// Visit implements [bind.Source].
func (f Source) Visit(loc bind.Location, fn func(key, value string) bool) {
	c := f.C
	switch loc {
	case bind.InQuery:
		args := c.QueryArgs()
		for k, v := range args.All() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case bind.InHeader:
		for k, v := range c.Request.Header.All() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case bind.InCookie:
		for k, v := range c.Request.Header.Cookies() {
			if !fn(b2s(k), b2s(v)) {
				return
			}
		}
	case bind.InPath:
		c.VisitUserValues(func(k []byte, v any) {
			if s, ok := v.(string); ok {
				fn(b2s(k), s)
			}
		})
	}
}

// Body implements [bind.Source]: the body as fasthttp read it (fasthttp's
// MaxRequestBodySize bounds it).
func (f Source) Body() ([]byte, error) { return f.C.PostBody(), nil }

// ContentType implements [bind.Source].
func (f Source) ContentType() string {
	return b2s(bytes.TrimSpace(f.C.Request.Header.ContentType()))
}

// MultipartForm implements [bind.MultipartSource] with c.MultipartForm.
func (f Source) MultipartForm() (*multipart.Form, error) { return f.C.MultipartForm() }
