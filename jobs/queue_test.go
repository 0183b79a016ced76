package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// recorder collects events and lets a test wait for them.
type recorder struct {
	mu     sync.Mutex
	events []Event
	ch     chan Event
}

func newRecorder() *recorder { return &recorder{ch: make(chan Event, 100000)} }

func (r *recorder) on(e Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	r.ch <- e
}

// wait returns the next event of type typ, failing the test after 5s.
func (r *recorder) wait(t *testing.T, typ EventType) Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-r.ch:
			if e.Type == typ {
				return e
			}
		case <-timeout:
			t.Fatalf("no %v event within 5s", typ)
		}
	}
}

func (r *recorder) count(typ EventType) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.events {
		if e.Type == typ {
			n++
		}
	}
	return n
}

type args struct {
	N    int    `json:"n"`
	Name string `json:"name"`
}

func shutdown(t *testing.T, q *Queue) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := q.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestEnqueueAndRun(t *testing.T) {
	rec := newRecorder()
	q := New(Config{OnEvent: rec.on})
	got := make(chan args, 1)
	k, err := Register(q, "greet", func(_ context.Context, j *Job, a args) error {
		if j.Attempt != 1 || j.Kind != "greet" {
			t.Errorf("job %+v", j)
		}
		got <- a
		return nil
	}, HandlerOptions[args]{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Register(q, "greet", func(context.Context, *Job, args) error { return nil }, HandlerOptions[args]{}); err == nil {
		t.Error("second Register of a kind accepted")
	}
	q.Start()
	id, err := k.Enqueue(context.Background(), args{N: 7, Name: "x"})
	if err != nil || id == 0 {
		t.Fatal(id, err)
	}
	if a := <-got; a != (args{7, "x"}) {
		t.Errorf("handler got %+v", a)
	}
	e := rec.wait(t, EventSucceeded)
	if e.ID != id {
		t.Errorf("succeeded event %+v", e)
	}
	shutdown(t, q)
	if _, err := q.Get(context.Background(), id); !errors.Is(err, ErrNotFound) {
		t.Errorf("succeeded job still stored: %v", err)
	}
	if _, err := q.EnqueueRaw(context.Background(), "nope", nil, EnqueueOptions{}); !errors.Is(err, ErrNoHandler) {
		t.Errorf("EnqueueRaw unknown kind: %v", err)
	}
}

// runOrder enqueues on a stopped queue, starts one worker leasing one job
// at a time, and returns the order in which the handler saw the jobs.
func runOrder(t *testing.T, enqueue func(k *Kind[int]), n int) []int {
	q := New(Config{LeaseBatch: 1})
	var mu sync.Mutex
	var order []int
	done := make(chan struct{})
	k, _ := Register(q, "k", func(_ context.Context, _ *Job, v int) error {
		mu.Lock()
		order = append(order, v)
		if len(order) == n {
			close(done)
		}
		mu.Unlock()
		return nil
	}, HandlerOptions[int]{Concurrency: 1})
	enqueue(k)
	q.Start()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("jobs did not run")
	}
	shutdown(t, q)
	return order
}

func TestPriorities(t *testing.T) {
	ctx := context.Background()
	order := runOrder(t, func(k *Kind[int]) {
		for i, p := range []int{0, 5, -1, 5, 10, 0} {
			k.EnqueueOpts(ctx, i, EnqueueOptions{Priority: p})
		}
	}, 6)
	if fmt.Sprint(order) != "[4 1 3 0 5 2]" {
		t.Errorf("order %v, want highest priority first, FIFO within a priority", order)
	}
}

func TestDelayedOnFakeClock(t *testing.T) {
	clk := NewFakeClock(t0)
	rec := newRecorder()
	q := New(Config{Clock: clk, OnEvent: rec.on})
	ran := make(chan int, 10)
	k, _ := Register(q, "d", func(_ context.Context, _ *Job, v int) error { ran <- v; return nil }, HandlerOptions[int]{Concurrency: 1})
	q.Start()
	ctx := context.Background()
	k.EnqueueIn(ctx, 3*time.Hour, 3)
	k.EnqueueIn(ctx, time.Hour, 1)
	k.EnqueueAt(ctx, t0.Add(2*time.Hour), 2)
	j, _ := q.Get(ctx, 1)
	if j.State != Scheduled || !j.RunAt.Equal(t0.Add(3*time.Hour)) {
		t.Errorf("delayed job %v at %v", j.State, j.RunAt)
	}
	clk.Advance(59 * time.Minute)
	select {
	case v := <-ran:
		t.Fatalf("job %d ran before its time", v)
	case <-time.After(20 * time.Millisecond):
	}
	clk.Advance(time.Minute)
	if v := <-ran; v != 1 {
		t.Errorf("first due job: %d", v)
	}
	clk.Advance(5 * time.Hour)
	a, b := <-ran, <-ran
	if a != 2 || b != 3 {
		t.Errorf("then %d %d, want 2 3 (earliest first)", a, b)
	}
	shutdown(t, q)
}

func TestUnique(t *testing.T) {
	q := New(Config{})
	release := make(chan struct{})
	k, _ := Register(q, "u", func(context.Context, *Job, int) error { <-release; return nil }, HandlerOptions[int]{})
	rec := newRecorder()
	q.cfg.OnEvent = rec.on
	ctx := context.Background()
	id1, err := k.EnqueueOpts(ctx, 1, EnqueueOptions{UniqueKey: "report:42"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := k.EnqueueOpts(ctx, 2, EnqueueOptions{UniqueKey: "report:42"})
	if !errors.Is(err, ErrDuplicate) || id2 != id1 {
		t.Errorf("duplicate: id %d err %v, want id %d ErrDuplicate", id2, err, id1)
	}
	q.Start()
	rec.wait(t, EventStarted)
	if _, err := k.EnqueueOpts(ctx, 3, EnqueueOptions{UniqueKey: "report:42"}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate of a running job: %v", err)
	}
	close(release)
	rec.wait(t, EventSucceeded)
	if _, err := k.EnqueueOpts(ctx, 4, EnqueueOptions{UniqueKey: "report:42"}); err != nil {
		t.Errorf("key not freed after success: %v", err)
	}
	rec.wait(t, EventSucceeded)
	shutdown(t, q)
}

func TestConcurrencyLimit(t *testing.T) {
	q := New(Config{LeaseBatch: 1})
	var running, maxRunning atomic.Int32
	release := make(chan struct{})
	k, _ := Register(q, "c", func(context.Context, *Job, int) error {
		n := running.Add(1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		running.Add(-1)
		return nil
	}, HandlerOptions[int]{Concurrency: 3})
	rec := newRecorder()
	q.cfg.OnEvent = rec.on
	q.Start()
	for i := range 20 {
		k.Enqueue(context.Background(), i)
	}
	for range 3 {
		rec.wait(t, EventStarted)
	}
	close(release)
	for range 20 {
		rec.wait(t, EventSucceeded)
	}
	if m := maxRunning.Load(); m != 3 {
		t.Errorf("max concurrent %d, want 3", m)
	}
	shutdown(t, q)
}

func TestTimeout(t *testing.T) {
	rec := newRecorder()
	q := New(Config{OnEvent: rec.on})
	k, _ := Register(q, "t", func(ctx context.Context, _ *Job, _ int) error {
		<-ctx.Done()
		return ctx.Err()
	}, HandlerOptions[int]{Timeout: time.Hour, Retry: NoRetry()})
	q.Start()
	id, _ := k.EnqueueOpts(context.Background(), 1, EnqueueOptions{Timeout: 5 * time.Millisecond})
	e := rec.wait(t, EventDead)
	if e.ID != id || !errors.Is(e.Err, context.DeadlineExceeded) {
		t.Errorf("dead event %+v", e)
	}
	shutdown(t, q)
	j, _ := q.Get(context.Background(), id)
	if j.State != Dead || !strings.Contains(j.LastError, "deadline exceeded") || j.Attempt != 1 {
		t.Errorf("job %v attempt %d error %q", j.State, j.Attempt, j.LastError)
	}
}

func TestRetryFixedOnFakeClock(t *testing.T) {
	clk := NewFakeClock(t0)
	rec := newRecorder()
	q := New(Config{Clock: clk, OnEvent: rec.on})
	k, _ := Register(q, "r", func(_ context.Context, j *Job, _ int) error {
		return fmt.Errorf("boom %d", j.Attempt)
	}, HandlerOptions[int]{Retry: Fixed(10*time.Second, 3)})
	q.Start()
	ctx := context.Background()
	id, _ := k.Enqueue(ctx, 1)
	for attempt := 1; attempt <= 2; attempt++ {
		e := rec.wait(t, EventRetried)
		if e.Attempt != attempt || e.Delay != 10*time.Second {
			t.Fatalf("retry event %+v", e)
		}
		waitState(t, q, id, Scheduled)
		j, _ := q.Get(ctx, id)
		if j.Attempt != attempt || j.LastError != fmt.Sprintf("boom %d", attempt) || !j.RunAt.Equal(clk.Now().Add(10*time.Second)) {
			t.Fatalf("after attempt %d: %+v", attempt, j)
		}
		clk.Advance(9 * time.Second)
		if j, _ := q.Get(ctx, id); j.State != Scheduled {
			t.Fatalf("ran before the backoff: %v", j.State)
		}
		clk.Advance(time.Second)
	}
	e := rec.wait(t, EventDead)
	if e.Attempt != 3 {
		t.Errorf("dead after attempt %d", e.Attempt)
	}
	waitState(t, q, id, Dead)
	j, _ := q.Get(ctx, id)
	if len(j.Errors) != 3 || j.Errors[0].Error != "boom 1" || j.Errors[2].Error != "boom 3" || !j.Errors[1].At.Equal(t0.Add(10*time.Second)) {
		t.Errorf("error history %+v", j.Errors)
	}
	shutdown(t, q)
}

// waitState polls the store until the job reaches st (acks land after the
// event of the job's outcome).
func waitState(t *testing.T, q *Queue, id ID, st State) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if j, err := q.Get(context.Background(), id); err == nil && j.State == st {
			return
		}
		time.Sleep(time.Millisecond)
	}
	j, err := q.Get(context.Background(), id)
	t.Fatalf("job %d: state %v (%v), want %v", id, j.State, err, st)
}

// waitGone waits until the store no longer has job id (a succeeded job is
// deleted when its worker's batch is acked).
func waitGone(t *testing.T, q *Queue, id ID) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := q.Get(context.Background(), id); errors.Is(err, ErrNotFound) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	j, err := q.Get(context.Background(), id)
	t.Fatalf("job %d still stored: state %v (%v)", id, j.State, err)
}

func TestExponential(t *testing.T) {
	e := Exponential{Base: time.Second, Max: 10 * time.Second, MaxAttempts: 6}
	var got []time.Duration
	for a := 1; ; a++ {
		d, ok := e.Next(a, nil)
		if !ok {
			if a != 6 {
				t.Errorf("stopped after attempt %d, want 6", a)
			}
			break
		}
		got = append(got, d)
	}
	if fmt.Sprint(got) != "[1s 2s 4s 8s 10s]" {
		t.Errorf("delays %v", got)
	}
	// Huge attempt numbers must not overflow past the cap.
	if d, _ := (Exponential{Base: time.Second, Max: time.Hour, MaxAttempts: 1000}).Next(200, nil); d != time.Hour {
		t.Errorf("attempt 200: %v", d)
	}
	j := Exponential{Base: 8 * time.Second, Max: time.Hour, Jitter: 0.5, MaxAttempts: 10}
	seen := map[time.Duration]bool{}
	for range 200 {
		d, _ := j.Next(1, nil)
		if d < 4*time.Second || d > 8*time.Second {
			t.Fatalf("jittered delay %v outside [4s, 8s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 10 {
		t.Errorf("jitter produced only %d distinct delays", len(seen))
	}
	if _, ok := NoRetry().Next(1, nil); ok {
		t.Error("NoRetry retries")
	}
	if d, ok := Fixed(time.Minute, 2).Next(1, nil); !ok || d != time.Minute {
		t.Error("Fixed attempt 1")
	}
	if _, ok := Fixed(time.Minute, 2).Next(2, nil); ok {
		t.Error("Fixed retries past maxAttempts")
	}
}

func TestCustomRetryPermanentPanicDecode(t *testing.T) {
	clk := NewFakeClock(t0)
	rec := newRecorder()
	q := New(Config{Clock: clk, OnEvent: rec.on})
	errTransient := errors.New("transient")
	custom := RetryFunc(func(attempt int, err error) (time.Duration, bool) {
		return time.Duration(attempt) * time.Minute, errors.Is(err, errTransient) && attempt < 5
	})
	var calls atomic.Int32
	k, _ := Register(q, "x", func(_ context.Context, j *Job, mode string) error {
		calls.Add(1)
		switch mode {
		case "permanent":
			return Permanent(errors.New("bad input"))
		case "panic":
			if j.Attempt == 1 {
				panic("oops")
			}
			return nil
		case "other":
			return errors.New("not transient")
		}
		return errTransient
	}, HandlerOptions[string]{Retry: custom, Concurrency: 1})
	q.Start()
	ctx := context.Background()

	idp, _ := k.Enqueue(ctx, "permanent")
	if e := rec.wait(t, EventDead); e.ID != idp || e.Attempt != 1 {
		t.Errorf("permanent: %+v", e)
	}
	ido, _ := k.Enqueue(ctx, "other")
	if e := rec.wait(t, EventDead); e.ID != ido || e.Attempt != 1 {
		t.Errorf("custom policy refusing: %+v", e)
	}
	idt, _ := k.Enqueue(ctx, "transient")
	if e := rec.wait(t, EventRetried); e.ID != idt || e.Delay != time.Minute {
		t.Errorf("custom policy delay: %+v", e)
	}
	idx, _ := k.Enqueue(ctx, "panic")
	e := rec.wait(t, EventFailed)
	for e.ID != idx {
		e = rec.wait(t, EventFailed)
	}
	if !strings.Contains(e.Err.Error(), "panicked: oops") {
		t.Errorf("panic error: %v", e.Err)
	}
	// Undecodable payload: dead at once, without calling the handler.
	before := calls.Load()
	idd, _ := q.EnqueueRaw(ctx, "x", []byte("{not json"), EnqueueOptions{})
	e = rec.wait(t, EventDead)
	for e.ID != idd {
		e = rec.wait(t, EventDead)
	}
	if !strings.Contains(e.Err.Error(), "decode") {
		t.Errorf("decode error: %v", e.Err)
	}
	if calls.Load() != before {
		// the panic job's retry may run in between only after a clock advance, which did not happen
		t.Errorf("handler called for an undecodable payload")
	}
	shutdown(t, q)
}

func TestDeadLetterQueue(t *testing.T) {
	rec := newRecorder()
	q := New(Config{OnEvent: rec.on})
	var fail atomic.Bool
	fail.Store(true)
	k, _ := Register(q, "dlq", func(_ context.Context, _ *Job, n int) error {
		if fail.Load() {
			return fmt.Errorf("failed %d", n)
		}
		return nil
	}, HandlerOptions[int]{Retry: NoRetry(), Concurrency: 1})
	other, _ := Register(q, "other", func(context.Context, *Job, int) error { return errors.New("no") }, HandlerOptions[int]{Retry: NoRetry()})
	q.Start()
	ctx := context.Background()
	var ids []ID
	for i := range 4 {
		id, _ := k.Enqueue(ctx, i)
		ids = append(ids, id)
	}
	oid, _ := other.Enqueue(ctx, 9)
	for range 5 {
		rec.wait(t, EventDead)
	}
	waitState(t, q, oid, Dead)
	for _, id := range ids {
		waitState(t, q, id, Dead)
	}
	all, _ := q.Dead(ctx, "", 0, 0)
	if len(all) != 5 {
		t.Fatalf("DLQ has %d jobs, want 5", len(all))
	}
	list, _ := q.Dead(ctx, "dlq", 0, 0)
	if len(list) != 4 || list[0].ID != ids[0] || list[3].ID != ids[3] {
		t.Fatalf("DLQ of kind: %+v", list)
	}
	page, _ := q.Dead(ctx, "dlq", ids[1], 2)
	if len(page) != 2 || page[0].ID != ids[2] {
		t.Errorf("page after %d: %+v", ids[1], page)
	}
	j, _ := q.Get(ctx, ids[2])
	if j.LastError != "failed 2" || len(j.Errors) != 1 || j.Attempt != 1 {
		t.Errorf("inspect: %+v", j)
	}
	fail.Store(false)
	if err := q.Requeue(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if e := rec.wait(t, EventSucceeded); e.ID != ids[0] || e.Attempt != 1 {
		t.Errorf("requeued run: %+v", e)
	}
	if err := q.Requeue(ctx, ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("requeue of a finished job: %v", err)
	}
	if n, _ := q.Purge(ctx, ids[1], oid); n != 2 {
		t.Errorf("purged %d, want 2", n)
	}
	if n, _ := q.Purge(ctx); n != 2 {
		t.Errorf("purge all: %d, want 2", n)
	}
	if st, _ := q.Stats(ctx); st != (Stats{}) {
		t.Errorf("stats after purge: %+v", st)
	}
	shutdown(t, q)
}

func TestEnqueueBatch(t *testing.T) {
	q := New(Config{})
	var sum atomic.Int64
	rec := newRecorder()
	q.cfg.OnEvent = rec.on
	k, _ := Register(q, "b", func(_ context.Context, _ *Job, a args) error { sum.Add(int64(a.N)); return nil }, HandlerOptions[args]{})
	q.Start()
	in := make([]args, 100)
	for i := range in {
		in[i] = args{N: i, Name: strings.Repeat("x", i)}
	}
	ids, err := k.EnqueueBatch(context.Background(), nil, in, EnqueueOptions{})
	if err != nil || len(ids) != 100 {
		t.Fatal(len(ids), err)
	}
	for range 100 {
		rec.wait(t, EventSucceeded)
	}
	if sum.Load() != 4950 {
		t.Errorf("sum %d", sum.Load())
	}
	shutdown(t, q)
}

func TestEnqueueAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	q := New(Config{})
	k, _ := Register(q, "a", func(context.Context, *Job, []byte) error { return nil }, HandlerOptions[[]byte]{Codec: Bytes{}})
	ctx := context.Background()
	payload := []byte(`{"user":42}`)
	// Warm up: grow the store's maps, then recycle the records.
	st := q.store.(*MemoryStore)
	for range 2 {
		for range 2000 {
			k.Enqueue(ctx, payload)
		}
		jobs, _ := st.Lease(ctx, LeaseRequest{Kind: "a", Max: 3000, Now: time.Now(), Visibility: time.Minute}, nil)
		acks := make([]Ack, len(jobs))
		for i, j := range jobs {
			acks[i] = Ack{ID: j.ID, Token: j.LeaseToken, Outcome: Succeeded}
		}
		st.Ack(ctx, acks)
	}
	if n := testing.AllocsPerRun(1000, func() { k.Enqueue(ctx, payload) }); n != 0 {
		t.Errorf("Enqueue with the Bytes codec allocates %v per job", n)
	}
}

// A job running longer than Visibility keeps its lease: the heartbeat
// extends it, so no second worker starts it.
func TestHeartbeatKeepsLongJobLeased(t *testing.T) {
	clk := NewFakeClock(t0)
	rec := newRecorder()
	q := New(Config{Clock: clk, OnEvent: rec.on, Visibility: time.Minute})
	release := make(chan struct{})
	k, _ := Register(q, "long", func(context.Context, *Job, int) error { <-release; return nil }, HandlerOptions[int]{Concurrency: 2})
	id, _ := k.Enqueue(context.Background(), 1)
	q.Start()
	rec.wait(t, EventStarted)
	for range 9 { // 3 minutes, three times the visibility
		deadline := time.Now().Add(5 * time.Second)
		for clk.Timers() < 2 { // the heartbeat and the idle worker
			if time.Now().After(deadline) {
				t.Fatal("heartbeat timer not armed")
			}
			time.Sleep(time.Millisecond)
		}
		clk.Advance(20 * time.Second)
		want := clk.Now().Add(time.Minute)
		for {
			j, _ := q.Get(context.Background(), id)
			if j.LeaseUntil.Equal(want) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("lease not extended: until %v, want %v", j.LeaseUntil, want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	rec.wait(t, EventSucceeded)
	shutdown(t, q)
	if n := rec.count(EventStarted); n != 1 {
		t.Errorf("long job started %d times", n)
	}
}

// TestOutcomeEventsFollowStoreWrite checks that an outcome event reaches
// OnEvent only once the store has recorded that outcome, on both stores and
// with batches of several jobs: inside OnEvent, a succeeded job is gone, a
// dead one is in the dead-letter queue and a retried one is pending again.
func TestOutcomeEventsFollowStoreWrite(t *testing.T) {
	bolt, err := OpenBolt(t.TempDir()+"/jobs.db", BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bolt.Close() })
	for _, st := range []struct {
		name  string
		store Store
	}{{"memory", NewMemoryStore()}, {"bolt", bolt}} {
		t.Run(st.name, func(t *testing.T) {
			var q *Queue
			var mu sync.Mutex
			var problems []string
			var seen atomic.Int32
			on := func(e Event) {
				if e.Type == EventStarted || e.Type == EventEnqueued {
					return
				}
				j, err := st.store.Get(context.Background(), e.ID)
				var bad string
				switch e.Type {
				case EventSucceeded:
					if !errors.Is(err, ErrNotFound) {
						bad = fmt.Sprintf("job %d succeeded but is still stored (%v, %v)", e.ID, j.State, err)
					}
				case EventDead:
					if err != nil || j.State != Dead {
						bad = fmt.Sprintf("job %d dead but stored as %v (%v)", e.ID, j.State, err)
					}
				case EventRetried:
					// Pending, or already taken further: leased for the next
					// attempt (by the store call that recorded the retry, or by
					// the other worker), or even finished by now.
					gone := errors.Is(err, ErrNotFound)
					if !gone && (err != nil || !(j.State == Pending || j.Attempt > e.Attempt)) {
						bad = fmt.Sprintf("job %d retried but stored as %v attempt %d (%v)", e.ID, j.State, j.Attempt, err)
					}
				}
				if bad != "" {
					mu.Lock()
					problems = append(problems, bad)
					mu.Unlock()
				}
				if e.Type == EventSucceeded || e.Type == EventDead {
					seen.Add(1)
				}
			}
			q = New(Config{Store: st.store, OnEvent: on, LeaseBatch: 8})
			k, _ := Register(q, "k", func(_ context.Context, j *Job, n int) error {
				switch {
				case n%3 == 0:
					return nil
				case n%3 == 1:
					return Permanent(errors.New("no"))
				case j.Attempt == 1:
					return errors.New("again") // retried at once, succeeds next time
				}
				return nil
			}, HandlerOptions[int]{Retry: Fixed(0, 3), Concurrency: 2})
			const n = 60
			for i := range n {
				if _, err := k.Enqueue(context.Background(), i); err != nil {
					t.Fatal(err)
				}
			}
			q.Start()
			deadline := time.Now().Add(10 * time.Second)
			for seen.Load() < n && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			shutdown(t, q)
			if got := seen.Load(); got != n {
				t.Errorf("%d jobs finished, want %d", got, n)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}
