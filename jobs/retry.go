package jobs

import (
	"math/rand/v2"
	"time"
)

// RetryPolicy decides what happens after a failed attempt: attempt is the
// number of attempts made so far (1 after the first failure). It returns
// the delay before the next attempt, or retry false to bury the job in the
// dead-letter queue.
type RetryPolicy interface {
	Next(attempt int, err error) (delay time.Duration, retry bool)
}

// RetryFunc adapts a function to RetryPolicy: the custom policy.
type RetryFunc func(attempt int, err error) (time.Duration, bool)

// Next calls f.
func (f RetryFunc) Next(attempt int, err error) (time.Duration, bool) { return f(attempt, err) }

// NoRetry buries a job after its first failure.
func NoRetry() RetryPolicy {
	return RetryFunc(func(int, error) (time.Duration, bool) { return 0, false })
}

// Fixed retries after the same delay, up to maxAttempts attempts in all.
func Fixed(delay time.Duration, maxAttempts int) RetryPolicy {
	return RetryFunc(func(attempt int, _ error) (time.Duration, bool) {
		return delay, attempt < maxAttempts
	})
}

// Exponential is a backoff of Base*2^(attempt-1), capped at Max, with a
// random reduction of up to Jitter (0..1) of the delay so that jobs that
// failed together do not retry together ("equal jitter" when 0.5, "full
// jitter" when 1). MaxAttempts counts attempts in all, the first included.
type Exponential struct {
	Base        time.Duration // default 1s
	Max         time.Duration // cap; default 1h
	Jitter      float64
	MaxAttempts int // default 25
}

// Next implements RetryPolicy.
func (e Exponential) Next(attempt int, _ error) (time.Duration, bool) {
	base, maxd, maxAttempts := e.Base, e.Max, e.MaxAttempts
	if base <= 0 {
		base = time.Second
	}
	if maxd <= 0 {
		maxd = time.Hour
	}
	if maxAttempts <= 0 {
		maxAttempts = 25
	}
	if attempt >= maxAttempts {
		return 0, false
	}
	d := maxd
	if shift := attempt - 1; shift < 62 && base <= maxd>>shift {
		d = base << shift
	}
	if j := e.Jitter; j > 0 {
		if j > 1 {
			j = 1
		}
		d -= time.Duration(j * rand.Float64() * float64(d))
	}
	return d, true
}

// DefaultRetry is the policy of handlers that set none: exponential from 1s
// to 1h with half jitter, 25 attempts (about 3 days in all).
var DefaultRetry RetryPolicy = Exponential{Base: time.Second, Max: time.Hour, Jitter: 0.5, MaxAttempts: 25}
