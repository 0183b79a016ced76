package jobs

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Queue. The zero value works: an in-memory store, the
// system clock and the defaults below.
type Config struct {
	// Store keeps the jobs; default NewMemoryStore().
	Store Store
	// Clock tells the time; default SystemClock. Per-job timeouts are
	// context deadlines and always follow the wall clock.
	Clock Clock
	// Visibility is the lease length: a job whose worker has not acked it
	// within Visibility is runnable again. Default 5 minutes. The queue
	// extends the leases of running jobs every Visibility/3, so a long job
	// keeps its lease while its process is alive.
	Visibility time.Duration
	// LeaseBatch is how many jobs a worker leases at once (default 64).
	// Larger batches amortise the store's lock or fsync; a job waiting in a
	// leased batch cannot be taken by another worker, so lower it for long
	// jobs. Acks are written once per batch.
	LeaseBatch int
	// PollInterval bounds how long an idle worker sleeps before asking the
	// store again, for jobs enqueued by other processes (default 1s). Jobs
	// enqueued through this Queue and delays known to the store wake
	// workers at once.
	PollInterval time.Duration
	// CancelGrace is how long Shutdown waits, after cancelling in-flight
	// jobs at its deadline, for their handlers to return before releasing
	// those jobs in the store regardless (default 1s).
	CancelGrace time.Duration
	// OnEvent, when set, is called synchronously for every job event (see
	// EventType). Keep it fast; publish to an asynchronous signals
	// subscription for slow consumers. The events that follow an attempt
	// (succeeded, failed, retried, dead, released) are delivered after the
	// store write that records its outcome, so a subscriber that looks the
	// job up sees the outcome. If that write fails the events are delivered
	// all the same, and the job runs again when its lease expires (delivery
	// is at least once).
	OnEvent func(Event)
}

// Handler runs one job: args is the decoded payload and job the stored
// record (ID, Attempt, errors so far). Return nil for success, an error to
// fail the attempt (the retry policy decides what follows), or
// Permanent(err) to send the job to the dead-letter queue at once. ctx is
// cancelled at the job's timeout and at the shutdown deadline.
type Handler[T any] func(ctx context.Context, job *Job, args T) error

// HandlerOptions configures a handler. The zero value works.
type HandlerOptions[T any] struct {
	// Concurrency is the most jobs of this kind that run at once in this
	// queue (default GOMAXPROCS).
	Concurrency int
	// Timeout bounds one attempt (0: none). A job's own Timeout wins.
	Timeout time.Duration
	// Retry decides what follows a failed attempt (default DefaultRetry).
	Retry RetryPolicy
	// Codec encodes the arguments (default JSON).
	Codec Codec[T]
}

// EnqueueOptions tune one Enqueue. The zero value runs the job now with
// priority 0.
type EnqueueOptions struct {
	Delay     time.Duration // run no earlier than now+Delay
	At        time.Time     // run no earlier than At (wins over Delay when later)
	Priority  int           // higher first among runnable jobs of the kind
	UniqueKey string        // refuse a second live job with this key
	Timeout   time.Duration // per attempt, overrides the handler's
}

// Queue runs jobs from a Store through registered handlers.
type Queue struct {
	cfg   Config
	store Store
	clock Clock

	mu      sync.Mutex
	kinds   map[string]*kindRunner
	workers []*worker
	started bool

	closed    atomic.Bool // intake stopped
	stopping  atomic.Bool // workers take no new job
	stopCh    chan struct{}
	runCtx    context.Context
	cancelRun context.CancelFunc
	wg        sync.WaitGroup
}

type kindRunner struct {
	name        string
	concurrency int
	timeout     time.Duration
	retry       RetryPolicy
	newCall     func() func(ctx context.Context, j *Job) error
	wake        chan struct{}
}

type worker struct {
	curID    atomic.Uint64
	curToken atomic.Uint64
}

