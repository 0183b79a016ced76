// Package signals is in-process publish/subscribe with typed topics.
//
//	bus := signals.New()
//	done := signals.MustTopic[JobDone](bus, "jobs.succeeded")
//
//	// Synchronous: runs on the publisher's goroutine, before Publish returns.
//	done.Subscribe(func(ctx context.Context, m signals.Message[JobDone]) { ... })
//
//	// Asynchronous: its own goroutine and a bounded buffer with an explicit
//	// overflow policy (DropNewest, DropOldest or Block).
//	signals.Subscribe(bus, "jobs.>", h, signals.Async(1024, signals.DropOldest))
//
//	done.Publish(ctx, JobDone{ID: 7})
//
// # Topics and patterns
//
// A topic has a dot-separated name and one payload type, fixed by the first
// NewTopic or exact Subscribe; reusing the name with another type fails with
// ErrTypeMismatch. Subscriptions name a pattern: an exact name, "*" for one
// segment, ">" as the last segment for one or more (so "jobs.>" is a prefix
// subscription and ">" is everything). A pattern subscription of type T is
// attached to every topic of type T whose name matches, including topics
// created later; topics of other types are skipped, so a handler never sees a
// value it cannot take.
//
// # Cost
//
// Publish reads the topic's subscriber list with one atomic load: the list
// is copy-on-write, rebuilt under the bus lock by Subscribe and Unsubscribe,
// so publishing never locks and never allocates with synchronous
// subscribers (TestPublishSyncAllocs). Asynchronous delivery is a buffered
// channel send, the same cost as a hand-written channel
// (BenchmarkPublishAsync vs BenchmarkChannelBaseline).
//
// # Delivery rules
//
//   - Synchronous handlers run in subscription order with the publisher's
//     context; a panic propagates to the publisher, as for any function call.
//   - Asynchronous handlers run one at a time per subscription, in publish
//     order, with the bus context (cancelled by Close); a panic is recovered
//     and the subscription keeps going.
//   - Unsubscribe stops delivery at once; an asynchronous subscription still
//     handles what its buffer held, and Done reports when it has finished.
//   - Once delivers exactly one message even under racing publishers.
//   - Service is request/reply: one responder, a per-request timeout that
//     also cancels the responder's context.
package signals
