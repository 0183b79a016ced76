package jobs_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tako-go/tako/jobs"
	"github.com/tako-go/tako/signals"
)

type welcome struct {
	User string `json:"user"`
}

func Example() {
	q := jobs.New(jobs.Config{})
	done := make(chan struct{})
	mail, _ := jobs.Register(q, "mail.welcome", func(_ context.Context, job *jobs.Job, w welcome) error {
		fmt.Println("welcome", w.User, "attempt", job.Attempt)
		close(done)
		return nil
	}, jobs.HandlerOptions[welcome]{})
	q.Start()
	mail.Enqueue(context.Background(), welcome{User: "ada"})
	<-done
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	q.Shutdown(ctx)
	// Output: welcome ada attempt 1
}

// Job events published on a signals bus: "jobs.<kind>.<event>" topics, to
// which metrics or a dashboard subscribe by pattern.
func Example_signals() {
	bus := signals.New()
	topics := map[jobs.EventType]*signals.Topic[jobs.Event]{}
	for _, t := range []jobs.EventType{jobs.EventEnqueued, jobs.EventStarted, jobs.EventSucceeded, jobs.EventFailed, jobs.EventRetried, jobs.EventDead, jobs.EventReleased} {
		topics[t] = signals.MustTopic[jobs.Event](bus, "jobs.report."+t.String())
	}
	finished := make(chan struct{})
	signals.Subscribe(bus, "jobs.report.*", func(_ context.Context, m signals.Message[jobs.Event]) {
		fmt.Println(m.Topic)
		if m.Value.Type == jobs.EventSucceeded {
			close(finished)
		}
	})
	q := jobs.New(jobs.Config{OnEvent: func(e jobs.Event) {
		topics[e.Type].Publish(context.Background(), e)
	}})
	report, _ := jobs.Register(q, "report", func(context.Context, *jobs.Job, int) error { return nil }, jobs.HandlerOptions[int]{})
	report.Enqueue(context.Background(), 1)
	q.Start()
	<-finished
	q.Shutdown(context.Background())
	// Output:
	// jobs.report.enqueued
	// jobs.report.started
	// jobs.report.succeeded
}
