package jobs

import (
	"context"
	"time"
)

// Store keeps jobs. It is built around leases so that any backend, in
// memory, embedded on disk or shared over the network, can sit behind it
// without changing handlers:
//
//   - Lease hands a worker up to Max runnable jobs of one kind, marks them
//     Running until Now+Visibility, counts the attempt and gives each a
//     fresh lease token.
//   - Ack settles leased jobs (success, retry, dead, release) by ID and
//     token; an Ack whose token is not the job's current one is stale and
//     ignored, so a worker that lost its lease cannot clobber a newer run.
//   - A lease that expires without an Ack makes the job runnable again (at
//     least once delivery: the handler may run twice).
//
// Batches are the unit of work everywhere (Enqueue, Lease, Ack take slices)
// so that a store can amortise its lock or its fsync over many jobs.
// Implementations must be safe for concurrent use.
type Store interface {
	// Enqueue stores jobs, setting each job's ID and State. A job whose
	// UniqueKey is held by a live job is not stored: its ID is set to the
	// live job's and Duplicate to true. Jobs with RunAt after now are
	// Scheduled, the others Pending.
	Enqueue(ctx context.Context, jobs []Job, now time.Time) error
	// Lease appends to dst up to req.Max runnable jobs of req.Kind, highest
	// Priority first, then oldest first, and returns it. Scheduled jobs due
	// at req.Now and jobs whose lease expired are runnable.
	Lease(ctx context.Context, req LeaseRequest, dst []Job) ([]Job, error)
	// Ack settles leased jobs. Stale acks are ignored.
	Ack(ctx context.Context, acks []Ack) error
	// Extend moves the lease of running jobs to until (a heartbeat for long
	// jobs). Leases whose token is stale are ignored.
	Extend(ctx context.Context, leases []LeaseRef, until time.Time) error
	// NextWake returns the earliest time after which Lease for kind may
	// return something that it would not return now (a scheduled job
	// becoming due or a lease expiring); ok is false when there is none.
	NextWake(ctx context.Context, kind string) (t time.Time, ok bool, err error)
	// Get returns a copy of the job.
	Get(ctx context.Context, id ID) (Job, error)
	// Dead lists dead jobs of kind ("" for all) with ID > after, in ID
	// order, at most limit (<= 0: no limit).
	Dead(ctx context.Context, kind string, after ID, limit int) ([]Job, error)
	// Requeue makes a dead job pending again with its attempt count reset;
	// its error history is kept.
	Requeue(ctx context.Context, id ID, now time.Time) error
	// Purge deletes the given dead jobs, or every dead job when ids is
	// empty, and returns how many it deleted.
	Purge(ctx context.Context, ids ...ID) (int, error)
	// Stats counts jobs by state.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the store's resources.
	Close() error
}

// AckLeaser is an optional Store method: settle a worker's finished batch
// and lease its next one in one step (one lock, or one transaction and one
// fsync instead of two). Queue workers use it when the store has it.
type AckLeaser interface {
	AckLease(ctx context.Context, acks []Ack, req LeaseRequest, dst []Job) ([]Job, error)
}

// LeaseRequest asks a Store for jobs.
type LeaseRequest struct {
	Kind       string
	Max        int
	Now        time.Time
	Visibility time.Duration // lease length
}

// LeaseRef names one lease: a job and its lease token.
type LeaseRef struct {
	ID    ID
	Token uint64
}

// Outcome is how an Ack settles a job.
type Outcome uint8

const (
	// Succeeded removes the job.
	Succeeded Outcome = iota + 1
	// Retry schedules the job again at RunAt, recording Err.
	Retry
	// Bury moves the job to the dead-letter queue, recording Err.
	Bury
	// Release returns the job to Pending without counting the attempt (used
	// by graceful shutdown for jobs that did not finish).
	Release
)

// Ack settles one leased job.
type Ack struct {
	ID      ID
	Token   uint64
	Outcome Outcome
	RunAt   time.Time // Retry: when to run again
	At      time.Time // when the attempt ended (for the error history)
	Err     string    // Retry and Bury: the attempt's error
}

// Stats counts jobs by state.
type Stats struct {
	Pending, Scheduled, Running, Dead int
}
