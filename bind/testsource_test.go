package bind_test

import (
	"github.com/tako-go/tako/bind"
)

// fakeSource is a Source over plain slices, standing in for a server's
// request: pairs per location, in order.
type fakeSource struct {
	path, query, header, cookie [][2]string
	body                        []byte
	ctype                       string
}

func (s *fakeSource) pairs(loc bind.Location) [][2]string {
	switch loc {
	case bind.InPath:
		return s.path
	case bind.InQuery:
		return s.query
	case bind.InHeader:
		return s.header
	case bind.InCookie:
		return s.cookie
	}
	return nil
}

func (s *fakeSource) Value(loc bind.Location, name string, i int) (string, bool) {
	for _, kv := range s.pairs(loc) {
		if kv[0] == name {
			if i == 0 {
				return kv[1], true
			}
			i--
		}
	}
	return "", false
}

func (s *fakeSource) Visit(loc bind.Location, fn func(key, value string) bool) {
	for _, kv := range s.pairs(loc) {
		if !fn(kv[0], kv[1]) {
			return
		}
	}
}

func (s *fakeSource) Body() ([]byte, error) { return s.body, nil }
func (s *fakeSource) ContentType() string   { return s.ctype }
