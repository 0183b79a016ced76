package bind

import (
	"bytes"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/tako-go/tako/bind"
)

// fastSource is a bind.Source over a fasthttp request, written the way
// Tako's Ctx implements it: every value aliases fasthttp's buffers.
type fastSource struct {
	c      *fasthttp.RequestCtx
	params [2][2]string
	n      int
}

func str(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// route matches /orgs/{org}/users/{user}.
func (s *fastSource) route(c *fasthttp.RequestCtx) bool {
	s.c, s.n = c, 0
	p := c.Path()
	if !bytes.HasPrefix(p, []byte("/orgs/")) {
		return false
	}
	p = p[len("/orgs/"):]
	i := bytes.IndexByte(p, '/')
	if i < 0 || !bytes.HasPrefix(p[i:], []byte("/users/")) {
		return false
	}
	s.params[0] = [2]string{"org", str(p[:i])}
	s.params[1] = [2]string{"user", str(p[i+len("/users/"):])}
	s.n = 2
	return true
}

func (s *fastSource) Value(loc bind.Location, name string, i int) (string, bool) {
	switch loc {
	case bind.InPath:
		for _, kv := range s.params[:s.n] {
			if kv[0] == name && i == 0 {
				return kv[1], true
			}
		}
	case bind.InQuery:
		return bind.QueryValue(str(s.c.URI().QueryString()), name, i)
	case bind.InHeader:
		if i == 0 {
			if v := s.c.Request.Header.Peek(name); v != nil {
				return str(v), true
			}
		}
	case bind.InCookie:
		if i == 0 {
			if v := s.c.Request.Header.Cookie(name); v != nil {
				return str(v), true
			}
		}
	}
	return "", false
}

func (s *fastSource) Visit(loc bind.Location, fn func(key, value string) bool) {
	if loc == bind.InQuery {
		bind.VisitQuery(str(s.c.URI().QueryString()), fn)
	}
}

func (s *fastSource) Body() ([]byte, error) { return s.c.PostBody(), nil }
func (s *fastSource) ContentType() string   { return str(s.c.Request.Header.ContentType()) }
