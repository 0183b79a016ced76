package tako

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tako-go/tako/signals"
)

// Topics on which an App publishes, on its signals bus (Config.Signals, or the one
// App.Signals creates). Subscribe with package signals and the payload type:
//
//	signals.Subscribe(app.Signals(), tako.TopicRequest,
//		func(ctx context.Context, m signals.Message[tako.RequestEvent]) { ... })
//	signals.Subscribe(app.Signals(), "tako.app.>", // started, stopping and stopped
//		func(ctx context.Context, m signals.Message[tako.AppEvent]) { ... })
const (
	// TopicStarted (AppEvent) is published each time the App starts serving a listener or
	// socket (Serve, Listen, and the TLS, HTTP/3, TCP and UDP servers), with its address. Its context is the App's base context, which
	// ends when Shutdown begins.
	TopicStarted = "tako.app.started"
	// TopicStopping (AppEvent) is published once, when the first Shutdown begins, before
	// the listeners close. Its context is Shutdown's.
	TopicStopping = "tako.app.stopping"
	// TopicStopped (AppEvent, with Err) is published once, when the first Shutdown has
	// drained the servers, before it returns. Its context is Shutdown's, so a synchronous
	// subscriber can stop what depends on the App (a job queue, a database pool) within
	// the same deadline, and a program's main function sees it done once Shutdown returns.
	TopicStopped = "tako.app.stopped"
	// TopicRequest (RequestEvent) is published after every request that the App
	// dispatched, on the request's goroutine, once the handler, the error handler and any
	// panic recovery are done. Its context is the App's base context.
	TopicRequest = "tako.request"
)

// AppEvent is the payload of the lifecycle topics (TopicStarted, TopicStopping,
// TopicStopped).
type AppEvent struct {
	Addr   string    // TopicStarted: the listener's address; "" for the other topics
	Engine Engine    // Config.Engine
	At     time.Time // when the event happened
	Err    error     // TopicStopped: what Shutdown returns (nil: every request finished)
}

// RequestEvent is the payload of TopicRequest. Its strings do not alias request buffers:
// it is safe to keep and to hand to an asynchronous subscriber.
type RequestEvent struct {
	Method string // the request method
	// Route is the matched route pattern (for example "/users/:id"), never the raw path,
	// so that it is a bounded label for metrics; "" when no route matched (404, 405,
	// automatic OPTIONS and redirects to the corrected path).
	Route string
	// Status is StatusOf(err) when the handler returned an error, else the response
	// status: on FastHTTP the status of the response as sent; on NetHTTP the status set
	// through Ctx (200 if none; a handler run through WrapHTTP writes its own status,
	// which the Ctx does not see).
	Status int
	// Duration is the time spent in dispatch: routing, middleware, handler and error
	// rendering. A streaming response (Ctx.Stream) may still be writing when it ends.
	Duration time.Duration
}

// appSignals is an App's bus and its topics, fixed once set.
type appSignals struct {
	bus                        *signals.Bus
	owned                      bool // created by App.Signals: closed at the end of Shutdown
	started, stopping, stopped *signals.Topic[AppEvent]
	request                    *signals.Topic[RequestEvent]
}

// lifecycle is the App's signal state.
type lifecycle struct {
	mu                sync.Mutex
	sig               atomic.Pointer[appSignals]
	stopping, stopped atomic.Bool
}

func newAppSignals(bus *signals.Bus, owned bool) (*appSignals, error) {
	s := &appSignals{bus: bus, owned: owned}
	var err error
	for _, t := range []struct {
		p    **signals.Topic[AppEvent]
		name string
	}{{&s.started, TopicStarted}, {&s.stopping, TopicStopping}, {&s.stopped, TopicStopped}} {
		if *t.p, err = signals.NewTopic[AppEvent](bus, t.name); err != nil {
			return nil, err
		}
	}
	if s.request, err = signals.NewTopic[RequestEvent](bus, TopicRequest); err != nil {
		return nil, err
	}
	return s, nil
}

