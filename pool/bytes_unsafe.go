//go:build !purego

package pool

import "unsafe"

// The classes store only the pointer to a slice's backing array. A pointer
// is pointer-shaped, so putting it in the sync.Pool's interface{} needs no
// box, unlike a []byte header (staticcheck SA6002): Put and Get allocate
// nothing. The slice is rebuilt with the class size as its capacity, which
// never exceeds the real capacity because Put files a slice under the floor
// of its capacity. The stored pointer keeps the array alive for the GC.

func (p *Bytes) load(s int) []byte {
	v := p.classes[s].Get()
	if v == nil {
		return nil
	}
	return unsafe.Slice((*byte)(v.(unsafe.Pointer)), 1<<s)
}

func (p *Bytes) store(s int, b []byte) {
	p.classes[s].Put(unsafe.Pointer(unsafe.SliceData(b)))
}