// New returns a Queue; register handlers, then Start it.
func New(cfg Config) *Queue {
	if cfg.Store == nil {
		cfg.Store = NewMemoryStore()
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Visibility <= 0 {
		cfg.Visibility = 5 * time.Minute
	}
	if cfg.LeaseBatch <= 0 {
		cfg.LeaseBatch = 64
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.CancelGrace <= 0 {
		cfg.CancelGrace = time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Queue{
		cfg: cfg, store: cfg.Store, clock: cfg.Clock,
		kinds:  make(map[string]*kindRunner),
		stopCh: make(chan struct{}),
		runCtx: ctx, cancelRun: cancel,
	}
}

// Store returns the queue's store.
func (q *Queue) Store() Store { return q.store }

// Kind is a registered handler: enqueue its jobs through it.
type Kind[T any] struct {
	q     *Queue
	kr    *kindRunner
	codec Codec[T]
	pool  sync.Pool // *enqueueBuf
}

type enqueueBuf struct {
	jobs []Job
	buf  []byte
}

// Register adds the handler for kind. Registering a kind twice fails.
// Registering on a started queue starts the kind's workers at once.
func Register[T any](q *Queue, kind string, h Handler[T], opts HandlerOptions[T]) (*Kind[T], error) {
	if kind == "" || h == nil {
		return nil, fmt.Errorf("jobs: Register needs a kind name and a handler (kind %q)", kind)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	if opts.Retry == nil {
		opts.Retry = DefaultRetry
	}
	if opts.Codec == nil {
		opts.Codec = JSON[T]{}
	}
	codec := opts.Codec
	kr := &kindRunner{
		name: kind, concurrency: opts.Concurrency, timeout: opts.Timeout, retry: opts.Retry,
		wake: make(chan struct{}, 1),
	}
	// Each worker decodes into its own scratch value, so decoding does not
	// allocate a fresh T per job.
	kr.newCall = func() func(context.Context, *Job) error {
		scratch := new(T)
		return func(ctx context.Context, j *Job) error {
			var zero T
			*scratch = zero
			if err := codec.Decode(j.Payload, scratch); err != nil {
				return Permanent(fmt.Errorf("jobs: kind %q job %d: %w", kind, j.ID, err))
			}
			return h(ctx, j, *scratch)
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Load() {
		return nil, ErrClosed
	}
	if _, ok := q.kinds[kind]; ok {
		return nil, fmt.Errorf("jobs: kind %q registered twice", kind)
	}
	q.kinds[kind] = kr
	if q.started {
		q.startKind(kr)
	}
	return &Kind[T]{q: q, kr: kr, codec: codec}, nil
}

// Start starts the workers. A queue that is never started can still
// enqueue (a producer-only process sharing a durable store).
func (q *Queue) Start() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed.Load() {
		return ErrClosed
	}
	if q.started {
		return nil
	}
	q.started = true
	for _, kr := range q.kinds {
		q.startKind(kr)
	}
	q.wg.Add(1)
	go q.heartbeat()
	return nil
}

// heartbeat extends the leases of running jobs every Visibility/3, so a job
// that runs longer than Visibility keeps its lease while its worker is
// alive. Only a dead or stalled process lets a lease expire.
func (q *Queue) heartbeat() {
	defer q.wg.Done()
	every := q.cfg.Visibility / 3
	var refs []LeaseRef
	for {
		c, stop := q.clock.Timer(q.clock.Now().Add(every))
		select {
		case <-c:
		case <-q.stopCh:
			stop()
			return
		}
		refs = refs[:0]
		q.mu.Lock()
		for _, w := range q.workers {
			if tok := w.curToken.Load(); tok != 0 {
				refs = append(refs, LeaseRef{ID: ID(w.curID.Load()), Token: tok})
			}
		}
		q.mu.Unlock()
		if len(refs) > 0 {
			_ = q.store.Extend(context.Background(), refs, q.clock.Now().Add(q.cfg.Visibility))
		}
	}
}

func (q *Queue) startKind(kr *kindRunner) {
	for range kr.concurrency {
		w := &worker{}
		q.workers = append(q.workers, w)
		q.wg.Add(1)
		go q.work(kr, w)
	}
}

// Name returns the kind name.
func (k *Kind[T]) Name() string { return k.kr.name }

// Enqueue stores a job to run now. When it returns nil the job is in the
// store.
func (k *Kind[T]) Enqueue(ctx context.Context, args T) (ID, error) {
	return k.EnqueueOpts(ctx, args, EnqueueOptions{})
}

// EnqueueIn stores a job to run after d.
func (k *Kind[T]) EnqueueIn(ctx context.Context, d time.Duration, args T) (ID, error) {
	return k.EnqueueOpts(ctx, args, EnqueueOptions{Delay: d})
}

// EnqueueAt stores a job to run at t.
func (k *Kind[T]) EnqueueAt(ctx context.Context, t time.Time, args T) (ID, error) {
	return k.EnqueueOpts(ctx, args, EnqueueOptions{At: t})
}

// EnqueueOpts stores a job with options. With a UniqueKey held by a live
// job it returns that job's ID and an error matching ErrDuplicate.
func (k *Kind[T]) EnqueueOpts(ctx context.Context, args T, o EnqueueOptions) (ID, error) {
	eb, _ := k.pool.Get().(*enqueueBuf)
	if eb == nil {
		eb = &enqueueBuf{jobs: make([]Job, 1)}
	}
	defer k.pool.Put(eb)
	var err error
	eb.buf, err = k.codec.Append(eb.buf[:0], args)
	if err != nil {
		return 0, err
	}
	eb.jobs = eb.jobs[:1]
	j := &eb.jobs[0]
	*j = Job{Kind: k.kr.name, Payload: eb.buf}
	if err := k.q.enqueue(ctx, k.kr, eb.jobs, o); err != nil {
		return 0, err
	}
	if j.Duplicate {
		return j.ID, fmt.Errorf("%w: kind %q key %q is held by job %d", ErrDuplicate, k.kr.name, o.UniqueKey, j.ID)
	}
	return j.ID, nil
}

// EnqueueBatch stores one job per element of args in a single store call
// (one lock, or one transaction and fsync for a durable store) and appends
// their IDs to dst. o.UniqueKey must be empty.
func (k *Kind[T]) EnqueueBatch(ctx context.Context, dst []ID, args []T, o EnqueueOptions) ([]ID, error) {
	if o.UniqueKey != "" {
		return dst, fmt.Errorf("jobs: EnqueueBatch of kind %q: a unique key cannot apply to a batch", k.kr.name)
	}
	eb, _ := k.pool.Get().(*enqueueBuf)
	if eb == nil {
		eb = &enqueueBuf{}
	}
	defer k.pool.Put(eb)
	eb.buf = eb.buf[:0]
	eb.jobs = eb.jobs[:0]
	// Encode everything into one buffer, then slice it: one growing buffer
	// instead of one per job. Offsets first, since appends may move it.
	var ends [64]int
	offs := ends[:0]
	for _, a := range args {
		var err error
		if eb.buf, err = k.codec.Append(eb.buf, a); err != nil {
			return dst, err
		}
		offs = append(offs, len(eb.buf))
	}
	start := 0
	for _, end := range offs {
		eb.jobs = append(eb.jobs, Job{Kind: k.kr.name, Payload: eb.buf[start:end:end]})
		start = end
	}
	if err := k.q.enqueue(ctx, k.kr, eb.jobs, o); err != nil {
		return dst, err
	}
	for i := range eb.jobs {
		dst = append(dst, eb.jobs[i].ID)
	}
	return dst, nil
}

// EnqueueRaw stores a job of a registered kind with an already-encoded
// payload.
func (q *Queue) EnqueueRaw(ctx context.Context, kind string, payload []byte, o EnqueueOptions) (ID, error) {
	q.mu.Lock()
	kr := q.kinds[kind]
	q.mu.Unlock()
	if kr == nil {
		return 0, fmt.Errorf("%w %q", ErrNoHandler, kind)
	}
	jobs := []Job{{Kind: kind, Payload: payload}}
	if err := q.enqueue(ctx, kr, jobs, o); err != nil {
		return 0, err
	}
	if jobs[0].Duplicate {
		return jobs[0].ID, fmt.Errorf("%w: kind %q key %q is held by job %d", ErrDuplicate, kind, o.UniqueKey, jobs[0].ID)
	}
	return jobs[0].ID, nil
}

func (q *Queue) enqueue(ctx context.Context, kr *kindRunner, jobs []Job, o EnqueueOptions) error {
	if q.closed.Load() {
		return ErrClosed
	}
	now := q.clock.Now()
	runAt := now
	if o.Delay > 0 {
		runAt = now.Add(o.Delay)
	}
	if o.At.After(runAt) {
		runAt = o.At
	}
	for i := range jobs {
		j := &jobs[i]
		j.Priority, j.UniqueKey, j.Timeout = o.Priority, o.UniqueKey, o.Timeout
		j.CreatedAt, j.RunAt = now, runAt
	}
	if err := q.store.Enqueue(ctx, jobs, now); err != nil {
		return fmt.Errorf("jobs: enqueue %q: %w", kr.name, err)
	}
	poke(kr.wake)
	if f := q.cfg.OnEvent; f != nil {
		for i := range jobs {
			if !jobs[i].Duplicate {
				f(Event{Type: EventEnqueued, ID: jobs[i].ID, Kind: jobs[i].Kind, At: now})
			}
		}
	}
	return nil
}

func poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// work is one worker goroutine of a kind: lease a batch, run it, ack it.
func (q *Queue) work(kr *kindRunner, w *worker) {
	defer q.wg.Done()
	call := kr.newCall()
	max := q.cfg.LeaseBatch
	buf := make([]Job, 0, max)
	acks := make([]Ack, 0, max)
	var evs []Event // outcome events of the acks, delivered once those are written
	if q.cfg.OnEvent != nil {
		evs = make([]Event, 0, 2*max)
	}
	deliver := func() {
		for _, e := range evs {
			q.emit(e)
		}
		clear(evs)
		evs = evs[:0]
	}
	bg := context.Background() // store calls must not be cut short by shutdown
	al, _ := q.store.(AckLeaser)
	// flush writes acks not yet written. An ack error leaves the jobs
	// leased; they run again when the lease expires (at least once).
	flush := func() {
		if len(acks) > 0 {
			_ = q.store.Ack(bg, acks)
			acks = acks[:0]
		}
		deliver()
	}
	defer flush()
	for !q.stopping.Load() {
		now := q.clock.Now()
		req := LeaseRequest{Kind: kr.name, Max: max, Now: now, Visibility: q.cfg.Visibility}
		var jobs []Job
		var err error
		if al != nil && len(acks) > 0 {
			// The previous batch's acks and this lease in one store call.
			jobs, err = al.AckLease(bg, acks, req, buf[:0])
			if err == nil {
				acks = acks[:0]
				deliver()
			} else {
				flush()
			}
		} else {
			flush()
			jobs, err = q.store.Lease(bg, req, buf[:0])
		}
		if err != nil || len(jobs) == 0 {
			q.idle(kr, now, err != nil)
			continue
		}
		if len(jobs) == max {
			poke(kr.wake) // there may be more: wake a sibling
		}
		for i := range jobs {
			j := &jobs[i]
			if q.stopping.Load() {
				// Leased but not started: back to pending untouched.
				acks = append(acks, Ack{ID: j.ID, Token: j.LeaseToken, Outcome: Release})
				if evs != nil {
					evs = append(evs, Event{Type: EventReleased, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt - 1})
				}
				continue
			}
			if i > 0 && !j.LeaseUntil.After(q.clock.Now()) {
				continue // lease ran out while it waited in the batch; the store will hand it out again
			}
			var ack Ack
			ack, evs = q.run(kr, w, call, j, evs)
			acks = append(acks, ack)
		}
		if al == nil {
			flush()
		}
	}
}

// idle waits for a wake-up: an enqueue, the next scheduled job or lease
// expiry known to the store, the poll interval, or shutdown.
func (q *Queue) idle(kr *kindRunner, now time.Time, failed bool) {
	at := now.Add(q.cfg.PollInterval)
	if !failed {
		if t, ok, err := q.store.NextWake(context.Background(), kr.name); err == nil && ok && t.Before(at) {
			at = t
		}
	}
	c, stop := q.clock.Timer(at)
	select {
	case <-kr.wake:
	case <-c:
	case <-q.stopCh:
	}
	stop()
}

func (q *Queue) emit(e Event) {
	if f := q.cfg.OnEvent; f != nil {
		f(e)
	}
}

// run runs one leased job and returns its ack; the events that follow the attempt are
// appended to evs (nil when there is no OnEvent), for delivery once the ack is written.
func (q *Queue) run(kr *kindRunner, w *worker, call func(context.Context, *Job) error, j *Job, evs []Event) (Ack, []Event) {
	w.curID.Store(uint64(j.ID))
	w.curToken.Store(j.LeaseToken)
	defer w.curToken.Store(0)
	ctx := q.runCtx
	timeout := j.Timeout
	if timeout <= 0 {
		timeout = kr.timeout
	}
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	var start time.Time
	onEvent := evs != nil
	if onEvent {
		start = q.clock.Now()
		q.emit(Event{Type: EventStarted, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt, At: start})
	}
	err := safeCall(call, ctx, j)
	if cancel != nil {
		cancel()
	}
	ack := Ack{ID: j.ID, Token: j.LeaseToken}
	if err == nil {
		ack.Outcome = Succeeded
		if onEvent {
			now := q.clock.Now()
			evs = append(evs, Event{Type: EventSucceeded, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt, At: now, Duration: now.Sub(start)})
		}
		return ack, evs
	}
	if q.runCtx.Err() != nil {
		// Cancelled by the shutdown deadline: not a failure of the job.
		ack.Outcome = Release
		if onEvent {
			evs = append(evs, Event{Type: EventReleased, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt - 1, Err: err})
		}
		return ack, evs
	}
	now := q.clock.Now()
	ack.At, ack.Err = now, err.Error()
	if onEvent {
		evs = append(evs, Event{Type: EventFailed, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt, At: now, Duration: now.Sub(start), Err: err})
	}
	if !IsPermanent(err) {
		if delay, ok := kr.retry.Next(j.Attempt, err); ok {
			ack.Outcome, ack.RunAt = Retry, now.Add(delay)
			if onEvent {
				evs = append(evs, Event{Type: EventRetried, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt, At: now, Delay: delay, Err: err})
			}
			return ack, evs
		}
	}
	ack.Outcome = Bury
	if onEvent {
		evs = append(evs, Event{Type: EventDead, ID: j.ID, Kind: j.Kind, Attempt: j.Attempt, At: now, Err: err})
	}
	return ack, evs
}

// safeCall turns a handler panic into an error (retried like one).
func safeCall(call func(context.Context, *Job) error, ctx context.Context, j *Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("jobs: kind %q job %d panicked: %v", j.Kind, j.ID, v)
		}
	}()
	return call(ctx, j)
}

// Shutdown stops the queue gracefully:
//
//   - intake stops at once: Enqueue returns ErrClosed;
//   - workers take no new job; jobs leased but not started go back to
//     pending untouched;
//   - in-flight jobs may finish until ctx ends; then their context is
//     cancelled and, unless the handler still returns nil, they go back to
//     pending with the attempt not counted;
//   - a handler that ignores cancellation for CancelGrace is abandoned: its
//     job is released in the store regardless, and its late ack is ignored
//     (stale lease token);
//   - pending and scheduled jobs are not touched.
//
// Nothing is dropped and nothing is moved to the dead-letter queue by
// shutdown. It returns nil when every in-flight job finished in time, else
// an error wrapping ctx.Err(). The store is not closed.
func (q *Queue) Shutdown(ctx context.Context) error {
	q.mu.Lock()
	q.closed.Store(true)
	if !q.stopping.Swap(true) {
		close(q.stopCh)
	}
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	q.cancelRun()
	t := time.NewTimer(q.cfg.CancelGrace)
	defer t.Stop()
	select {
	case <-done:
		return fmt.Errorf("jobs: shutdown deadline: in-flight jobs were cancelled and returned to pending: %w", ctx.Err())
	case <-t.C:
	}
	q.mu.Lock()
	var acks []Ack
	for _, w := range q.workers {
		tok := w.curToken.Load()
		id := w.curID.Load()
		if tok != 0 {
			acks = append(acks, Ack{ID: ID(id), Token: tok, Outcome: Release})
		}
	}
	q.mu.Unlock()
	if err := q.store.Ack(context.Background(), acks); err != nil {
		return fmt.Errorf("jobs: shutdown: releasing %d stuck jobs: %w", len(acks), err)
	}
	return fmt.Errorf("jobs: shutdown deadline: %d handlers ignored cancellation; their jobs were returned to pending: %w", len(acks), ctx.Err())
}

// Get returns a copy of a job. Succeeded jobs are removed from the store and
// are not found.
func (q *Queue) Get(ctx context.Context, id ID) (Job, error) { return q.store.Get(ctx, id) }

// Dead lists the dead-letter queue (see Store.Dead).
func (q *Queue) Dead(ctx context.Context, kind string, after ID, limit int) ([]Job, error) {
	return q.store.Dead(ctx, kind, after, limit)
}

// Requeue moves a dead job back to pending and wakes its workers.
func (q *Queue) Requeue(ctx context.Context, id ID) error {
	j, err := q.store.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("jobs: requeue %d: %w", id, err)
	}
	if err := q.store.Requeue(ctx, id, q.clock.Now()); err != nil {
		return fmt.Errorf("jobs: requeue %d: %w", id, err)
	}
	q.mu.Lock()
	kr := q.kinds[j.Kind]
	q.mu.Unlock()
	if kr != nil {
		poke(kr.wake)
	}
	return nil
}

// Purge deletes dead jobs (all of them when ids is empty).
func (q *Queue) Purge(ctx context.Context, ids ...ID) (int, error) { return q.store.Purge(ctx, ids...) }

// Stats counts the store's jobs by state.
func (q *Queue) Stats(ctx context.Context) (Stats, error) { return q.store.Stats(ctx) }
