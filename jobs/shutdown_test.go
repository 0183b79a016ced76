package jobs

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Rule: intake stops. Enqueue after Shutdown fails with ErrClosed and
// stores nothing.
func TestShutdownStopsIntake(t *testing.T) {
	q := New(Config{})
	k, _ := Register(q, "k", func(context.Context, *Job, int) error { return nil }, HandlerOptions[int]{})
	q.Start()
	shutdown(t, q)
	if _, err := k.Enqueue(context.Background(), 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Enqueue after Shutdown: %v", err)
	}
	if _, err := k.EnqueueBatch(context.Background(), nil, []int{1, 2}, EnqueueOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("EnqueueBatch after Shutdown: %v", err)
	}
	if st, _ := q.Stats(context.Background()); st != (Stats{}) {
		t.Errorf("stored after shutdown: %+v", st)
	}
	if err := q.Start(); !errors.Is(err, ErrClosed) {
		t.Errorf("Start after Shutdown: %v", err)
	}
}

// Rule: in-flight jobs that finish within the deadline complete normally,
// and Shutdown waits for them.
func TestShutdownWaitsForInFlight(t *testing.T) {
	rec := newRecorder()
	q := New(Config{OnEvent: rec.on})
	release := make(chan struct{})
	k, _ := Register(q, "k", func(context.Context, *Job, int) error { <-release; return nil }, HandlerOptions[int]{})
	q.Start()
	id, _ := k.Enqueue(context.Background(), 1)
	rec.wait(t, EventStarted)
	res := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res <- q.Shutdown(ctx)
	}()
	select {
	case err := <-res:
		t.Fatalf("Shutdown returned %v while a job was in flight", err)
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if err := <-res; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if e := rec.wait(t, EventSucceeded); e.ID != id {
		t.Errorf("succeeded %+v", e)
	}
	if _, err := q.Get(context.Background(), id); !errors.Is(err, ErrNotFound) {
		t.Errorf("finished job still stored: %v", err)
	}
}

// Rule: in-flight jobs still running at the deadline are cancelled through
// their context and returned to pending, attempt not counted, not dead,
// no error recorded. Pending and scheduled jobs stay as they were; the jobs
// leased in the same batch but not started go back to pending.
func TestShutdownDeadlineReturnsToPending(t *testing.T) {
	t.Run("memory", func(t *testing.T) { shutdownDeadlineReturnsToPending(t, NewMemoryStore()) })
	t.Run("bolt", func(t *testing.T) {
		s, err := OpenBolt(t.TempDir()+"/jobs.db", BoltOptions{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		shutdownDeadlineReturnsToPending(t, s)
	})
}

func shutdownDeadlineReturnsToPending(t *testing.T, store Store) {
	clk := NewFakeClock(t0)
	rec := newRecorder()
	q := New(Config{Store: store, Clock: clk, OnEvent: rec.on, LeaseBatch: 4})
	var sawCancel atomic.Bool
	k, _ := Register(q, "k", func(ctx context.Context, _ *Job, n int) error {
		<-ctx.Done()
		sawCancel.Store(true)
		return ctx.Err()
	}, HandlerOptions[int]{Concurrency: 1})
	ctx := context.Background()
	var ids []ID
	for i := range 10 {
		id, _ := k.Enqueue(ctx, i)
		ids = append(ids, id)
	}
	sched, _ := k.EnqueueIn(ctx, time.Hour, 99)
	q.Start()
	rec.wait(t, EventStarted) // job 1 runs; jobs 2-4 wait in its batch; 5-10 pending
	sctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	err := q.Shutdown(sctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown past its deadline: %v", err)
	}
	if !sawCancel.Load() {
		t.Error("the in-flight job's context was not cancelled")
	}
	st, _ := q.Stats(ctx)
	if st != (Stats{Pending: 10, Scheduled: 1}) {
		t.Errorf("after shutdown: %+v, want 10 pending, 1 scheduled, nothing dead or running", st)
	}
	for _, id := range ids {
		j, _ := q.Get(ctx, id)
		if j.State != Pending || j.Attempt != 0 || j.LastError != "" {
			t.Errorf("job %d: %v attempt %d error %q", id, j.State, j.Attempt, j.LastError)
		}
	}
	if j, _ := q.Get(ctx, sched); j.State != Scheduled || !j.RunAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("scheduled job: %v %v", j.State, j.RunAt)
	}
	if rec.count(EventDead) != 0 || rec.count(EventFailed) != 0 {
		t.Error("shutdown produced failed or dead events")
	}
	if n := rec.count(EventReleased); n != 4 {
		t.Errorf("%d released events, want 4 (1 in flight + 3 leased in its batch)", n)
	}
	// Released jobs kept their place: leasing now returns them in enqueue order.
	order, _ := store.Lease(ctx, LeaseRequest{Kind: "k", Max: 4, Now: clk.Now(), Visibility: time.Minute}, nil)
	for i, j := range order {
		if j.ID != ids[i] {
			t.Errorf("after release, position %d holds job %d, want %d", i, j.ID, ids[i])
		}
	}
	var rel []Ack
	for _, j := range order {
		rel = append(rel, Ack{ID: j.ID, Token: j.LeaseToken, Outcome: Release})
	}
	store.Ack(ctx, rel)
	// A new queue on the same store runs every job: nothing was lost.
	q2 := New(Config{Store: q.Store(), Clock: clk})
	var mu sync.Mutex
	seen := map[int]int{}
	done := make(chan struct{})
	Register(q2, "k", func(_ context.Context, _ *Job, n int) error {
		mu.Lock()
		seen[n]++
		if len(seen) == 11 {
			close(done)
		}
		mu.Unlock()
		return nil
	}, HandlerOptions[int]{})
	q2.Start()
	clk.Advance(time.Hour)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("after restart ran %v", seen)
	}
	shutdown(t, q2)
	for n, c := range seen {
		if c != 1 {
			t.Errorf("job %d ran %d times", n, c)
		}
	}
}

