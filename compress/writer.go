package compress

import (
	"errors"
	"io"
	"sync"
)

// ErrClosed is returned by a Writer used after Close without a Reset.
var ErrClosed = errors.New("compress: write to a closed Writer")

// Writer compresses what is written to it into a destination io.Writer with
// one content coding. It is the engine-neutral core of the middlewares: an
// HTTP layer decides the coding, then writes the body through a Writer.
//
// The codec's encoder comes from a pool per codec and level and goes back at
// Close, so in steady state a Writer allocates nothing. A Writer with the
// Identity encoding passes bytes through unchanged.
//
// The zero Writer is closed; call Reset before use. A Writer is not safe for
// concurrent use.
type Writer struct {
	dst   io.Writer
	enc   encoder
	coder Encoding
	level int
}

var writerPool = sync.Pool{New: func() any { return new(Writer) }}

// AcquireWriter returns a pooled Writer reset to write to dst with the given
// encoding and level (DefaultLevel for the package default). Give it back
// with ReleaseWriter after Close.
func AcquireWriter(dst io.Writer, e Encoding, level int) (*Writer, error) {
	w := writerPool.Get().(*Writer)
	if err := w.Reset(dst, e, level); err != nil {
		writerPool.Put(w)
		return nil, err
	}
	return w, nil
}

// ReleaseWriter returns w to the pool. An unclosed w is discarded without its
// trailer; w must not be used afterwards.
func ReleaseWriter(w *Writer) {
	w.release()
	writerPool.Put(w)
}

// NewWriter returns a Writer writing to dst with the given encoding and level.
func NewWriter(dst io.Writer, e Encoding, level int) (*Writer, error) {
	w := new(Writer)
	if err := w.Reset(dst, e, level); err != nil {
		return nil, err
	}
	return w, nil
}

// Reset discards any unfinished stream (without writing its trailer) and
// makes w write a new stream to dst with encoding e at the given level.
// Levels are codec-native (see the package documentation); DefaultLevel picks
// the package default. An invalid encoding or level is an error and leaves w
// closed.
func (w *Writer) Reset(dst io.Writer, e Encoding, level int) error {
	w.release()
	lv, err := resolveLevel(e, level)
	if err != nil {
		return err
	}
	w.dst, w.coder, w.level = dst, e, lv
	if e != Identity {
		w.enc = getEncoder(e, lv)
		w.enc.Reset(dst)
	}
	return nil
}

// Encoding returns the content coding w writes.
func (w *Writer) Encoding() Encoding { return w.coder }

// Level returns the codec-native level w writes at (never DefaultLevel).
func (w *Writer) Level() int { return w.level }

// Write compresses p into the stream. Compressed bytes reach the destination
// when the encoder's block fills, at Flush, or at Close.
func (w *Writer) Write(p []byte) (int, error) {
	if w.enc != nil {
		return w.enc.Write(p)
	}
	if w.dst == nil {
		return 0, ErrClosed
	}
	return w.dst.Write(p)
}

// Flush writes everything written so far to the destination as a complete,
// decodable block (a sync flush), so a reader can decode it before the stream
// ends. It does not flush the destination itself.
func (w *Writer) Flush() error {
	if w.enc != nil {
		return w.enc.Flush()
	}
	if w.dst == nil {
		return ErrClosed
	}
	return nil
}

// Close writes the stream's trailer and returns the encoder to its pool. It
// does not close the destination. Closing a closed Writer does nothing.
func (w *Writer) Close() error {
	var err error
	if w.enc != nil {
		err = w.enc.Close()
	}
	w.release()
	return err
}

func (w *Writer) release() {
	if w.enc != nil {
		putEncoder(w.coder, w.level, w.enc)
		w.enc = nil
	}
	w.dst = nil
}
