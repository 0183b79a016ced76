package jobs

import "time"

// EventType names a point in a job's life.
type EventType uint8

const (
	// EventEnqueued: the job was stored.
	EventEnqueued EventType = iota + 1
	// EventStarted: a worker is about to run the job.
	EventStarted
	// EventSucceeded: the handler returned nil.
	EventSucceeded
	// EventFailed: the attempt failed (Err); EventRetried or EventDead follows.
	EventFailed
	// EventRetried: the job was scheduled again (Delay).
	EventRetried
	// EventDead: the job went to the dead-letter queue.
	EventDead
	// EventReleased: graceful shutdown returned the job to pending.
	EventReleased
)

// String returns the event name, usable as a topic segment.
func (e EventType) String() string {
	switch e {
	case EventEnqueued:
		return "enqueued"
	case EventStarted:
		return "started"
	case EventSucceeded:
		return "succeeded"
	case EventFailed:
		return "failed"
	case EventRetried:
		return "retried"
	case EventDead:
		return "dead"
	case EventReleased:
		return "released"
	}
	return "event(?)"
}

// Event describes one step of one job. It is a plain value, safe to keep
// and to publish (for example on a signals topic, see the package example).
type Event struct {
	Type     EventType
	ID       ID
	Kind     string
	Attempt  int
	At       time.Time
	Duration time.Duration // Succeeded, Failed: how long the attempt ran
	Delay    time.Duration // Retried: until the next attempt
	Err      error         // Failed, Dead
}
