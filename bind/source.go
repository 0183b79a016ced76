package bind

import (
	"mime/multipart"
	"strconv"
)

// Location names where a value comes from. It is the struct tag key that
// selects it (`query:"page"`) and the Source part that [FieldError.In]
// reports.
type Location uint8

const (
	// InPath is a path parameter of the matched route (`path:"id"`).
	InPath Location = iota + 1
	// InQuery is a key of the URL query string (`query:"page"`).
	InQuery
	// InHeader is a request header (`header:"X-Request-Id"`). Names reach
	// [Source.Value] in canonical form (textproto.CanonicalMIMEHeaderKey).
	InHeader
	// InCookie is a cookie of the Cookie header (`cookie:"session"`).
	InCookie
	// InForm is a field of an application/x-www-form-urlencoded or
	// multipart/form-data body (`form:"name"`); *multipart.FileHeader
	// fields bind the form's files. bind parses the form itself from
	// [Source.Body], or takes it from a [MultipartSource].
	InForm
	// InBody is the JSON body (`json:"email"`), decoded with parse.
	InBody
)

var locationNames = [...]string{"", "path", "query", "header", "cookie", "form", "body"}

// String returns the location's tag key: "path", "query", "header",
// "cookie", "form" or "body".
func (l Location) String() string {
	if int(l) < len(locationNames) && l != 0 {
		return locationNames[l]
	}
	return "Location(" + strconv.Itoa(int(l)) + ")"
}

// Source is a request as bind sees it. It is small so that any server can
// implement it without allocating: a fasthttp-backed context, a
// *http.Request (see [Request]), a raw query string (see [QueryString]).
//
// Strings a Source returns may alias its buffers; bind copies them into the
// target unless [Options.ZeroCopy] is set.
type Source interface {
	// Value returns the i-th value (counting from 0) of key name at loc,
	// and whether it exists. bind asks for loc InPath, InQuery, InHeader
	// and InCookie only; header names arrive canonicalised. A repeated
	// key (?id=1&id=2) has several values; bind asks for i = 0, 1, ...
	// until ok is false, so a source that keeps one value per key returns
	// false for every i > 0. Values are unescaped (percent-decoding of the
	// query is the source's job; see [QueryValue] for a ready one).
	Value(loc Location, name string, i int) (value string, ok bool)

	// Visit calls fn with every key and value at loc, in order, until fn
	// returns false. It serves map fields tagged with the name "*"
	// (`query:"*"`, `header:"*"`); a source may visit nothing for a
	// location it does not have.
	Visit(loc Location, fn func(key, value string) bool)

	// Body returns the whole request body. bind calls it at most once per
	// Bind, only when the target has body (json or form) fields. The
	// source enforces its own size limit; its error is returned by Bind
	// wrapped, so errors.Is/As still see it.
	Body() ([]byte, error)

	// ContentType returns the Content-Type header value ("" if none).
	ContentType() string
}

// MultipartSource is a [Source] that parses multipart/form-data bodies
// itself (a server with its own limits and temporary-file handling).
// When a Source implements it, bind takes form values and files from the
// form it returns instead of parsing [Source.Body]; removing the form's
// temporary files stays the source's job.
type MultipartSource interface {
	Source
	MultipartForm() (*multipart.Form, error)
}

// StableSource is a [Source] whose strings and body are never reused or
// modified after it returns them: ordinary Go strings, as a *http.Request
// has, and a body buffer read for this request alone. bind then stores them
// without copying even when [Options.ZeroCopy] is off, since aliasing them
// is safe. [Request], [RequestParams] and [QueryString] are stable;
// fastbind.Source is not (fasthttp reuses its buffers).
type StableSource interface {
	Source
	// Stable reports whether the source's values may be aliased freely.
	Stable() bool
}