// Rule: a handler that ignores cancellation does not hold Shutdown or its
// job hostage: after CancelGrace the job is released in the store, and the
// handler's late success is ignored (stale lease), so the job runs again.
func TestShutdownAbandonsStuckHandler(t *testing.T) {
	rec := newRecorder()
	q := New(Config{OnEvent: rec.on, CancelGrace: 10 * time.Millisecond})
	unblock := make(chan struct{})
	returned := make(chan struct{})
	k, _ := Register(q, "k", func(context.Context, *Job, int) error {
		<-unblock // ignores ctx
		defer close(returned)
		return nil
	}, HandlerOptions[int]{})
	q.Start()
	id, _ := k.Enqueue(context.Background(), 1)
	rec.wait(t, EventStarted)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := q.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v", err)
	}
	j, _ := q.Get(context.Background(), id)
	if j.State != Pending || j.Attempt != 0 {
		t.Errorf("stuck job after shutdown: %v attempt %d", j.State, j.Attempt)
	}
	close(unblock)
	<-returned
	time.Sleep(10 * time.Millisecond) // let the late ack reach the store
	if j, err := q.Get(context.Background(), id); err != nil || j.State != Pending {
		t.Errorf("late ack of an abandoned run changed the job: %v %v", j.State, err)
	}
}

// Race detector: enqueuers racing Shutdown. Every Enqueue that returned nil
// is either done or still in the store; none is lost, none dead.
func TestConcurrentEnqueueShutdown(t *testing.T) {
	for round := range 5 {
		var done atomic.Int64
		q := New(Config{LeaseBatch: 8})
		k, _ := Register(q, "k", func(context.Context, *Job, int) error { done.Add(1); return nil }, HandlerOptions[int]{Concurrency: 2})
		q.Start()
		var ok atomic.Int64
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Go(func() {
				for i := 0; ; i++ {
					var err error
					if g == 0 {
						_, err = k.EnqueueBatch(context.Background(), nil, []int{i, i}, EnqueueOptions{})
						if err == nil {
							ok.Add(2)
						}
					} else if _, err = k.Enqueue(context.Background(), i); err == nil {
						ok.Add(1)
					}
					if err != nil {
						if !errors.Is(err, ErrClosed) {
							t.Error(err)
						}
						return
					}
				}
			})
		}
		time.Sleep(time.Duration(round+1) * time.Millisecond)
		shutdown(t, q)
		wg.Wait()
		st, _ := q.Stats(context.Background())
		if st.Dead != 0 || st.Running != 0 || st.Scheduled != 0 || int64(st.Pending)+done.Load() != ok.Load() {
			t.Fatalf("round %d: enqueued %d, done %d, store %+v", round, ok.Load(), done.Load(), st)
		}
	}
}
