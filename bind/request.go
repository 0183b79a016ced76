package bind

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/tako-go/tako/parse"
)

// DefaultMaxBody bounds the body [Request] and [RequestParams] read.
const DefaultMaxBody = 4 << 20

// ErrBodyTooLarge is returned (wrapped) by Bind when a [Request] body is
// over its limit.
var ErrBodyTooLarge = errors.New("bind: request body too large")

// Request is a [Source] over a *http.Request: path values from Go 1.22
// routing (r.PathValue), the raw query scanned in place (no url.Values),
// headers, cookies, and the body read once (at most DefaultMaxBody bytes).
// It is one pointer wide, so passing it as a Source allocates nothing:
//
//	err := bind.Bind(bind.Request{R: r}, &in)
//
// It implements [MultipartSource] with r.ParseMultipartForm; remove the
// temporary files with r.MultipartForm.RemoveAll when done.
type Request struct {
	R *http.Request
}

// Value implements [Source].
func (r Request) Value(loc Location, name string, i int) (string, bool) {
	return requestValue(r.R, nil, loc, name, i)
}

// Visit implements [Source].
func (r Request) Visit(loc Location, fn func(key, value string) bool) {
	requestVisit(r.R, loc, fn)
}

// Body implements [Source]: the body, read whole, at most DefaultMaxBody
// bytes.
func (r Request) Body() ([]byte, error) { return readBody(r.R, DefaultMaxBody) }

// Stable implements [StableSource]: a *http.Request's strings are ordinary
// Go strings and its body is read into a buffer of its own.
func (Request) Stable() bool { return true }

// ContentType implements [Source].
func (r Request) ContentType() string { return headerValue(r.R.Header, "Content-Type") }

// MultipartForm implements [MultipartSource] with r.ParseMultipartForm
// (32 MiB in memory, the rest in temporary files).
func (r Request) MultipartForm() (*multipart.Form, error) {
	err := r.R.ParseMultipartForm(32 << 20)
	return r.R.MultipartForm, err
}

// RequestParams is a [Source] over a *http.Request whose path parameters
// come from a router's lookup function rather than r.PathValue.
type RequestParams struct {
	R *http.Request
	// Params returns the path parameter called name.
	Params func(name string) (string, bool)
	// MaxBody bounds the body; zero means DefaultMaxBody.
	MaxBody int64
}

// Value implements [Source].
func (r *RequestParams) Value(loc Location, name string, i int) (string, bool) {
	return requestValue(r.R, r.Params, loc, name, i)
}

// Visit implements [Source].
func (r *RequestParams) Visit(loc Location, fn func(key, value string) bool) {
	requestVisit(r.R, loc, fn)
}

// Body implements [Source].
func (r *RequestParams) Body() ([]byte, error) {
	n := r.MaxBody
	if n <= 0 {
		n = DefaultMaxBody
	}
	return readBody(r.R, n)
}

// Stable implements [StableSource], as [Request.Stable].
func (*RequestParams) Stable() bool { return true }

// ContentType implements [Source].
func (r *RequestParams) ContentType() string { return headerValue(r.R.Header, "Content-Type") }

// MultipartForm implements [MultipartSource] like [Request.MultipartForm].
func (r *RequestParams) MultipartForm() (*multipart.Form, error) {
	err := r.R.ParseMultipartForm(32 << 20)
	return r.R.MultipartForm, err
}

func headerValue(h http.Header, name string) string {
	if vs := h[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

func requestValue(r *http.Request, params func(string) (string, bool), loc Location, name string, i int) (string, bool) {
	switch loc {
	case InPath:
		if i > 0 {
			return "", false
		}
		if params != nil {
			return params(name)
		}
		v := r.PathValue(name)
		return v, v != ""
	case InQuery:
		return QueryValue(r.URL.RawQuery, name, i)
	case InHeader:
		if vs := r.Header[name]; i < len(vs) {
			return vs[i], true
		}
	case InCookie:
		if i > 0 {
			return "", false
		}
		for _, h := range r.Header["Cookie"] {
			if v, ok := parse.CookieValue(h, name); ok {
				return v, true
			}
		}
	}
	return "", false
}

func requestVisit(r *http.Request, loc Location, fn func(key, value string) bool) {
	switch loc {
	case InQuery:
		VisitQuery(r.URL.RawQuery, fn)
	case InHeader:
		for k, vs := range r.Header {
			for _, v := range vs {
				if !fn(k, v) {
					return
				}
			}
		}
	case InCookie:
		for _, h := range r.Header["Cookie"] {
			it := parse.ParseCookie(h)
			for c := range it.All() {
				if !fn(c.Name, c.Value) {
					return
				}
			}
		}
	}
}

func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	var data []byte
	var err error
	if r.ContentLength >= 0 && r.ContentLength <= limit {
		data = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	}
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, ErrBodyTooLarge
	}
	return data, nil
}
