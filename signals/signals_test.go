package signals

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		pattern, topic string
		want           bool
	}{
		{"a.b", "a.b", true},
		{"a.b", "a.c", false},
		{"a.b", "a.b.c", false},
		{"a.b.c", "a.b", false},
		{"a.*", "a.b", true},
		{"a.*", "a.b.c", false},
		{"a.*", "a", false},
		{"*.b", "x.b", true},
		{"*", "x", true},
		{"*", "x.y", false},
		{"a.>", "a.b", true},
		{"a.>", "a.b.c.d", true},
		{"a.>", "a", false},
		{">", "a", true},
		{">", "a.b.c", true},
		{"a.*.c", "a.b.c", true},
		{"a.*.c", "a.b.d", false},
		{"a.*.>", "a.b.c", true},
		{"a.*.>", "a.b", false},
		{"jobs.enqueued", "jobs.enqueuedx", false},
	}
	for _, c := range cases {
		if got := Match(c.pattern, c.topic); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.topic, got, c.want)
		}
	}
}

func TestNamesValidated(t *testing.T) {
	b := New()
	for _, name := range []string{"", "a..b", ".a", "a.", "a.*", "a.>", "a b"} {
		if _, err := NewTopic[int](b, name); err == nil {
			t.Errorf("NewTopic(%q): no error", name)
		}
	}
	for _, p := range []string{"", "a..b", "a.>.b", "a*", "x.b>"} {
		if _, err := Subscribe(b, p, func(context.Context, Message[int]) {}); err == nil {
			t.Errorf("Subscribe(%q): no error", p)
		}
	}
	if _, err := Subscribe[int](b, "a", nil); err == nil {
		t.Error("nil handler accepted")
	}
	if _, err := Subscribe(b, "a", func(context.Context, Message[int]) {}, Async(0, Block)); err == nil {
		t.Error("async buffer 0 accepted")
	}
}

// collector records messages for a test.
type collector[T any] struct {
	mu  sync.Mutex
	got []Message[T]
}

func (c *collector[T]) handle(_ context.Context, m Message[T]) {
	c.mu.Lock()
	c.got = append(c.got, m)
	c.mu.Unlock()
}

func (c *collector[T]) topics() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var s []string
	for _, m := range c.got {
		s = append(s, m.Topic)
	}
	return s
}

func TestExactPrefixWildcard(t *testing.T) {
	b := New()
	ctx := context.Background()
	enq := MustTopic[int](b, "jobs.enqueued")
	var exact, prefix, wild, all collector[int]
	for _, s := range []struct {
		p string
		c *collector[int]
	}{{"jobs.enqueued", &exact}, {"jobs.>", &prefix}, {"*.failed", &wild}, {">", &all}} {
		if _, err := Subscribe(b, s.p, s.c.handle); err != nil {
			t.Fatal(err)
		}
	}
	// A subscriber of another type never sees int topics.
	var strs collector[string]
	if _, err := Subscribe(b, ">", strs.handle); err != nil {
		t.Fatal(err)
	}
	// Topic created after the subscriptions is attached to them.
	failed := MustTopic[int](b, "jobs.failed")
	deep := MustTopic[int](b, "jobs.a.b")
	app := MustTopic[string](b, "app.started")

	enq.Publish(ctx, 1)
	failed.Publish(ctx, 2)
	deep.Publish(ctx, 3)
	app.Publish(ctx, "up")

	check := func(name string, got []string, want ...string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s got %v, want %v", name, got, want)
		}
	}
	check("exact", exact.topics(), "jobs.enqueued")
	check("prefix", prefix.topics(), "jobs.enqueued", "jobs.failed", "jobs.a.b")
	check("wildcard", wild.topics(), "jobs.failed")
	check("all", all.topics(), "jobs.enqueued", "jobs.failed", "jobs.a.b")
	check("strings", strs.topics(), "app.started")
	if exact.got[0].Value != 1 || strs.got[0].Value != "up" {
		t.Errorf("values: %v %v", exact.got, strs.got)
	}
}

func TestTypeMismatch(t *testing.T) {
	b := New()
	MustTopic[int](b, "a")
	if _, err := NewTopic[string](b, "a"); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("NewTopic other type: %v", err)
	}
	if _, err := Subscribe(b, "a", func(context.Context, Message[string]) {}); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("Subscribe other type: %v", err)
	}
	// Subscribing first fixes the type too.
	if _, err := Subscribe(b, "b", func(context.Context, Message[string]) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := NewTopic[int](b, "b"); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("NewTopic after string subscriber: %v", err)
	}
	t1, _ := NewTopic[int](b, "a")
	t2, _ := NewTopic[int](b, "a")
	if t1 != t2 {
		t.Error("same name and type gave two topics")
	}
}

