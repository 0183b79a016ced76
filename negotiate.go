package tako

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tako-go/tako/parse"
)

// Content negotiation and Range, over the header grammars of package parse. None of them
// allocates on the FastHTTP engine when called with a pre-built offers slice
// (c.Negotiate(offers...)).

// ErrNotAcceptable renders as 406 Not Acceptable: no offered representation suits the
// request's Accept header. Return it when Negotiate reports false.
var ErrNotAcceptable = &Error{Status: http.StatusNotAcceptable, Detail: "no available representation matches the Accept header"}

// Negotiate returns the offer (a media type such as "application/json", in the server's
// order of preference) that the request's Accept header prefers (RFC 9110 §12.5.1). A
// request without Accept accepts anything: the first offer. ok is false when no offer is
// acceptable; answer ErrNotAcceptable, or ignore the header and send the default.
func (c *Ctx) Negotiate(offers ...string) (best string, ok bool) {
	return parse.NegotiateAccept(c.Header("Accept"), offers...)
}

// NegotiateLanguage returns the offered language tag ("en", "de-CH", ...) that the
// request's Accept-Language header prefers, by RFC 4647 Lookup. When nothing matches it
// returns offers[0], the default, with ok false.
func (c *Ctx) NegotiateLanguage(offers ...string) (best string, ok bool) {
	return parse.NegotiateLanguage(c.Header("Accept-Language"), offers...)
}

// NegotiateEncoding returns the offered content coding ("br", "zstd", "gzip") that the
// request's Accept-Encoding header prefers, or "identity" when none is acceptable but an
// uncoded response is. A request without Accept-Encoding accepts any coding. ok is false
// when nothing at all is acceptable.
func (c *Ctx) NegotiateEncoding(offers ...string) (best string, ok bool) {
	h := c.Header("Accept-Encoding")
	if h == "" && !c.hasHeader("Accept-Encoding") {
		h = "*"
	}
	return parse.NegotiateEncoding(h, offers...)
}

// hasHeader reports whether the request has a header called name, even an empty one.
func (c *Ctx) hasHeader(name string) bool {
	if c.engine == FastHTTP {
		return c.fc.Request.Header.Peek(name) != nil
	}
	_, ok := c.r.Header[http.CanonicalHeaderKey(name)]
	return ok
}

// Range returns the ranges that the request's Range header asks for in a representation
// of size bytes (RFC 9110 §14.2), resolved and clamped; see parse.ParseRange and lim (the
// zero RangeLimits uses the defaults). With no ranges to serve (no Range header, a method
// other than GET, or a header to ignore: malformed, another unit, too many or too
// overlapping ranges) it returns an empty Ranges and nil: send the whole representation
// with 200. When no range is satisfiable it sets Content-Range ("bytes */size") and returns
// a 416 *Error. It allocates nothing on the FastHTTP engine for a well-formed header.
//
// Range does not evaluate If-Range; a handler that serves validators checks IfRange first.
func (c *Ctx) Range(size int64, lim parse.RangeLimits) (parse.Ranges, error) {
	h := c.Header("Range")
	if h == "" || c.Method() != http.MethodGet {
		return parse.Ranges{}, nil
	}
	rs, err := parse.ParseRange(h, size, lim)
	if err == nil {
		return rs, nil
	}
	if errors.Is(err, parse.ErrRangeUnsatisfiable) {
		c.SetHeader("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return parse.Ranges{}, &Error{Status: http.StatusRequestedRangeNotSatisfiable, Detail: "no requested range overlaps the representation"}
	}
	return parse.Ranges{}, nil
}

// IfRange reports whether the request's Range header may be honoured for a representation
// whose current validators are etag (a quoted entity-tag such as `"v1"`, or "") and
// lastModified (zero if unknown), by RFC 9110 §13.1.5: true when there is no If-Range;
// otherwise only when If-Range is a strong entity-tag equal to etag, or an HTTP-date equal
// to lastModified (to the second). When it reports false, ignore Range and send the whole
// representation with 200.
func (c *Ctx) IfRange(etag string, lastModified time.Time) bool {
	h := c.Header("If-Range")
	if h == "" {
		return true
	}
	if h[0] == '"' || strings.HasPrefix(h, "W/") {
		// Weak tags never match (strong comparison), whatever etag is.
		return etag != "" && !strings.HasPrefix(etag, "W/") && h == etag
	}
	t, err := http.ParseTime(h)
	return err == nil && !lastModified.IsZero() && t.Equal(lastModified.Truncate(time.Second))
}
