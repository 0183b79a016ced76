package ws

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// OpCode is a frame's opcode (RFC 6455 section 5.2).
type OpCode byte

// The opcodes RFC 6455 defines. 0x3-0x7 and 0xB-0xF are reserved.
const (
	OpContinuation OpCode = 0x0
	OpText         OpCode = 0x1
	OpBinary       OpCode = 0x2
	OpClose        OpCode = 0x8
	OpPing         OpCode = 0x9
	OpPong         OpCode = 0xA
)

// IsControl reports whether op is a control opcode (close, ping, pong or a
// reserved control opcode).
func (op OpCode) IsControl() bool { return op&0x8 != 0 }

// IsReserved reports whether op is one of the reserved opcodes.
func (op OpCode) IsReserved() bool {
	return (op > OpBinary && op < OpClose) || op > OpPong
}

// String returns the opcode's name.
func (op OpCode) String() string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return fmt.Sprintf("reserved(0x%x)", byte(op))
}

// Header is a frame header. The frame layer ([ReadHeader], [WriteHeader],
// [AppendHeader], [Cipher]) is usable alone, without a [Conn].
type Header struct {
	Fin    bool
	Rsv    byte // the three reserved bits, RSV1 = 0x4, RSV2 = 0x2, RSV3 = 0x1
	OpCode OpCode
	Masked bool
	Mask   [4]byte
	Length int64
}

// Reserved bit masks for [Header.Rsv].
const (
	Rsv1 byte = 0x4
	Rsv2 byte = 0x2
	Rsv3 byte = 0x1
)

// MaxHeaderSize is the largest encoded frame header: 2 bytes, an 8-byte
// extended length and a 4-byte mask key.
const MaxHeaderSize = 14

// MaxControlPayload is the largest payload a control frame may carry.
const MaxControlPayload = 125

// Frame-layer errors. Parsing functions wrap them with the offending value.
var (
	ErrHeaderLengthMSB    = errors.New("ws: frame header: 64-bit length has its most significant bit set")
	ErrHeaderLengthShort  = errors.New("ws: frame header: extended length not minimally encoded")
	ErrControlTooLong     = errors.New("ws: frame header: control frame payload over 125 bytes")
	ErrControlFragmented  = errors.New("ws: frame header: fragmented control frame")
	ErrReservedOpCode     = errors.New("ws: frame header: reserved opcode")
	errHeaderIncomplete   = errors.New("ws: frame header: incomplete")
	errHeaderNegativeSize = errors.New("ws: frame header: negative length")
)

// HeaderSize returns the encoded size of h (2 to 14 bytes).
func HeaderSize(h Header) int {
	n := 2
	switch {
	case h.Length > 0xffff:
		n += 8
	case h.Length > 125:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// AppendHeader appends the wire form of h to dst. It uses the minimal length
// encoding. The payload is not masked here: see [Cipher].
func AppendHeader(dst []byte, h Header) []byte {
	b0 := h.Rsv<<4 | byte(h.OpCode)&0xf
	if h.Fin {
		b0 |= 0x80
	}
	var b1 byte
	if h.Masked {
		b1 = 0x80
	}
	switch {
	case h.Length > 0xffff:
		dst = append(dst, b0, b1|127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.Length))
	case h.Length > 125:
		dst = append(dst, b0, b1|126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(h.Length))
	default:
		dst = append(dst, b0, b1|byte(h.Length))
	}
	if h.Masked {
		dst = append(dst, h.Mask[:]...)
	}
	return dst
}

// WriteHeader writes h to w in one Write call.
func WriteHeader(w io.Writer, h Header) error {
	if h.Length < 0 {
		return errHeaderNegativeSize
	}
	var buf [MaxHeaderSize]byte
	_, err := w.Write(AppendHeader(buf[:0], h))
	return err
}

// ParseHeader decodes the frame header at the start of b. It returns the
// header and its encoded size; n == 0 with a nil error means b holds only
// part of a header (at least n bytes more are needed: call again with more).
// It checks what the frame layer alone can check: the 64-bit length's top
// bit, minimal length encoding, and the control-frame rules (no
// fragmentation, at most 125 bytes). Opcodes and reserved bits are left to
// the caller, which knows the negotiated extensions.
func ParseHeader(b []byte) (h Header, n int, err error) {
	if len(b) < 2 {
		return h, 0, nil
	}
	h.Fin = b[0]&0x80 != 0
	h.Rsv = (b[0] >> 4) & 0x7
	h.OpCode = OpCode(b[0] & 0xf)
	h.Masked = b[1]&0x80 != 0
	l := b[1] & 0x7f
	n = 2
	switch l {
	case 126:
		if len(b) < 4 {
			return h, 0, nil
		}
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		if h.Length < 126 {
			return h, 0, fmt.Errorf("%w (%d in 16 bits)", ErrHeaderLengthShort, h.Length)
		}
		n = 4
	case 127:
		if len(b) < 10 {
			return h, 0, nil
		}
		u := binary.BigEndian.Uint64(b[2:])
		if u>>63 != 0 {
			return h, 0, ErrHeaderLengthMSB
		}
		if u <= 0xffff {
			return h, 0, fmt.Errorf("%w (%d in 64 bits)", ErrHeaderLengthShort, u)
		}
		h.Length = int64(u)
		n = 10
	default:
		h.Length = int64(l)
	}
	if h.OpCode.IsControl() {
		if !h.Fin {
			return h, 0, ErrControlFragmented
		}
		if h.Length > MaxControlPayload {
			return h, 0, fmt.Errorf("%w (%d bytes)", ErrControlTooLong, h.Length)
		}
	}
	if h.Masked {
		if len(b) < n+4 {
			return h, 0, nil
		}
		copy(h.Mask[:], b[n:n+4])
		n += 4
	}
	return h, n, nil
}

// ReadHeader reads one frame header from r. It reads exactly the header's
// bytes (two small reads at most); wrap r in a buffer for throughput.
func ReadHeader(r io.Reader) (Header, error) {
	var buf [MaxHeaderSize]byte
	if _, err := io.ReadFull(r, buf[:2]); err != nil {
		return Header{}, err
	}
	need := 0
	switch buf[1] & 0x7f {
	case 126:
		need = 2
	case 127:
		need = 8
	}
	if buf[1]&0x80 != 0 {
		need += 4
	}
	if need > 0 {
		if _, err := io.ReadFull(r, buf[2:2+need]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return Header{}, err
		}
	}
	h, n, err := ParseHeader(buf[:2+need])
	if err == nil && n == 0 {
		err = errHeaderIncomplete
	}
	return h, err
}
