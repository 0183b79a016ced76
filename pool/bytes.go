package pool

import (
	"math/bits"
	"sync"
)

// Default bounds of the size classes of a [Bytes] pool.
const (
	// MinClass is the default smallest class: 512 bytes. Smaller requests
	// get a 512-byte slice; smaller slices handed to Put are dropped.
	MinClass = 512
	// MaxClass is the default largest class: 1 MiB. Larger requests are
	// served by make and never pooled.
	MaxClass = 1 << 20
)

// bytesMaxShift bounds configurable classes at 1 GiB.
const bytesMaxShift = 30

// Bytes is a pool of byte slices grouped in power-of-two size classes. The
// zero value is ready to use, with classes from [MinClass] to [MaxClass]. A
// Bytes must not be copied after first use, and Min and Max must not change
// after first use.
//
// Slices from Get are not zeroed: they hold whatever the previous user left
// (or [PoisonByte]s when poisoning is on). Overwrite before reading.
type Bytes struct {
	// Min is the smallest class in bytes, rounded up to a power of two.
	// Zero means MinClass.
	Min int
	// Max is the largest class in bytes, rounded down to a power of two
	// (and at least the smallest class, at most 1 GiB). Zero means MaxClass.
	Max int

	classes [bytesMaxShift + 1]sync.Pool
}

// shifts returns log2 of the smallest and largest class.
func (p *Bytes) shifts() (lo, hi int) {
	lo, hi = 9, 20 // MinClass, MaxClass
	if p.Min > 0 {
		lo = min(bits.Len(uint(p.Min-1)), bytesMaxShift)
	}
	if p.Max > 0 {
		hi = min(bits.Len(uint(p.Max))-1, bytesMaxShift)
	}
	return lo, max(lo, hi)
}

// Get returns a slice of length n (n < 0 counts as 0) and capacity of at
// least n: the smallest class that holds n bytes, from the pool when one is
// there. Above the largest class it returns make([]byte, n), which Put will
// drop.
func (p *Bytes) Get(n int) []byte {
	n = max(n, 0)
	lo, hi := p.shifts()
	s := bits.Len(uint(n - 1)) // ceil(log2 n); 0 for n <= 1
	if n == 0 {
		s = 0
	}
	s = max(s, lo)
	if s > hi {
		return make([]byte, n)
	}
	if b := p.load(s); b != nil {
		return b[:n]
	}
	return make([]byte, n, 1<<s)
}

// Put returns b to the largest class not above cap(b). A slice whose
// capacity is below the smallest class or above the largest is dropped, so
// one huge body never stays pinned in the pool. b and every slice sharing
// its array must not be used after Put. With poisoning on (see
// [SetPoison]) the whole capacity of b is overwritten with [PoisonByte].
func (p *Bytes) Put(b []byte) {
	c := cap(b)
	if c == 0 {
		return
	}
	lo, hi := p.shifts()
	s := bits.Len(uint(c)) - 1 // floor(log2 c)
	if s < lo || c > 1<<hi {
		return
	}
	if poisonOn.Load() {
		Poison(b)
	}
	p.store(s, b)
}

// Class returns the capacity that Get(n) would return: the smallest class
// holding n bytes, or n itself above the largest class.
func (p *Bytes) Class(n int) int {
	n = max(n, 0)
	lo, hi := p.shifts()
	s := max(bits.Len(uint(max(n, 1)-1)), lo)
	if s > hi {
		return n
	}
	return 1 << s
}

var defaultBytes Bytes

// GetBytes returns a slice of length n from the package's default [Bytes]
// pool (classes 512 B to 1 MiB); see [Bytes.Get].
func GetBytes(n int) []byte { return defaultBytes.Get(n) }

// PutBytes returns b to the package's default [Bytes] pool; see [Bytes.Put].
func PutBytes(b []byte) { defaultBytes.Put(b) }
