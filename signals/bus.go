package signals

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
)

// Errors returned by the package. Compare with errors.Is.
var (
	// ErrClosed is returned after Bus.Close.
	ErrClosed = errors.New("signals: bus closed")
	// ErrTypeMismatch is returned when a topic or service name is reused
	// with a different payload type.
	ErrTypeMismatch = errors.New("signals: type mismatch")
	// ErrNoResponder is returned by Service.Request when nothing handles the service.
	ErrNoResponder = errors.New("signals: no responder")
	// ErrTimeout is returned by Service.Request when the reply did not come in time.
	// The error also matches context.DeadlineExceeded.
	ErrTimeout = fmt.Errorf("signals: request timed out: %w", context.DeadlineExceeded)
)

// Message is what a handler receives: the concrete topic name and the value.
type Message[T any] struct {
	Topic string
	Value T
}

// Handler handles one message. A synchronous handler runs on the
// publisher's goroutine with the publisher's context; an asynchronous one
// runs on the subscription's own goroutine with the bus context, which is
// cancelled by Bus.Close.
type Handler[T any] func(ctx context.Context, m Message[T])

// Bus is a registry of topics and subscriptions. The zero value is not
// usable; call New. A Bus is safe for concurrent use.
type Bus struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	topics   map[string]topicAttacher
	services map[string]any
	patterns map[*Subscription]patternSub // wildcard subscriptions, attached to future topics too
	subs     map[*Subscription]struct{}
	closed   bool
	nextID   uint64
	wg       sync.WaitGroup // async subscription goroutines
}

// topicAttacher is implemented by *Topic[T]: it adds a pattern subscription
// when the types agree.
type topicAttacher interface {
	attach(p patternSub) bool
	typ() reflect.Type
}

// patternSub is a type-erased wildcard subscription, kept by the bus so
// that topics created later are attached to it.
type patternSub interface {
	pattern() string
	sub() *Subscription
}

// New returns an empty Bus.
func New() *Bus {
	ctx, cancel := context.WithCancel(context.Background())
	return &Bus{
		ctx:      ctx,
		cancel:   cancel,
		topics:   make(map[string]topicAttacher),
		services: make(map[string]any),
		patterns: make(map[*Subscription]patternSub),
		subs:     make(map[*Subscription]struct{}),
	}
}

// Topic is a named, typed channel of messages. Get one with NewTopic.
type Topic[T any] struct {
	bus  *Bus
	name string
	// subs is a copy-on-write list: Publish loads it with one atomic read and
	// never locks; Subscribe and Unsubscribe build a new slice under bus.mu.
	subs atomic.Pointer[[]*sub[T]]
}

// NewTopic returns the topic called name, creating it on first use. Asking
// again with the same type returns the same *Topic; asking with another
// type fails with ErrTypeMismatch. Existing wildcard subscriptions of type T
// whose pattern matches name are attached to a new topic.
func NewTopic[T any](b *Bus, name string) (*Topic[T], error) {
	if err := validTopic(name); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	if old, ok := b.topics[name]; ok {
		t, ok := old.(*Topic[T])
		if !ok {
			return nil, fmt.Errorf("%w: topic %q carries %v, asked for %v", ErrTypeMismatch, name, old.typ(), reflect.TypeFor[T]())
		}
		return t, nil
	}
	t := &Topic[T]{bus: b, name: name}
	b.topics[name] = t
	for _, p := range b.patterns {
		if Match(p.pattern(), name) {
			t.attach(p)
		}
	}
	return t, nil
}

// MustTopic is NewTopic that panics on error, for package-level topics.
func MustTopic[T any](b *Bus, name string) *Topic[T] {
	t, err := NewTopic[T](b, name)
	if err != nil {
		panic(err)
	}
	return t
}

// Name returns the topic name.
func (t *Topic[T]) Name() string { return t.name }

func (t *Topic[T]) typ() reflect.Type { return reflect.TypeFor[T]() }

// attach adds p to t when p is a subscription of type T. Called under bus.mu.
func (t *Topic[T]) attach(p patternSub) bool {
	s, ok := p.(*sub[T])
	if !ok {
		return false
	}
	t.add(s)
	return true
}

// add appends s to the subscriber list (copy on write). Called under bus.mu.
func (t *Topic[T]) add(s *sub[T]) {
	var old []*sub[T]
	if p := t.subs.Load(); p != nil {
		old = *p
	}
	n := make([]*sub[T], len(old), len(old)+1)
	copy(n, old)
	n = append(n, s)
	t.subs.Store(&n)
	s.s.detach = append(s.s.detach, func() { t.remove(s) })
}

// remove drops s from the subscriber list (copy on write). Called under bus.mu.
func (t *Topic[T]) remove(s *sub[T]) {
	p := t.subs.Load()
	if p == nil {
		return
	}
	n := make([]*sub[T], 0, len(*p))
	for _, x := range *p {
		if x != s {
			n = append(n, x)
		}
	}
	t.subs.Store(&n)
}

// Subscribers returns the number of subscriptions attached to the topic.
func (t *Topic[T]) Subscribers() int {
	if p := t.subs.Load(); p != nil {
		return len(*p)
	}
	return 0
}

