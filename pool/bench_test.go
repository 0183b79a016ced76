package pool

import (
	"bytes"
	"strconv"
	"sync"
	"testing"
)

var benchSizes = []int{512, 4 << 10, 64 << 10, 1 << 20}

// sink keeps the compiler from proving allocations dead.
var sink []byte

// BenchmarkBytes measures one Get/Put round trip (no bytes are copied, so
// there is no SetBytes: MB/s would be meaningless). It compares the size-classed pool with a plain sync.Pool (the
// naive []byte version that boxes on every Put, and the *[]byte version of a
// single size) and with no pooling at all.
func BenchmarkBytes(b *testing.B) {
	for _, n := range benchSizes {
		name := "size=" + strconv.Itoa(n)
		b.Run("tako/"+name, func(b *testing.B) {
			var p Bytes
			b.ReportAllocs()
			for b.Loop() {
				buf := p.Get(n)
				buf[0] = 1
				p.Put(buf)
			}
		})
		b.Run("syncpool-slice/"+name, func(b *testing.B) {
			var p sync.Pool
			b.ReportAllocs()
			for b.Loop() {
				buf, _ := p.Get().([]byte)
				if buf == nil {
					buf = make([]byte, n)
				}
				buf[0] = 1
				p.Put(buf) //nolint:staticcheck // SA6002 on purpose: the naive baseline
			}
		})
		b.Run("syncpool-ptr/"+name, func(b *testing.B) {
			var p sync.Pool
			b.ReportAllocs()
			for b.Loop() {
				h, _ := p.Get().(*[]byte)
				if h == nil {
					s := make([]byte, n)
					h = &s
				}
				(*h)[0] = 1
				p.Put(h)
			}
		})
		b.Run("alloc/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf := make([]byte, n)
				buf[0] = 1
				sink = buf
			}
		})
	}
}

func BenchmarkBytesParallel(b *testing.B) {
	for _, n := range []int{4 << 10, 64 << 10} {
		name := "size=" + strconv.Itoa(n)
		b.Run("tako/"+name, func(b *testing.B) {
			var p Bytes
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					buf := p.Get(n)
					buf[0] = 1
					p.Put(buf)
				}
			})
		})
		b.Run("syncpool-ptr/"+name, func(b *testing.B) {
			var p sync.Pool
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					h, _ := p.Get().(*[]byte)
					if h == nil {
						s := make([]byte, n)
						h = &s
					}
					(*h)[0] = 1
					p.Put(h)
				}
			})
		})
		b.Run("alloc/"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var local []byte
				for pb.Next() {
					local = make([]byte, n)
					local[0] = 1
				}
				_ = local
			})
		})
	}
}

type benchCtx struct {
	params [8]string
	n      int
	body   []byte
}

func BenchmarkOf(b *testing.B) {
	reset := func(c *benchCtx) { c.n = 0; c.body = c.body[:0] }
	b.Run("tako", func(b *testing.B) {
		p := Of[benchCtx]{Reset: reset}
		b.ReportAllocs()
		for b.Loop() {
			c := p.Get()
			c.n++
			p.Put(c)
		}
	})
	b.Run("syncpool", func(b *testing.B) {
		p := sync.Pool{New: func() any { return new(benchCtx) }}
		b.ReportAllocs()
		for b.Loop() {
			c := p.Get().(*benchCtx)
			c.n++
			reset(c)
			p.Put(c)
		}
	})
	b.Run("alloc", func(b *testing.B) {
		b.ReportAllocs()
		var keep *benchCtx
		for b.Loop() {
			c := new(benchCtx)
			c.n++
			keep = c
		}
		_ = keep
	})
	b.Run("tako-parallel", func(b *testing.B) {
		p := Of[benchCtx]{Reset: reset}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := p.Get()
				c.n++
				p.Put(c)
			}
		})
	})
}

// BenchmarkBuffer writes a 1 KiB response into a pooled buffer.
func BenchmarkBuffer(b *testing.B) {
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 64)
	b.Run("tako", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			buf := GetBuffer()
			buf.Write(chunk)
			PutBuffer(buf)
		}
	})
	b.Run("syncpool-bytes.Buffer", func(b *testing.B) {
		p := sync.Pool{New: func() any { return new(bytes.Buffer) }}
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			buf := p.Get().(*bytes.Buffer)
			buf.Write(chunk)
			buf.Reset()
			p.Put(buf)
		}
	})
	b.Run("alloc", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			var buf bytes.Buffer
			buf.Write(chunk)
			sink = buf.Bytes()
		}
	})
	b.Run("tako-poison", func(b *testing.B) {
		defer SetPoison(SetPoison(true))
		b.ReportAllocs()
		b.SetBytes(int64(len(chunk)))
		for b.Loop() {
			buf := GetBuffer()
			buf.Write(chunk)
			PutBuffer(buf)
		}
	})
}
