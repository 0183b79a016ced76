package ws

import "unicode/utf8"

// utf8Validator checks UTF-8 incrementally across the fragments of a text
// message. It fails as soon as a byte makes the prefix invalid (Autobahn's
// "fail fast" cases), not only at the end of the message: an incomplete
// sequence at the end of a chunk is checked as a prefix (its first two bytes
// already rule out surrogates and code points over U+10FFFF).
type utf8Validator struct {
	pend [4]byte
	n    int // bytes in pend
}

func (v *utf8Validator) reset() { v.n = 0 }

// seqLen returns the length of the sequence a lead byte starts, or 0 for a
// byte that cannot start one.
func seqLen(b byte) int {
	switch {
	case b < 0x80:
		return 1
	case b < 0xC2:
		return 0
	case b < 0xE0:
		return 2
	case b < 0xF0:
		return 3
	case b < 0xF5:
		return 4
	}
	return 0
}

// validPrefix reports whether p (shorter than its lead byte's sequence) can
// still be completed into a valid sequence.
func validPrefix(p []byte) bool {
	if len(p) == 0 {
		return true
	}
	if seqLen(p[0]) <= len(p) && seqLen(p[0]) != 0 {
		return utf8.Valid(p)
	}
	if seqLen(p[0]) == 0 {
		return false
	}
	if len(p) >= 2 {
		lo, hi := byte(0x80), byte(0xBF)
		switch p[0] {
		case 0xE0:
			lo = 0xA0
		case 0xED:
			hi = 0x9F
		case 0xF0:
			lo = 0x90
		case 0xF4:
			hi = 0x8F
		}
		if p[1] < lo || p[1] > hi {
			return false
		}
	}
	if len(p) >= 3 && (p[2] < 0x80 || p[2] > 0xBF) {
		return false
	}
	return true
}

// write validates the next chunk; false means the text is invalid.
func (v *utf8Validator) write(p []byte) bool {
	if v.n > 0 {
		need := seqLen(v.pend[0]) - v.n
		take := min(need, len(p))
		copy(v.pend[v.n:], p[:take])
		v.n += take
		p = p[take:]
		if !validPrefix(v.pend[:v.n]) {
			return false
		}
		if v.n < seqLen(v.pend[0]) {
			return true // still incomplete, p is empty
		}
		v.n = 0
	}
	if len(p) == 0 {
		return true
	}
	// Find a trailing incomplete sequence: look back at most 3 bytes for a
	// lead byte.
	cut := len(p)
	for i := len(p) - 1; i >= 0 && i >= len(p)-3; i-- {
		c := p[i]
		if c&0xC0 != 0x80 { // not a continuation byte
			if l := seqLen(c); l > len(p)-i {
				cut = i
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		return false
	}
	if cut < len(p) {
		tail := p[cut:]
		if !validPrefix(tail) {
			return false
		}
		v.n = copy(v.pend[:], tail)
	}
	return true
}

// done reports whether the text ended on a complete sequence.
func (v *utf8Validator) done() bool { return v.n == 0 }
