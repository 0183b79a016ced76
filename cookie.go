package tako

import (
	"iter"
	"net/http"
	"time"

	"github.com/tako-go/tako/parse"
)

// The cookie jar: Ctx.Cookie (ctx.go) reads one request cookie, Cookies iterates them all,
// SetCookie (ctx.go) writes a Set-Cookie header with every attribute of http.Cookie
// (Domain, Path, Expires, MaxAge, Secure, HttpOnly, SameSite, Partitioned), and ClearCookie
// tells the client to drop one. Signed and private (encrypted) cookies are in
// cookie_signed.go.

// Cookies returns an iterator over the request's cookies, name and value, in the order the
// client sent them (a name sent twice is yielded twice). Values are as sent, without
// surrounding double quotes. Zero-copy: valid until the handler returns. It allocates
// nothing on the FastHTTP engine.
func (c *Ctx) Cookies() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if c.engine == FastHTTP {
			// fasthttp's parsed cookies (those Ctx.Cookie reads), through VisitAllCookie:
			// its range iterator's state would escape to the heap, and Peek("Cookie")
			// re-serialises collected cookies into a new buffer. After yield says stop,
			// the remaining calls do nothing.
			done := false
			c.fc.Request.Header.VisitAllCookie(func(k, v []byte) {
				if !done && !yield(c.str(k), c.str(v)) {
					done = true
				}
			})
			return
		}
		// HTTP/2 clients may send one Cookie header per cookie (RFC 9113 §8.2.3).
		for _, h := range c.r.Header["Cookie"] {
			if !yieldCookies(h, yield) {
				return
			}
		}
	}
}

// yieldCookies yields the pairs of one Cookie header line; false means stop.
func yieldCookies(h string, yield func(string, string) bool) bool {
	it := parse.ParseCookie(h)
	for {
		ck, ok := it.Next()
		if !ok {
			return true
		}
		if !yield(ck.Name, ck.Value) {
			return false
		}
	}
}

// HasCookie reports whether the request carries a cookie called name (possibly empty).
func (c *Ctx) HasCookie(name string) bool {
	for k := range c.Cookies() {
		if k == name {
			return true
		}
	}
	return false
}

// ClearCookie tells the client to delete the cookie name set for path and domain (both may
// be empty; they must match the attributes the cookie was set with): it sends the cookie
// with an empty value, Max-Age=0 and an Expires date in the past, for old clients.
func (c *Ctx) ClearCookie(name, path, domain string) {
	c.SetCookie(&http.Cookie{Name: name, Path: path, Domain: domain, MaxAge: -1, Expires: time.Unix(0, 0)})
}
