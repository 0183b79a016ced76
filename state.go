package tako

// Typed application state and request-scoped values. Both are keyed by type, not by string:
// each distinct T gets its own slot, and user code never casts from interface{}. Define a
// named type per value (type DB struct{...}, type userID string) to keep slots apart.

type stateKey[T any] struct{}

// SetState stores v as the App's value of type T, replacing any previous one. Handlers read
// it with State[T]. It is safe to call at any time, but usually happens at start-up.
func SetState[T any](a *App, v T) {
	a.state.Store(stateKey[T]{}, v)
}

// State returns the App's value of type T, or T's zero value if none was set. It does not
// allocate.
func State[T any](c *Ctx) T {
	v, _ := StateOf[T](c.app)
	return v
}

// StateOf returns the App's value of type T and whether one was set.
func StateOf[T any](a *App) (T, bool) {
	v, ok := a.state.Load(stateKey[T]{})
	if !ok {
		var zero T
		return zero, false
	}
	return v.(T), true
}

type localKey[T any] struct{}

type local struct {
	key any // localKey[T]{}
	val any
}

// SetLocal stores v as the request's value of type T (for example, the user a middleware
// authenticated), for handlers later in the chain to read with Local[T]. The value lives
// until the handler returns. Storing a pointer, or a value no larger than a pointer, does
// not allocate once the pooled Ctx has room.
func SetLocal[T any](c *Ctx, v T) {
	k := any(localKey[T]{})
	for i := range c.locals {
		if c.locals[i].key == k {
			c.locals[i].val = v
			return
		}
	}
	c.locals = append(c.locals, local{key: k, val: v})
}

// Local returns the request's value of type T and whether SetLocal stored one.
func Local[T any](c *Ctx) (T, bool) {
	k := any(localKey[T]{})
	for i := range c.locals {
		if c.locals[i].key == k {
			return c.locals[i].val.(T), true
		}
	}
	var zero T
	return zero, false
}
