package signals

import (
	"context"
	"sync/atomic"
)

// asyncQueue is the bounded buffer of an asynchronous subscription. A
// buffered channel already gives drop-newest (send with default) and block
// (send or ctx.Done) without allocating; drop-oldest takes one out and
// retries.
type asyncQueue[T any] struct {
	bus      *Bus
	s        *sub[T]
	ch       chan Message[T]
	stop     chan struct{}
	policy   Overflow
	dropped  atomic.Uint64
	panicked atomic.Uint64
}

func newAsyncQueue[T any](b *Bus, s *sub[T], n int, policy Overflow) *asyncQueue[T] {
	return &asyncQueue[T]{bus: b, s: s, ch: make(chan Message[T], n), stop: make(chan struct{}), policy: policy}
}

func (q *asyncQueue[T]) push(ctx context.Context, m Message[T]) error {
	select {
	case q.ch <- m:
		return nil
	default:
	}
	switch q.policy {
	case DropNewest:
		q.dropped.Add(1)
		return nil
	case DropOldest:
		for {
			select {
			case q.ch <- m:
				return nil
			default:
			}
			select {
			case <-q.ch:
				q.dropped.Add(1)
			default:
			}
		}
	default: // Block
		select {
		case q.ch <- m:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-q.stop:
			return nil
		}
	}
}

func (q *asyncQueue[T]) run() {
	defer q.bus.wg.Done()
	defer close(q.s.s.done)
	for {
		select {
		case m := <-q.ch:
			q.deliver(m)
		case <-q.stop:
			for {
				select {
				case m := <-q.ch:
					q.deliver(m)
				default:
					return
				}
			}
		}
	}
}

// deliver calls the handler; a panic is contained so that one bad handler
// does not kill the subscription's goroutine silently; it is counted.
func (q *asyncQueue[T]) deliver(m Message[T]) {
	defer func() {
		if recover() != nil {
			q.panicked.Add(1)
		}
	}()
	q.s.h(q.bus.ctx, m)
}
