package pool

import "sync"

// Of is a typed pool of *T over sync.Pool. The zero value is ready to use
// and creates values with new(T). An Of must not be copied after first use.
//
// Get and Put allocate nothing once the pool is warm: a *T is stored in the
// sync.Pool as is, without boxing.
type Of[T any] struct {
	// New creates a value when the pool is empty. Nil means new(T).
	New func() *T
	// Reset, if set, is called by Put before the value goes back, so every
	// Get returns a clean value and no stale data is retained in the pool.
	Reset func(*T)
	// Poison, if set, is called by Put (before Reset) while poisoning is on
	// (see [SetPoison]). It should overwrite memory the value hands out to
	// callers (for example with [Poison]) so that aliases which outlive the
	// value show garbage.
	Poison func(*T)

	p sync.Pool
}

// Get returns a value from the pool, or a new one.
func (o *Of[T]) Get() *T {
	if v := o.p.Get(); v != nil {
		return v.(*T)
	}
	if o.New != nil {
		return o.New()
	}
	return new(T)
}

// Put resets x and returns it to the pool. A nil x is ignored. x must not be
// used after Put.
func (o *Of[T]) Put(x *T) {
	if x == nil {
		return
	}
	if o.Poison != nil && poisonOn.Load() {
		o.Poison(x)
	}
	if o.Reset != nil {
		o.Reset(x)
	}
	o.p.Put(x)
}
