package jobs

import (
	"errors"
	"fmt"
	"time"
)

// ID identifies a job within its store. IDs grow with enqueue order.
type ID uint64

// State is where a job is in its life. A job that succeeded is removed from
// the store (its Succeeded event is the record of it).
type State uint8

const (
	// Pending jobs are runnable now.
	Pending State = iota + 1
	// Scheduled jobs become runnable at RunAt: delayed jobs and jobs waiting
	// for a retry.
	Scheduled
	// Running jobs are leased by a worker until LeaseUntil.
	Running
	// Dead jobs exhausted their retries or failed permanently. They stay in
	// the dead-letter queue until requeued or purged.
	Dead
)

// String returns the state name.
func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Scheduled:
		return "scheduled"
	case Running:
		return "running"
	case Dead:
		return "dead"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// AttemptError is the error of one failed attempt.
type AttemptError struct {
	Attempt int
	At      time.Time
	Error   string
}

// MaxErrors bounds the error history kept per job: the oldest entries are
// dropped first.
const MaxErrors = 10

// Job is a stored job: what a store keeps and a handler can read.
type Job struct {
	ID       ID
	Kind     string
	Payload  []byte // encoded arguments; in a leased job valid until its Ack
	Priority int    // higher runs first among runnable jobs of a kind
	// UniqueKey, when not empty, makes Enqueue refuse a second live job
	// (pending, scheduled or running) with the same key.
	UniqueKey string
	Timeout   time.Duration // per attempt; 0 uses the handler's default
	State     State
	CreatedAt time.Time
	RunAt     time.Time // earliest run time; zero or past means now
	Attempt   int       // attempts started so far, counting the current one
	// LeaseToken identifies the current lease; an Ack with another token is stale.
	LeaseToken uint64
	LeaseUntil time.Time
	LastError  string
	Errors     []AttemptError // last MaxErrors attempt errors, oldest first
	// Duplicate is set by Store.Enqueue when UniqueKey matched a live job;
	// ID is then that job's ID and nothing was stored.
	Duplicate bool
}

// addError appends e to the history and sets LastError.
func (j *Job) addError(attempt int, at time.Time, msg string) {
	j.LastError = msg
	if len(j.Errors) >= MaxErrors {
		copy(j.Errors, j.Errors[1:])
		j.Errors = j.Errors[:MaxErrors-1]
	}
	j.Errors = append(j.Errors, AttemptError{Attempt: attempt, At: at, Error: msg})
}

// Errors returned by the package. Compare with errors.Is.
var (
	// ErrClosed: the queue was shut down (or the store closed).
	ErrClosed = errors.New("jobs: queue closed")
	// ErrNotFound: no such job; succeeded jobs are removed and not found.
	ErrNotFound = errors.New("jobs: job not found")
	// ErrDuplicate: a live job already holds the UniqueKey.
	ErrDuplicate = errors.New("jobs: duplicate unique key")
	// ErrNotDead: Requeue of a job that is not in the dead-letter queue.
	ErrNotDead = errors.New("jobs: job is not dead")
	// ErrNoHandler: EnqueueRaw of a kind with no registered handler.
	ErrNoHandler = errors.New("jobs: no handler for kind")
)

// permanent marks an error that must not be retried.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job goes to the dead-letter queue at once,
// whatever the retry policy.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}
