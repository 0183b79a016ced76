package signals

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync/atomic"
	"time"
)

// Service is a named request/reply endpoint: one responder, many
// requesters. Get one with NewService.
type Service[Req, Resp any] struct {
	bus  *Bus
	name string
	h    atomic.Pointer[func(context.Context, Req) (Resp, error)]
}

// NewService returns the service called name, creating it on first use;
// reusing a name with other types fails with ErrTypeMismatch.
func NewService[Req, Resp any](b *Bus, name string) (*Service[Req, Resp], error) {
	if err := validTopic(name); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	if old, ok := b.services[name]; ok {
		s, ok := old.(*Service[Req, Resp])
		if !ok {
			return nil, fmt.Errorf("%w: service %q is %T, asked for Service[%v, %v]", ErrTypeMismatch, name, old, reflect.TypeFor[Req](), reflect.TypeFor[Resp]())
		}
		return s, nil
	}
	s := &Service[Req, Resp]{bus: b, name: name}
	b.services[name] = s
	return s, nil
}

// Name returns the service name.
func (s *Service[Req, Resp]) Name() string { return s.name }

// Handle installs the responder. There is at most one; installing a second
// fails. The returned function removes it.
func (s *Service[Req, Resp]) Handle(fn func(ctx context.Context, req Req) (Resp, error)) (remove func(), err error) {
	if fn == nil {
		return nil, fmt.Errorf("signals: nil responder for service %q", s.name)
	}
	p := &fn
	if !s.h.CompareAndSwap(nil, p) {
		return nil, fmt.Errorf("signals: service %q already has a responder", s.name)
	}
	return func() { s.h.CompareAndSwap(p, nil) }, nil
}

type reply[Resp any] struct {
	v   Resp
	err error
}

// Request calls the responder with req on its own goroutine and waits for
// the reply, at most timeout (0: only ctx bounds it). The responder's
// context is cancelled when the request times out, so a well-behaved
// responder stops work nobody waits for. A timeout returns ErrTimeout; a
// cancelled ctx returns ctx.Err(); a panic in the responder is returned as
// an error.
func (s *Service[Req, Resp]) Request(ctx context.Context, req Req, timeout time.Duration) (Resp, error) {
	var zero Resp
	p := s.h.Load()
	if p == nil {
		return zero, fmt.Errorf("%w for service %q", ErrNoResponder, s.name)
	}
	fn := *p
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	defer cancel()
	ch := make(chan reply[Resp], 1)
	go func() {
		var r reply[Resp]
		defer func() {
			if v := recover(); v != nil {
				r = reply[Resp]{err: fmt.Errorf("signals: service %q responder panicked: %v", s.name, v)}
			}
			ch <- r
		}()
		r.v, r.err = fn(ctx, req)
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return zero, fmt.Errorf("service %q after %v: %w", s.name, timeout, ErrTimeout)
		}
		return zero, fmt.Errorf("signals: service %q: %w", s.name, ctx.Err())
	}
}