func TestUnsubscribe(t *testing.T) {
	b := New()
	ctx := context.Background()
	tp := MustTopic[int](b, "x.y")
	var c1, c2 collector[int]
	s1, _ := tp.Subscribe(c1.handle)
	s2, _ := Subscribe(b, "x.>", c2.handle)
	tp.Publish(ctx, 1)
	s1.Unsubscribe()
	s2.Unsubscribe()
	s2.Unsubscribe() // idempotent
	tp.Publish(ctx, 2)
	// A topic created after unsubscribing a pattern must not get it.
	MustTopic[int](b, "x.z").Publish(ctx, 3)
	if len(c1.got) != 1 || len(c2.got) != 1 || tp.Subscribers() != 0 {
		t.Errorf("after unsubscribe: %v %v subscribers=%d", c1.got, c2.got, tp.Subscribers())
	}
	// Unsubscribe from inside the handler.
	var n int
	var s *Subscription
	s, _ = tp.Subscribe(func(context.Context, Message[int]) { n++; s.Unsubscribe() })
	tp.Publish(ctx, 1)
	tp.Publish(ctx, 1)
	if n != 1 {
		t.Errorf("self-unsubscribe: delivered %d times", n)
	}
}

func TestOnceUnderRace(t *testing.T) {
	for _, async := range []bool{false, true} {
		b := New()
		tp := MustTopic[int](b, "t")
		var n atomic.Int32
		opts := []Option{Once()}
		if async {
			opts = append(opts, Async(16, Block))
		}
		s, err := tp.Subscribe(func(context.Context, Message[int]) { n.Add(1) }, opts...)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for range 50 {
					tp.Publish(context.Background(), i)
				}
			})
		}
		wg.Wait()
		<-s.Done()
		if n.Load() != 1 || tp.Subscribers() != 0 {
			t.Errorf("async=%v: once delivered %d times, %d subscribers left", async, n.Load(), tp.Subscribers())
		}
	}
}

func TestAsyncOrderAndDrain(t *testing.T) {
	b := New()
	tp := MustTopic[int](b, "t")
	release := make(chan struct{})
	var got []int
	s, _ := tp.Subscribe(func(_ context.Context, m Message[int]) {
		<-release
		got = append(got, m.Value)
	}, Async(100, Block))
	for i := range 100 {
		if err := tp.Publish(context.Background(), i); err != nil {
			t.Fatal(err)
		}
	}
	s.Unsubscribe()
	tp.Publish(context.Background(), 999) // after Unsubscribe: not delivered
	close(release)
	<-s.Done()
	if len(got) != 100 {
		t.Fatalf("delivered %d, want the 100 buffered before Unsubscribe", len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("order: got[%d]=%d", i, v)
		}
	}
}

// blockedSub subscribes an async handler that waits for release before
// handling each message, then fills its buffer.
func overflowRun(t *testing.T, policy Overflow) (delivered []int, s *Subscription, tp *Topic[int]) {
	b := New()
	tp = MustTopic[int](b, "t")
	started := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	first := true
	s, _ = tp.Subscribe(func(_ context.Context, m Message[int]) {
		if first {
			first = false
			close(started)
		}
		<-release
		mu.Lock()
		delivered = append(delivered, m.Value)
		mu.Unlock()
	}, Async(3, policy))
	ctx := context.Background()
	tp.Publish(ctx, 0) // taken by the goroutine, which blocks
	<-started
	for i := 1; i <= 6; i++ { // buffer holds 3
		if policy == Block && i > 3 {
			cctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
			err := tp.Publish(cctx, i)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Block publish on full buffer: %v", err)
			}
			continue
		}
		if err := tp.Publish(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	s.Unsubscribe()
	<-s.Done()
	return delivered, s, tp
}

func TestOverflowPolicies(t *testing.T) {
	cases := []struct {
		policy  Overflow
		want    string
		dropped uint64
	}{
		{DropNewest, "[0 1 2 3]", 3},
		{DropOldest, "[0 4 5 6]", 3},
		{Block, "[0 1 2 3]", 0},
	}
	for _, c := range cases {
		t.Run(c.policy.String(), func(t *testing.T) {
			got, s, _ := overflowRun(t, c.policy)
			if fmt.Sprint(got) != c.want || s.Dropped() != c.dropped {
				t.Errorf("delivered %v dropped %d, want %s dropped %d", got, s.Dropped(), c.want, c.dropped)
			}
		})
	}
}

func TestAsyncPanicContained(t *testing.T) {
	b := New()
	tp := MustTopic[int](b, "t")
	var n atomic.Int32
	s, _ := tp.Subscribe(func(_ context.Context, m Message[int]) {
		if m.Value == 0 {
			panic("boom")
		}
		n.Add(1)
	}, Async(4, Block))
	tp.Publish(context.Background(), 0)
	tp.Publish(context.Background(), 1)
	s.Unsubscribe()
	<-s.Done()
	if n.Load() != 1 {
		t.Errorf("message after panic: delivered %d", n.Load())
	}
}

func TestBusClose(t *testing.T) {
	b := New()
	tp := MustTopic[int](b, "t")
	var n atomic.Int32
	var handlerCtx context.Context
	tp.Subscribe(func(ctx context.Context, m Message[int]) { handlerCtx = ctx; n.Add(1) }, Async(8, Block))
	tp.Publish(context.Background(), 1)
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 1 || handlerCtx.Err() == nil {
		t.Errorf("close: delivered %d, handler ctx err %v", n.Load(), handlerCtx.Err())
	}
	if _, err := NewTopic[int](b, "u"); !errors.Is(err, ErrClosed) {
		t.Errorf("NewTopic after close: %v", err)
	}
	if _, err := tp.Subscribe(func(context.Context, Message[int]) {}); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after close: %v", err)
	}
	tp.Publish(context.Background(), 2) // no subscribers, no panic
}

