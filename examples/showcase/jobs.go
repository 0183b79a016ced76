package main

// Background jobs: an in-memory queue (package jobs) that starts when the App starts
// serving and shuts down with it, through the App's lifecycle signals.
//
//	curl -s -H 'Content-Type: application/json' localhost:8080/api/jobs -d '{"kind":"email","to":"ada@example.com"}'
//	curl -s -H 'Content-Type: application/json' localhost:8080/api/jobs -d '{"kind":"email","to":"bob@example.com","fail":true}'
//	curl -s localhost:8080/api/jobs/1      # pending, running, retrying, succeeded or dead
//	curl -s localhost:8080/api/jobs/dead   # the dead-letter queue
//
// A job asked to fail is retried once after 100ms, then lands in the dead-letter queue. On
// Ctrl-C the App's Shutdown publishes tako.TopicStopped once in-flight requests are done,
// and the queue shuts down within the same deadline (in-flight jobs finish or go back to
// pending).

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/jobs"
	"github.com/tako-go/tako/signals"
)

// emailArgs is the payload of an "email" job.
type emailArgs struct {
	To   string `json:"to"`
	Fail bool   `json:"fail,omitempty"`
}

// jobRequest is the body of POST /api/jobs.
type jobRequest struct {
	Kind string `json:"kind" validate:"required"`
	To   string `json:"to" validate:"required,max=254"`
	Fail bool   `json:"fail"`
}

// jobStatus is what GET /api/jobs/:id reports, kept up to date from the queue's events:
// the store deletes a job once it succeeded, so its outcome lives here.
type jobStatus struct {
	ID        jobs.ID   `json:"id"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"` // pending, running, retrying, succeeded, dead
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	Updated   time.Time `json:"updated"`
}

// deadJob is one entry of GET /api/jobs/dead.
type deadJob struct {
	ID       jobs.ID  `json:"id"`
	Kind     string   `json:"kind"`
	Attempts int      `json:"attempts"`
	Errors   []string `json:"errors"`
	Payload  string   `json:"payload"`
}

// maxTracked bounds the status map: the oldest entries (lowest IDs) go first.
const maxTracked = 1024

// jobBoard is the queue and the outcome of each job, shared through typed App state.
type jobBoard struct {
	q     *jobs.Queue
	email *jobs.Kind[emailArgs]

	mu     sync.Mutex
	status map[jobs.ID]*jobStatus
	oldest jobs.ID
}

// registerJobs adds the job endpoints under api and ties the queue's life to the App's:
// it starts on tako.TopicStarted and shuts down on tako.TopicStopped, within the App's
// shutdown deadline, after in-flight requests (which may enqueue) have finished.
func registerJobs(app *tako.App, api *tako.Group) *jobBoard {
	b := &jobBoard{status: map[jobs.ID]*jobStatus{}}
	b.q = jobs.New(jobs.Config{OnEvent: b.onEvent})
	email, err := jobs.Register(b.q, "email", sendEmail, jobs.HandlerOptions[emailArgs]{
		Concurrency: 4,
		Timeout:     5 * time.Second,
		Retry:       jobs.Fixed(100*time.Millisecond, 2), // two attempts in all
	})
	if err != nil {
		panic(err) // a kind registered twice: a programming error
	}
	b.email = email
	tako.SetState(app, b)

	bus := app.Signals()
	mustSubscribe(bus, tako.TopicStarted, func(context.Context, signals.Message[tako.AppEvent]) {
		if err := b.q.Start(); err != nil {
			slog.Error("jobs: start", "err", err)
		}
	})
	mustSubscribe(bus, tako.TopicStopped, func(ctx context.Context, _ signals.Message[tako.AppEvent]) {
		if err := b.q.Shutdown(ctx); err != nil {
			slog.Warn("jobs: shutdown", "err", err)
			return
		}
		slog.Info("jobs: queue stopped")
	})

	api.Post("/jobs", tako.Handle(b.enqueue))
	api.Get("/jobs/dead", b.dead)
	api.Get("/jobs/:id", b.get)
	return b
}

func mustSubscribe(bus *signals.Bus, topic string, h signals.Handler[tako.AppEvent]) {
	if _, err := signals.Subscribe(bus, topic, h); err != nil {
		panic(err)
	}
}

