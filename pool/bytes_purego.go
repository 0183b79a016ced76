//go:build purego

package pool

import "sync"

// Without unsafe, the classes store *[]byte. The headers themselves are
// recycled through a second pool, so in steady state Put and Get still
// allocate nothing, at the cost of two sync.Pool operations instead of one.
var bytesHeaders sync.Pool

func (p *Bytes) load(s int) []byte {
	v := p.classes[s].Get()
	if v == nil {
		return nil
	}
	h := v.(*[]byte)
	b := (*h)[:1<<s]
	*h = nil
	bytesHeaders.Put(h)
	return b
}

func (p *Bytes) store(s int, b []byte) {
	h, _ := bytesHeaders.Get().(*[]byte)
	if h == nil {
		h = new([]byte)
	}
	*h = b[:cap(b)]
	p.classes[s].Put(h)
}
