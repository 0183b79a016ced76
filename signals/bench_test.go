package signals

import (
	"context"
	"testing"
)

// BenchmarkPublishSync is the cost of one Publish to n synchronous subscribers.
func BenchmarkPublishSync(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(map[int]string{1: "subs=1", 4: "subs=4"}[n], func(b *testing.B) {
			bus := New()
			tp := MustTopic[int](bus, "bench.t")
			var sum int
			for range n {
				tp.Subscribe(func(_ context.Context, m Message[int]) { sum += m.Value })
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				tp.Publish(ctx, 1)
			}
		})
	}
}

// BenchmarkDirectCall is the floor for BenchmarkPublishSync/subs=1: calling
// the handler through a func value.
func BenchmarkDirectCall(b *testing.B) {
	var sum int
	h := Handler[int](func(_ context.Context, m Message[int]) { sum += m.Value })
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		h(ctx, Message[int]{Topic: "bench.t", Value: 1})
	}
}

// BenchmarkChannelBaseline sends on a buffered channel drained by another
// goroutine: the plain-Go way to hand a value to a consumer.
func BenchmarkChannelBaseline(b *testing.B) {
	ch := make(chan int, 1024)
	done := make(chan struct{})
	go func() {
		var sum int
		for v := range ch {
			sum += v
		}
		_ = sum
		close(done)
	}()
	b.ReportAllocs()
	for b.Loop() {
		ch <- 1
	}
	close(ch)
	<-done
}

// BenchmarkPublishAsync is Publish to one asynchronous Block subscriber with
// the same buffer as BenchmarkChannelBaseline.
func BenchmarkPublishAsync(b *testing.B) {
	bus := New()
	tp := MustTopic[int](bus, "bench.t")
	var sum int
	s, _ := tp.Subscribe(func(_ context.Context, m Message[int]) { sum += m.Value }, Async(1024, Block))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		tp.Publish(ctx, 1)
	}
	s.Unsubscribe()
	<-s.Done()
}