// sendEmail is the "email" handler: it pretends to send, or fails when asked to.
func sendEmail(_ context.Context, job *jobs.Job, m emailArgs) error {
	if m.Fail {
		return fmt.Errorf("smtp: mailbox %s unavailable (attempt %d)", m.To, job.Attempt)
	}
	slog.Info("jobs: email sent", "id", job.ID, "to", m.To)
	return nil
}

// POST /api/jobs {"kind":"email","to":"...","fail":false}: 202 with the job's status URL.
func (b *jobBoard) enqueue(c *tako.Ctx, in jobRequest) (jobStatus, error) {
	if in.Kind != b.email.Name() {
		return jobStatus{}, tako.NewError(422, fmt.Sprintf("unknown job kind %q (want %q)", in.Kind, b.email.Name()))
	}
	id, err := b.email.Enqueue(c.Context(), emailArgs{To: in.To, Fail: in.Fail})
	if err != nil {
		return jobStatus{}, &tako.Error{Status: 503, Detail: "the job queue is not accepting jobs", Err: err}
	}
	c.SetHeader("Location", "/api/jobs/"+strconv.FormatUint(uint64(id), 10))
	c.Status(202)
	st, _ := b.lookup(id)
	return st, nil
}

// GET /api/jobs/:id
func (b *jobBoard) get(c *tako.Ctx) error {
	n, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || n == 0 {
		return tako.NewError(400, fmt.Sprintf("job id %q is not a positive integer", c.Param("id")))
	}
	st, ok := b.lookup(jobs.ID(n))
	if !ok {
		return tako.NewError(404, fmt.Sprintf("job %d is unknown", n))
	}
	return c.JSON(&st)
}

// GET /api/jobs/dead: the dead-letter queue, oldest first.
func (b *jobBoard) dead(c *tako.Ctx) error {
	list, err := b.q.Dead(c.Context(), "", 0, 100)
	if err != nil {
		return err
	}
	out := make([]deadJob, 0, len(list))
	for _, j := range list {
		d := deadJob{ID: j.ID, Kind: j.Kind, Attempts: j.Attempt, Payload: string(j.Payload), Errors: []string{}}
		for _, e := range j.Errors {
			d.Errors = append(d.Errors, e.Error)
		}
		out = append(out, d)
	}
	return c.JSON(out)
}

// lookup returns the tracked status of a job, or, for a job the map no longer holds, what
// the store knows (succeeded jobs are gone from the store).
func (b *jobBoard) lookup(id jobs.ID) (jobStatus, bool) {
	b.mu.Lock()
	st, ok := b.status[id]
	var out jobStatus
	if ok {
		out = *st
	}
	b.mu.Unlock()
	if ok {
		return out, true
	}
	j, err := b.q.Get(context.Background(), id)
	if err != nil {
		return jobStatus{}, false
	}
	return jobStatus{ID: j.ID, Kind: j.Kind, State: j.State.String(), Attempts: j.Attempt, LastError: j.LastError}, true
}

// onEvent is the queue's OnEvent hook: it runs synchronously in the queue, so it only
// updates the map.
func (b *jobBoard) onEvent(e jobs.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.status[e.ID]
	if st == nil {
		st = &jobStatus{ID: e.ID, Kind: e.Kind, State: "pending"}
		b.status[e.ID] = st
		if b.oldest == 0 || e.ID < b.oldest {
			b.oldest = e.ID
		}
		for len(b.status) > maxTracked {
			delete(b.status, b.oldest)
			b.oldest++
		}
	}
	st.Updated = e.At
	switch e.Type {
	case jobs.EventEnqueued:
		// A worker may have reported the job started before Enqueue reported it stored:
		// the entry made above is all this event adds.
	case jobs.EventStarted:
		st.State, st.Attempts = "running", e.Attempt
	case jobs.EventSucceeded:
		st.State, st.Attempts = "succeeded", e.Attempt
	case jobs.EventFailed:
		st.Attempts = e.Attempt
		if e.Err != nil {
			st.LastError = e.Err.Error()
		}
	case jobs.EventRetried:
		st.State = "retrying"
	case jobs.EventDead:
		st.State = "dead"
		if e.Err != nil {
			st.LastError = e.Err.Error()
		}
	case jobs.EventReleased:
		st.State = "pending"
	}
}
