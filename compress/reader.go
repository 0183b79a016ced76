package compress

import (
	"bufio"
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
// AcquireReader/ReleaseReader allocate nothing in steady state for gzip,
// deflate and zstd; andybalholm/brotli v1.3.0 allocates its context maps per
// meta-block (a few small objects per body).
//
// "deflate" is decoded as zlib, as RFC 9110 defines it, with a fallback to a
// raw deflate stream when the first two bytes are not a zlib header (some
// clients send raw deflate; browsers accept both).
type Reader struct {
	src   io.Reader
	dec   io.Reader
	coder Encoding
	limit int64
	n     int64
	err   error
	raw   bool // deflate without zlib header
	gz    *gzip.Reader
	zl    io.ReadCloser
	fl    io.ReadCloser
	br    *brotli.Reader
	zs    *zstd.Decoder
	bufr  *bufio.Reader // deflate: peeks the zlib header; is the io.ByteReader flate wants
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
	r.src, r.dec, r.err = nil, nil, nil
	if r.bufr != nil {
		r.bufr.Reset(nil)
	}
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
		// value making CMF<<8|FLG a multiple of 31. The bufio.Reader is
		// kept across resets: flate wraps any source that is not an
		// io.ByteReader in a new bufio.Reader per stream.
		if r.bufr == nil {
			r.bufr = bufio.NewReaderSize(src, 4096)
		} else {
			r.bufr.Reset(src)
		}
		hdr, err := r.bufr.Peek(2)
		if len(hdr) == 0 {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("compress: deflate: %w", err)
		}
		if len(hdr) == 2 && hdr[0]&0x0f == 8 && hdr[0]>>4 <= 7 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
			if r.zl == nil {
				zl, err := zlib.NewReader(r.bufr)
				if err != nil {
					return fmt.Errorf("compress: deflate: %w", err)
				}
				r.zl = zl
			} else if err := r.zl.(zlib.Resetter).Reset(r.bufr, nil); err != nil {
				return fmt.Errorf("compress: deflate: %w", err)
			}
			r.dec = r.zl
		} else {
			r.raw = true
			if r.fl == nil {
				r.fl = flate.NewReader(r.bufr)
			} else if err := r.fl.(flate.Resetter).Reset(r.bufr, nil); err != nil {
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
