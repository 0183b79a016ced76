package tako

import "unsafe"

// This file holds every unsafe conversion the package makes. fasthttp hands out byte slices
// that alias its request buffers; converting them to strings without copying is what keeps the
// fasthttp path free of allocations. The strings are valid only while the buffer is, which is
// the zero-copy contract documented on each Ctx accessor (valid until the handler returns).

// b2s returns a string sharing b's memory. b must not be modified while the string is in use.
func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// s2b returns a byte slice sharing s's memory. The slice must never be written to.
func s2b(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// s2b's result is written to in exactly one place: Config.PoisonBuffers overwrites route
// parameter memory (which aliases fasthttp's writable path buffer, never a Go string
// literal) after the handler returns.
