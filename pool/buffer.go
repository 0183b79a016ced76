package pool

import "github.com/valyala/bytebufferpool"

// Buffer is a growable byte buffer: valyala/bytebufferpool's ByteBuffer. Its
// B field is the content; it implements io.Writer, io.ReaderFrom and
// io.WriterTo.
type Buffer = bytebufferpool.ByteBuffer

// BufferPool is a self-calibrating pool of [Buffer]s. The zero value is
// ready to use. A BufferPool must not be copied after first use.
//
// Separate pools for separate jobs (say, response bodies and log lines)
// calibrate separately, so each keeps buffers of its own typical size.
type BufferPool struct {
	p bytebufferpool.Pool
}

// Get returns an empty buffer from the pool, or a new one.
func (p *BufferPool) Get() *Buffer { return p.p.Get() }

// Put returns b to the pool. b and any slice of b.B must not be used after
// Put. When poisoning is on (see [SetPoison]) the whole capacity of b.B is
// overwritten first. A buffer far above the calibrated size is dropped.
func (p *BufferPool) Put(b *Buffer) {
	if b == nil {
		return
	}
	if poisonOn.Load() {
		Poison(b.B)
	}
	p.p.Put(b)
}

var defaultBuffers BufferPool

// GetBuffer returns an empty buffer from the package's default pool.
func GetBuffer() *Buffer { return defaultBuffers.Get() }

// PutBuffer returns b to the package's default pool; see [BufferPool.Put].
func PutBuffer(b *Buffer) { defaultBuffers.Put(b) }