// initSignals attaches Config.Signals, if any; New calls it. A bus on which a tako topic
// name is already used with another payload type (or a closed bus) is a programming
// error, reported at once like a route conflict.
func (a *App) initSignals() {
	if a.cfg.Signals == nil {
		return
	}
	s, err := newAppSignals(a.cfg.Signals, false)
	if err != nil {
		panic(fmt.Sprintf("tako: Config.Signals: %v", err))
	}
	a.life.sig.Store(s)
}

// Signals returns the App's signals bus: Config.Signals when set, otherwise a bus the App
// creates on the first call. The App publishes its lifecycle and request signals on it
// (TopicStarted, TopicStopping, TopicStopped, TopicRequest) and the application may use
// it for its own topics. A bus the App created is closed at the end of the first
// Shutdown, after TopicStopped, so that asynchronous subscribers drain (within Shutdown's
// deadline) and their goroutines end; a Config.Signals bus belongs to the caller.
//
// Subscribe before serving to see TopicStarted. Without a subscriber to TopicRequest a
// request pays two atomic loads (one without a bus) and does not read the clock; with only
// synchronous subscribers, publishing it does not allocate (TestZeroAllocRequestSignal).
func (a *App) Signals() *signals.Bus {
	if s := a.life.sig.Load(); s != nil {
		return s.bus
	}
	a.life.mu.Lock()
	defer a.life.mu.Unlock()
	if s := a.life.sig.Load(); s != nil {
		return s.bus
	}
	s, err := newAppSignals(signals.New(), true)
	if err != nil {
		panic("tako: " + err.Error()) // a fresh bus holds no conflicting topic
	}
	a.life.sig.Store(s)
	return s.bus
}

// emitStarted publishes TopicStarted for a listener or socket at addr; every Serve calls
// it.
func (a *App) emitStarted(addr net.Addr) {
	s := a.life.sig.Load()
	if s == nil || a.stopping.Load() || s.started.Subscribers() == 0 {
		return
	}
	s.started.Publish(a.baseCtx, AppEvent{Addr: addr.String(), Engine: a.cfg.Engine, At: time.Now()})
}

// emitStopping publishes TopicStopping once; Shutdown calls it first.
func (a *App) emitStopping(ctx context.Context) {
	if a.life.stopping.Swap(true) {
		return
	}
	if s := a.life.sig.Load(); s != nil {
		s.stopping.Publish(ctx, AppEvent{Engine: a.cfg.Engine, At: time.Now()})
	}
}

// emitStopped publishes TopicStopped once with Shutdown's result, then closes a bus the
// App created; Shutdown calls it last.
func (a *App) emitStopped(ctx context.Context, err error) {
	if a.life.stopped.Swap(true) {
		return
	}
	s := a.life.sig.Load()
	if s == nil {
		return
	}
	s.stopped.Publish(ctx, AppEvent{Engine: a.cfg.Engine, At: time.Now(), Err: err})
	if s.owned {
		s.bus.Close(ctx)
	}
}

// requestTopic returns the request topic when somebody subscribes to it, else nil: the
// whole cost of the request signal when it is unused.
func (a *App) requestTopic() *signals.Topic[RequestEvent] {
	s := a.life.sig.Load()
	if s == nil || s.request.Subscribers() == 0 {
		return nil
	}
	return s.request
}

// requestDone publishes TopicRequest for c; dispatch defers it when requestTopic is not
// nil, so it also runs after a recovered panic.
func (a *App) requestDone(c *Ctx, t *signals.Topic[RequestEvent], start time.Time, err *error) {
	status := c.ResponseStatus()
	if c.engine == FastHTTP && c.fc != nil {
		status = c.fc.Response.StatusCode()
	}
	if *err != nil {
		status = StatusOf(*err)
	}
	t.Publish(a.baseCtx, RequestEvent{Method: c.Method(), Route: c.Route(), Status: status, Duration: time.Since(start)})
}