func TestRequestReply(t *testing.T) {
	b := New()
	svc, err := NewService[int, string](b, "math.itoa")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := svc.Request(ctx, 1, time.Second); !errors.Is(err, ErrNoResponder) {
		t.Errorf("no responder: %v", err)
	}
	remove, err := svc.Handle(func(ctx context.Context, n int) (string, error) {
		switch n {
		case -1:
			<-ctx.Done() // a slow responder that honours cancellation
			return "", ctx.Err()
		case -2:
			panic("bad")
		case -3:
			return "", errors.New("negative")
		}
		return fmt.Sprint(n), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Handle(func(context.Context, int) (string, error) { return "", nil }); err == nil {
		t.Error("second responder accepted")
	}
	if r, err := svc.Request(ctx, 42, time.Second); r != "42" || err != nil {
		t.Errorf("Request(42) = %q, %v", r, err)
	}
	if _, err := svc.Request(ctx, -1, 5*time.Millisecond); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: %v", err)
	}
	if _, err := svc.Request(ctx, -2, time.Second); err == nil {
		t.Error("panic: no error")
	}
	if _, err := svc.Request(ctx, -3, 0); err == nil || err.Error() != "negative" {
		t.Errorf("responder error: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := svc.Request(cctx, -1, time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	remove()
	if _, err := svc.Request(ctx, 1, time.Second); !errors.Is(err, ErrNoResponder) {
		t.Errorf("after remove: %v", err)
	}
	if _, err := NewService[string, string](b, "math.itoa"); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("service type mismatch: %v", err)
	}
}

func TestPublishSyncAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	b := New()
	tp := MustTopic[int](b, "jobs.done")
	var sum int
	tp.Subscribe(func(_ context.Context, m Message[int]) { sum += m.Value })
	Subscribe(b, "jobs.>", func(_ context.Context, m Message[int]) { sum += m.Value })
	Subscribe(b, "*.done", func(_ context.Context, m Message[int]) { sum += m.Value })
	as := MustTopic[int](b, "async.t")
	as.Subscribe(func(context.Context, Message[int]) {}, Async(1, DropNewest))
	ctx := context.Background()
	if n := testing.AllocsPerRun(1000, func() { tp.Publish(ctx, 1) }); n != 0 {
		t.Errorf("sync Publish allocates %v per call", n)
	}
	if n := testing.AllocsPerRun(1000, func() { as.Publish(ctx, 1) }); n != 0 {
		t.Errorf("async drop-newest Publish allocates %v per call", n)
	}
	if sum != 3000+3 { // AllocsPerRun runs once more for warm-up
		t.Errorf("handlers ran %d times, want 3003", sum)
	}
}

// TestConcurrentSubscribePublish is for the race detector: publishers,
// subscribers and unsubscribers on the same topics at once.
func TestConcurrentSubscribePublish(t *testing.T) {
	b := New()
	tps := []*Topic[int]{MustTopic[int](b, "a.x"), MustTopic[int](b, "a.y"), MustTopic[int](b, "b.x")}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				tps[i].Publish(context.Background(), i)
			}
		})
	}
	var delivered atomic.Int64
	h := func(context.Context, Message[int]) { delivered.Add(1) }
	for i := range 2 {
		wg.Go(func() {
			pats := []string{"a.>", "*.x", "a.x", ">"}
			for j := range 200 {
				var opts []Option
				if j%2 == 0 {
					opts = append(opts, Async(4, Overflow(i+j)%3))
				}
				s, err := Subscribe(b, pats[j%len(pats)], h, opts...)
				if err != nil {
					t.Error(err)
					return
				}
				if j%3 == 0 {
					MustTopic[int](b, fmt.Sprintf("a.n%d.%d", i, j))
				}
				s.Unsubscribe()
			}
		})
	}
	time.Sleep(20 * time.Millisecond)
	close(stop)
	wg.Wait()
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}
