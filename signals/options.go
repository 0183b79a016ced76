package signals

// Overflow says what an asynchronous subscription does when its buffer is
// full at publish time.
type Overflow uint8

const (
	// DropNewest discards the message being published; the buffer keeps the
	// older ones. Publish never waits.
	DropNewest Overflow = iota
	// DropOldest discards the oldest buffered message to make room for the
	// new one. Publish never waits.
	DropOldest
	// Block makes Publish wait for room until the publisher's context ends;
	// then Publish returns the context's error and the message is not
	// delivered to that subscription.
	Block
)

// String returns the policy name.
func (o Overflow) String() string {
	switch o {
	case DropNewest:
		return "drop-newest"
	case DropOldest:
		return "drop-oldest"
	case Block:
		return "block"
	}
	return "overflow(?)"
}

// Option configures a subscription.
type Option func(*options)

type options struct {
	async    bool
	buffer   int
	overflow Overflow
	once     bool
}

// Async delivers messages on the subscription's own goroutine through a
// buffer of the given size (> 0), in publish order. When the buffer is full
// the overflow policy applies. There is no unbounded mode: every buffer has
// a size and every overflow a policy.
func Async(buffer int, overflow Overflow) Option {
	return func(o *options) { o.async, o.buffer, o.overflow = true, buffer, overflow }
}

// Once removes the subscription after its first message. Exactly one
// message is delivered even when several publishers race.
func Once() Option {
	return func(o *options) { o.once = true }
}
