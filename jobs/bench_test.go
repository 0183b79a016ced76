package jobs

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// benchThroughput enqueues b.N no-op jobs from one goroutine while the
// queue's workers run them, and reports jobs/s end to end (enqueue to ack).
func benchThroughput(b *testing.B, store Store, batch int, useJSON bool, cfg Config) {
	cfg.Store = store
	q := New(cfg)
	var done atomic.Int64
	finished := make(chan struct{})
	target := int64(b.N)
	count := func() {
		if done.Add(1) == target {
			close(finished)
		}
	}
	ctx := context.Background()
	var enqueue func(n int) error
	if useJSON {
		type noop struct{}
		k, _ := Register(q, "noop", func(context.Context, *Job, noop) error { count(); return nil }, HandlerOptions[noop]{})
		args := make([]noop, batch)
		enqueue = func(n int) error {
			if batch == 1 {
				_, err := k.Enqueue(ctx, noop{})
				return err
			}
			_, err := k.EnqueueBatch(ctx, nil, args[:n], EnqueueOptions{})
			return err
		}
	} else {
		k, _ := Register(q, "noop", func(context.Context, *Job, []byte) error { count(); return nil }, HandlerOptions[[]byte]{Codec: Bytes{}})
		args := make([][]byte, batch)
		var ids []ID
		enqueue = func(n int) error {
			if batch == 1 {
				_, err := k.Enqueue(ctx, nil)
				return err
			}
			var err error
			ids, err = k.EnqueueBatch(ctx, ids[:0], args[:n], EnqueueOptions{})
			return err
		}
	}
	q.Start()
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for left := b.N; left > 0; {
		n := min(left, batch)
		if err := enqueue(n); err != nil {
			b.Fatal(err)
		}
		left -= n
	}
	<-finished
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "jobs/s")
	shutdownTB(b, q)
}

func shutdownTB(tb testing.TB, q *Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := q.Shutdown(ctx); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkMemory is enqueue + process of no-op jobs on the in-memory
// store: per-job enqueue vs batches of 64, raw bytes vs JSON arguments.
func BenchmarkMemory(b *testing.B) {
	for _, c := range []struct {
		name  string
		batch int
		json  bool
	}{
		{"enqueue=1/codec=bytes", 1, false},
		{"enqueue=64/codec=bytes", 64, false},
		{"enqueue=1/codec=json", 1, true},
		{"enqueue=64/codec=json", 64, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchThroughput(b, NewMemoryStore(), c.batch, c.json, Config{LeaseBatch: 256})
		})
	}
}

// BenchmarkDelayAccuracy enqueues jobs due 5ms later on the system clock
// and reports how late they start (mean and p99).
func BenchmarkDelayAccuracy(b *testing.B) {
	q := New(Config{})
	late := make(chan time.Duration, 1024)
	k, _ := Register(q, "d", func(_ context.Context, j *Job, _ []byte) error {
		late <- time.Since(j.RunAt)
		return nil
	}, HandlerOptions[[]byte]{Codec: Bytes{}, Concurrency: 1})
	q.Start()
	var all []time.Duration
	for b.Loop() {
		k.EnqueueIn(context.Background(), 5*time.Millisecond, nil)
		all = append(all, <-late)
	}
	shutdownTB(b, q)
	slices.Sort(all)
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	b.ReportMetric(float64(sum.Microseconds())/float64(len(all)), "µs-late-mean")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "µs-late-p99")
}

// BenchmarkDelayBaselineTimer is the floor for BenchmarkDelayAccuracy on
// this machine: how late a plain 5ms time.Timer fires.
func BenchmarkDelayBaselineTimer(b *testing.B) {
	var all []time.Duration
	for b.Loop() {
		due := time.Now().Add(5 * time.Millisecond)
		<-time.NewTimer(5 * time.Millisecond).C
		all = append(all, time.Since(due))
	}
	slices.Sort(all)
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	b.ReportMetric(float64(sum.Microseconds())/float64(len(all)), "µs-late-mean")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "µs-late-p99")
}

// BenchmarkBolt is enqueue + process of no-op jobs on the durable store
// with fsync on (crash-safe), enqueued in batches of 256 (one transaction
// and fsync each); workers lease and ack LeaseBatch jobs per transaction.
func BenchmarkBolt(b *testing.B) {
	for _, lb := range []int{64, 256, 1024} {
		b.Run(fmt.Sprintf("leasebatch=%d", lb), func(b *testing.B) {
			s, err := OpenBolt(b.TempDir()+"/jobs.db", BoltOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			benchThroughput(b, s, 256, false, Config{LeaseBatch: lb})
		})
	}
}
