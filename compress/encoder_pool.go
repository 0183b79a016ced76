package compress

import (
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// encoder is what every pooled codec writer offers. *gzip.Writer,
// *zlib.Writer, *brotli.Writer and *zstd.Encoder all implement it, so the
// Writer calls them through one interface and never switches per call.
type encoder interface {
	io.WriteCloser
	Flush() error
	Reset(io.Writer)
}

// zstdWindow bounds the zstd window. RFC 9659 caps it at 8 MiB for HTTP; a
// smaller window keeps each pooled encoder small (its history buffer is twice
// the window) at a ratio cost only on responses larger than the window.
const zstdWindow = 1 << 20

// encoderPools holds one pool per codec and level, so an encoder returned by
// one response is reused by the next at the same settings: Reset keeps the
// encoder's tables, which is what makes a response allocation-free.
var encoderPools [numEncodings][levelSlots]sync.Pool

func getEncoder(e Encoding, level int) encoder {
	p := &encoderPools[e][level-minLevel]
	if v := p.Get(); v != nil {
		return v.(encoder)
	}
	return newEncoder(e, level)
}

func putEncoder(e Encoding, level int, enc encoder) {
	encoderPools[e][level-minLevel].Put(enc)
}

// newEncoder builds an encoder for a level already checked by resolveLevel.
func newEncoder(e Encoding, level int) encoder {
	switch e {
	case Gzip:
		w, err := gzip.NewWriterLevel(nil, level)
		if err != nil {
			panic("compress: " + err.Error()) // unreachable: level was validated
		}
		return w
	case Deflate:
		w, err := zlib.NewWriterLevel(nil, level)
		if err != nil {
			panic("compress: " + err.Error())
		}
		return w
	case Brotli:
		return brotli.NewWriterLevel(nil, level)
	case Zstd:
		w, err := zstd.NewWriter(nil,
			zstd.WithEncoderLevel(zstd.EncoderLevel(level)),
			zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow),
			// No frame checksum: 4 bytes and, in klauspost/compress
			// v1.20.3, a heap allocation per stream that Close would
			// otherwise make. TCP/TLS already protect the transfer, and
			// brotli has no checksum either.
			zstd.WithEncoderCRC(false),
		)
		if err != nil {
			panic("compress: " + err.Error())
		}
		return w
	}
	panic("compress: no encoder for " + e.String())
}
