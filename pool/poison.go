package pool

import "sync/atomic"

// PoisonByte is the byte that poisoning writes over recycled memory. 0xA5 is
// not valid UTF-8 on its own and is unlikely in real text, so a poisoned
// string is easy to spot in a failing test.
const PoisonByte = 0xA5

// poisonOn is the global poisoning switch, read on every Put. Its initial
// value comes from poison_default*.go (the takopoison build tag).
var poisonOn atomic.Bool

func init() { poisonOn.Store(poisonDefault) }

// SetPoison turns poisoning of recycled memory on or off for every pool in
// this package and returns the previous setting. With poisoning on, Put
// overwrites the whole capacity of a returned buffer with [PoisonByte], and
// [Of.Put] calls the pool's Poison hook, before the memory can be reused.
// It is meant for tests and debugging; it is safe to call concurrently.
func SetPoison(on bool) (was bool) { return poisonOn.Swap(on) }

// Poisoning reports whether poisoning of recycled memory is on.
func Poisoning() bool { return poisonOn.Load() }

// Poison overwrites the full capacity of b with [PoisonByte]. Poison hooks of
// [Of] pools use it on the byte slices their values own.
func Poison(b []byte) {
	b = b[:cap(b)]
	for i := range b {
		b[i] = PoisonByte
	}
}