// Publish delivers v to every subscription attached to the topic, in
// subscription order: synchronous handlers are called before Publish
// returns; asynchronous subscriptions get v in their buffer, subject to
// their overflow policy. Publish returns the first error of a Block
// subscription whose buffer stayed full until ctx ended (the other
// subscriptions still get v). With only synchronous subscribers Publish does
// not allocate.
func (t *Topic[T]) Publish(ctx context.Context, v T) error {
	p := t.subs.Load()
	if p == nil {
		return nil
	}
	m := Message[T]{Topic: t.name, Value: v}
	var err error
	for _, s := range *p {
		if s.once && !s.fired.CompareAndSwap(false, true) {
			continue
		}
		if s.async == nil {
			s.h(ctx, m)
		} else if e := s.async.push(ctx, m); e != nil && err == nil {
			err = fmt.Errorf("signals: publish %q: %w", t.name, e)
		}
		if s.once {
			s.s.Unsubscribe()
		}
	}
	return err
}

// Subscribe attaches h to the topic itself (an exact subscription).
func (t *Topic[T]) Subscribe(h Handler[T], opts ...Option) (*Subscription, error) {
	return Subscribe(t.bus, t.name, h, opts...)
}

// sub is one subscription's delivery state.
type sub[T any] struct {
	pat   string
	h     Handler[T]
	once  bool
	fired atomic.Bool
	async *asyncQueue[T]
	s     *Subscription
}

func (s *sub[T]) pattern() string    { return s.pat }
func (s *sub[T]) sub() *Subscription { return s.s }

// Subscribe attaches h to every topic of type T whose name matches pattern
// (see Match), now and created later. Topics of another payload type are
// never attached, whatever their name. By default delivery is synchronous;
// pass Async for a buffered goroutine, Once to receive one message only.
func Subscribe[T any](b *Bus, pattern string, h Handler[T], opts ...Option) (*Subscription, error) {
	if err := validPattern(pattern); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, fmt.Errorf("signals: nil handler for %q", pattern)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.async && o.buffer <= 0 {
		return nil, fmt.Errorf("signals: async buffer for %q must be > 0, got %d", pattern, o.buffer)
	}
	if o.overflow > Block {
		return nil, fmt.Errorf("signals: unknown overflow policy %d for %q", o.overflow, pattern)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	b.nextID++
	ss := &Subscription{bus: b, id: b.nextID, pattern: pattern, done: make(chan struct{})}
	s := &sub[T]{pat: pattern, h: h, once: o.once, s: ss}
	if o.async {
		s.async = newAsyncQueue(b, s, o.buffer, o.overflow)
		ss.dropped = &s.async.dropped
		ss.stop = s.async.stop
		b.wg.Add(1)
		go s.async.run()
	} else {
		close(ss.done)
	}
	b.subs[ss] = struct{}{}
	if isExact(pattern) {
		if old, ok := b.topics[pattern]; ok {
			if !old.attach(s) {
				delete(b.subs, ss)
				ss.closeLocked()
				return nil, fmt.Errorf("%w: topic %q carries %v, subscriber wants %v", ErrTypeMismatch, pattern, old.typ(), reflect.TypeFor[T]())
			}
		} else {
			// Create the topic so a later NewTopic finds the subscriber.
			t := &Topic[T]{bus: b, name: pattern}
			b.topics[pattern] = t
			t.add(s)
		}
		return ss, nil
	}
	b.patterns[ss] = s
	for name, t := range b.topics {
		if Match(pattern, name) {
			t.attach(s)
		}
	}
	return ss, nil
}

// Subscription is the handle of one Subscribe call.
type Subscription struct {
	bus     *Bus
	id      uint64
	pattern string
	detach  []func() // guarded by bus.mu
	closed  bool     // guarded by bus.mu
	stop    chan struct{}
	done    chan struct{}
	dropped *atomic.Uint64
}

// Pattern returns the pattern the subscription was made with.
func (s *Subscription) Pattern() string { return s.pattern }

// Unsubscribe detaches the subscription from every topic. No message is
// delivered to it after Unsubscribe returns, except, for an asynchronous
// subscription, those already in its buffer: they are still delivered, and
// Done is closed when the last one has been handled. Calling it again does
// nothing. It may be called from inside the subscription's own handler.
func (s *Subscription) Unsubscribe() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.closeLocked()
	delete(s.bus.subs, s)
	delete(s.bus.patterns, s)
}

func (s *Subscription) closeLocked() {
	if s.closed {
		return
	}
	s.closed = true
	for _, d := range s.detach {
		d()
	}
	s.detach = nil
	if s.stop != nil {
		close(s.stop)
	}
}

// Done is closed when the subscription has delivered its last message: at
// once for a synchronous subscription after Unsubscribe, after the buffer
// drains for an asynchronous one. A synchronous subscription's Done is
// closed from the start (it has no goroutine to wait for).
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Dropped returns how many messages the subscription's overflow policy has
// discarded (always 0 for synchronous and Block subscriptions).
func (s *Subscription) Dropped() uint64 {
	if s.dropped == nil {
		return 0
	}
	return s.dropped.Load()
}

// Close unsubscribes everything, cancels the context given to asynchronous
// handlers, and waits until the asynchronous subscriptions have drained
// their buffers or ctx ends. Topics and subscriptions cannot be created
// afterwards; publishing to an existing topic does nothing.
func (b *Bus) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	for s := range b.subs {
		s.closeLocked()
	}
	clear(b.subs)
	clear(b.patterns)
	b.mu.Unlock()
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	select {
	case <-done:
		b.cancel()
		return nil
	case <-ctx.Done():
		b.cancel()
		return fmt.Errorf("signals: close: async subscriptions still draining: %w", ctx.Err())
	}
}
