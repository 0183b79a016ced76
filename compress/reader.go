package compress

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// DefaultMaxDecodedSize is the decompressed-size limit a Reader applies when
// given a limit of 0: 8 MiB.
const DefaultMaxDecodedSize = 8 << 20

// ErrTooLarge is returned (wrapped) by a Reader whose decoded output exceeds
// its limit: the defence against decompression bombs.
var ErrTooLarge = errors.New("compress: decoded body exceeds the size limit")

// Reader decodes a compressed body and stops with ErrTooLarge once the
// decoded output would exceed its limit. Decoders are pooled per codec, so
// AcquireReader/ReleaseReader allocate nothing in steady state.
//
// "deflate" is decoded as zlib, as RFC 9110 defines it, with a fallback to a
// raw deflate stream when the first two bytes are not a zlib header (some
// clients send raw deflate; browsers accept both).
type Reader struct {
	src    io.Reader
	dec    io.Reader
	coder  Encoding
	limit  int64
	n      int64
	err    error
	raw    bool // deflate without zlib header
	gz     *gzip.Reader
	zl     io.ReadCloser
	fl     io.ReadCloser
	br     *brotli.Reader
	zs     *zstd.Decoder
	prefix prefixReader
}

// prefixReader replays up to two peeked bytes before reading on from r.
type prefixReader struct {
	b    [2]byte
	i, n int
	r    io.Reader
}

func (p *prefixReader) Read(b []byte) (int, error) {
	if p.i < p.n {
		k := copy(b, p.b[p.i:p.n])
		p.i += k
		return k, nil
	}
	return p.r.Read(b)
}

var readerPools [numEncodings]sync.Pool

// AcquireReader returns a pooled Reader decoding src with encoding e and a
// decoded-size limit (0 means DefaultMaxDecodedSize, a negative limit means
// none). Release it with ReleaseReader.
func AcquireReader(src io.Reader, e Encoding, limit int64) (*Reader, error) {
	if e >= numEncodings {
		return nil, fmt.Errorf("compress: unknown encoding %d", uint8(e))
	}
	r, _ := readerPools[e].Get().(*Reader)
	if r == nil {
		r = &Reader{coder: e}
	}
	if err := r.reset(src, limit); err != nil {
		readerPools[e].Put(r)
		return nil, err
	}
	return r, nil
}

// ReleaseReader returns r to its pool; r must not be used afterwards.
func ReleaseReader(r *Reader) {
	r.src, r.dec, r.prefix.r, r.err = nil, nil, nil, nil
	readerPools[r.coder].Put(r)
}

// NewReader returns a Reader decoding src with encoding e and a decoded-size
// limit (0 means DefaultMaxDecodedSize, negative means none).
func NewReader(src io.Reader, e Encoding, limit int64) (*Reader, error) {
	if e >= numEncodings {
		return nil, fmt.Errorf("compress: unknown encoding %d", uint8(e))
	}
	r := &Reader{coder: e}
	if err := r.reset(src, limit); err != nil {
		return nil, err
	}
	return r, nil
}

// Encoding returns the content coding r decodes.
func (r *Reader) Encoding() Encoding { return r.coder }

func (r *Reader) reset(src io.Reader, limit int64) error {
	if limit == 0 {
		limit = DefaultMaxDecodedSize
	}
	r.src, r.limit, r.n, r.err, r.raw = src, limit, 0, nil, false
	switch r.coder {
	case Identity:
		r.dec = src
	case Gzip:
		if r.gz == nil {
			r.gz = new(gzip.Reader)
		}
		if err := r.gz.Reset(src); err != nil {
			return fmt.Errorf("compress: gzip header: %w", err)
		}
		r.gz.Multistream(true)
		r.dec = r.gz
	case Deflate:
		// Peek the first two bytes: a zlib header has CM=8 and a check
		// value making CMF<<8|FLG a multiple of 31.
		r.prefix = prefixReader{r: src}
		n, err := io.ReadFull(src, r.prefix.b[:])
		r.prefix.n = n
		if err != nil && n == 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("compress: deflate: %w", err)
		}
		cmf, flg := r.prefix.b[0], r.prefix.b[1]
		if n == 2 && cmf&0x0f == 8 && cmf>>4 <= 7 && (uint16(cmf)<<8|uint16(flg))%31 == 0 {
			if r.zl == nil {
				zl, err := zlib.NewReader(&r.prefix)
				if err != nil {
					return fmt.Errorf("compress: deflate: %w", err)
				}
				r.zl = zl
			} else if err := r.zl.(zlib.Resetter).Reset(&r.prefix, nil); err != nil {
				return fmt.Errorf("compress: deflate: %w", err)
			}
			r.dec = r.zl
		} else {
			r.raw = true
			if r.fl == nil {
				r.fl = flate.NewReader(&r.prefix)
			} else if err := r.fl.(flate.Resetter).Reset(&r.prefix, nil); err != nil {
				return fmt.Errorf("compress: deflate: %w", err)
			}
			r.dec = r.fl
		}
	case Brotli:
		if r.br == nil {
			r.br = brotli.NewReader(src)
		} else if err := r.br.Reset(src); err != nil {
			return fmt.Errorf("compress: br: %w", err)
		}
		r.dec = r.br
	case Zstd:
		if r.zs == nil {
			d, err := zstd.NewReader(src,
				zstd.WithDecoderConcurrency(1),
				zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(8<<20),
			)
			if err != nil {
				return fmt.Errorf("compress: zstd: %w", err)
			}
			r.zs = d
		} else if err := r.zs.Reset(src); err != nil {
			return fmt.Errorf("compress: zstd: %w", err)
		}
		r.dec = r.zs
	}
	return nil
}

// Read decodes into p. Past the limit it returns an error wrapping
// ErrTooLarge; a corrupt stream returns an error naming the codec.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.dec == nil {
		return 0, ErrClosed
	}
	if r.limit >= 0 {
		// Read at most one byte past the limit, to tell "exactly the
		// limit" from "over it".
		if rem := r.limit - r.n + 1; int64(len(p)) > rem {
			p = p[:rem]
		}
	}
	n, err := r.dec.Read(p)
	r.n += int64(n)
	if r.limit >= 0 && r.n > r.limit {
		n -= int(r.n - r.limit)
		r.err = fmt.Errorf("%w (%d bytes, %s)", ErrTooLarge, r.limit, r.coder)
		return n, r.err
	}
	if err != nil && err != io.EOF {
		r.err = fmt.Errorf("compress: %s: %w", r.coder, err)
		return n, r.err
	}
	if err == io.EOF {
		r.err = io.EOF
	}
	return n, err
}

// Close ends reading; it does not close the source.
func (r *Reader) Close() error {
	r.dec = nil
	return nil
}
