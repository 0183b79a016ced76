package pool

import "github.com/valyala/bytebufferpool"

// Buffer is a growable byte buffer: valyala/bytebufferpool's ByteBuffer. Its
// B field is the content; it implements io.Writer, io.ReaderFrom and
// io.WriterTo.
type Buffer = bytebufferpool.ByteBuffer

// DefaultBufferMaxCap is the capacity above which [BufferPool.Put] drops a
// buffer when the pool's MaxCap is zero: 1 MiB, the same as [MaxClass].
const DefaultBufferMaxCap = MaxClass

// BufferPool is a self-calibrating pool of [Buffer]s. The zero value is
// ready to use. A BufferPool must not be copied after first use.
//
// Separate pools for separate jobs (say, response bodies and log lines)
// calibrate separately, so each keeps buffers of its own typical size.
//
// bytebufferpool only starts dropping oversized buffers once it has
// calibrated (after some tens of thousands of Puts); MaxCap is a hard bound
// that holds from the first Put.
type BufferPool struct {
	// MaxCap is the largest buffer capacity Put keeps; larger buffers are
	// dropped for the garbage collector. Zero means DefaultBufferMaxCap; a
	// negative value leaves the bound to calibration alone.
	MaxCap int

	p bytebufferpool.Pool
}

// Get returns an empty buffer from the pool, or a new one.
func (p *BufferPool) Get() *Buffer { return p.p.Get() }

// Put returns b to the pool. b and any slice of b.B must not be used after
// Put. When poisoning is on (see [SetPoison]) the whole capacity of b.B is
// overwritten first. A buffer above MaxCap, or far above the calibrated
// size, is dropped.
func (p *BufferPool) Put(b *Buffer) {
	if b == nil {
		return
	}
	limit := p.MaxCap
	if limit == 0 {
		limit = DefaultBufferMaxCap
	}
	if limit > 0 && cap(b.B) > limit {
		if poisonOn.Load() {
			Poison(b.B)
		}
		return
	}
	if poisonOn.Load() {
		Poison(b.B)
	}
	p.p.Put(b)
}

var defaultBuffers BufferPool

// GetBuffer returns an empty buffer from the package's default pool (MaxCap
// DefaultBufferMaxCap).
func GetBuffer() *Buffer { return defaultBuffers.Get() }

// PutBuffer returns b to the package's default pool; see [BufferPool.Put].
func PutBuffer(b *Buffer) { defaultBuffers.Put(b) }
