// Package jobs is a background job queue that loses nothing: typed
// handlers, delays, priorities, unique keys, per-kind concurrency, retries
// with backoff, a dead-letter queue, graceful shutdown, and storage behind
// a lease-based interface (in memory by default, durable on bbolt).
//
//	q := jobs.New(jobs.Config{})              // in-memory store, system clock
//	email, _ := jobs.Register(q, "email", func(ctx context.Context, job *jobs.Job, m Mail) error {
//		return send(ctx, m) // an error retries with backoff; jobs.Permanent(err) buries it
//	}, jobs.HandlerOptions[Mail]{Concurrency: 8, Timeout: 30 * time.Second})
//	q.Start()
//
//	id, err := email.Enqueue(ctx, Mail{To: "a@b.c"})
//	email.EnqueueIn(ctx, time.Hour, Mail{...})
//	email.EnqueueOpts(ctx, m, jobs.EnqueueOptions{Priority: 10, UniqueKey: "welcome:42"})
//
//	defer q.Shutdown(shutdownCtx)
//
// # Leases
//
// A Store hands jobs to workers under leases: Lease marks up to N runnable
// jobs Running for a visibility timeout, counts the attempt and gives each
// a token; Ack settles them (succeeded, retry at, bury, release) by ID and
// token. A lease that runs out makes the job runnable again, and the old
// worker's late ack is ignored because its token is stale. While a job
// runs, the queue extends its lease every Visibility/3 (Store.Extend), so
// only a dead or stalled process loses a lease. Delivery is therefore at
// least once: a job whose process died runs again, so handlers should be
// idempotent. Every
// Store call takes a batch, so a store amortises its lock or fsync.
//
// # Stores
//
// MemoryStore (the default) keeps runnable jobs in one FIFO per priority
// level, delayed and retrying jobs in a min-heap on run time, leases in a
// min-heap of lease batches, and recycles records: enqueue, lease and ack
// do not allocate in steady state. BoltStore (OpenBolt) is durable on
// go.etcd.io/bbolt (why bbolt rather than Pebble, Badger or SQLite: see
// BoltStore); its writes go through a group committer so concurrent
// callers share one transaction and one fsync. It survives SIGKILL with
// this guarantee (TestCrashBoltSIGKILL): no job is lost; a job whose
// success was committed never runs again (exactly once); a job leased at
// the crash runs again after restart (at least once), including one whose
// handler finished but whose ack was not yet committed. Opening the store
// returns all leased jobs to pending at once, since bbolt allows one process
// per file and the previous holder is gone.
//
// # Retries and the dead-letter queue
//
// A failed attempt consults the handler's RetryPolicy: NoRetry, Fixed,
// Exponential (base, cap, jitter, attempts) or any RetryFunc. The attempt
// count and the last MaxErrors errors are kept on the job. A job that runs
// out of retries, returns Permanent(err) or has an undecodable payload goes
// to the dead-letter queue: Dead lists it, Get inspects it, Requeue runs it
// again, Purge deletes. A panic in a handler is an ordinary failure.
//
// # Shutdown
//
// Shutdown(ctx): intake stops (Enqueue returns ErrClosed); workers take no
// new job and release the jobs leased but not started; in-flight jobs may
// finish until ctx ends, then their context is cancelled and, unless the
// handler still succeeds, they return to pending with the attempt not
// counted; a handler that ignores cancellation for Config.CancelGrace is
// abandoned and its job released in the store. Pending and scheduled jobs
// are untouched. Shutdown never drops a job and never moves one to the
// dead-letter queue. Each rule has its test in shutdown_test.go.
//
// # Time
//
// The queue reads all times through Config.Clock; FakeClock moves only when
// told, so delays and backoff are tested without sleeping. Per-attempt
// timeouts are context deadlines and follow the wall clock.
//
// # Events
//
// Config.OnEvent receives an Event for enqueued, started, succeeded,
// failed, retried, dead and released: plain values, ready to publish on a
// signals topic (see the example) or to count as metrics. The events that
// follow an attempt arrive once the store has recorded its outcome (with
// batching, once the worker's batch is acked), so a subscriber that looks the
// job up finds it gone, dead or pending again.
//
// # Throughput
//
// The goals were 1,000,000 no-op jobs/s in memory and 50,000 durable on a
// 2-core machine. What gets there: workers lease LeaseBatch jobs per store
// call and settle the batch together with the next lease (AckLeaser), so
// the store's lock (or transaction and fsync) is paid once per batch; no
// goroutine, timer or context per job unless the job has a timeout; each
// worker decodes into its own scratch value; the memory store recycles
// records and payload buffers. The in-memory figure depends on the codec:
// encoding/json costs more than the queue itself (BenchmarkMemory compares
// the Bytes codec with JSON). The durable figure is bound by fsync
// latency; group commit shares each fsync among the producer and all
// workers. See README.md for the measured numbers.
package jobs
