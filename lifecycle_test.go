package tako_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/signals"
)

// recorder collects the messages of a synchronous subscription.
type recorder[T any] struct {
	mu   sync.Mutex
	msgs []signals.Message[T]
	ch   chan signals.Message[T]
}

func record[T any](t *testing.T, bus *signals.Bus, pattern string) *recorder[T] {
	t.Helper()
	r := &recorder[T]{ch: make(chan signals.Message[T], 64)}
	if _, err := signals.Subscribe(bus, pattern, func(_ context.Context, m signals.Message[T]) {
		r.mu.Lock()
		r.msgs = append(r.msgs, m)
		r.mu.Unlock()
		r.ch <- m
	}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *recorder[T]) all() []signals.Message[T] {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]signals.Message[T](nil), r.msgs...)
}

// next waits (bounded) for the next message: on net/http the response can reach the client
// before the request signal is published.
func (r *recorder[T]) next(t *testing.T) signals.Message[T] {
	t.Helper()
	select {
	case m := <-r.ch:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no signal within 5s")
		panic("unreachable")
	}
}

func TestLifecycleSignals(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		bus := signals.New()
		events := record[tako.AppEvent](t, bus, "tako.app.>")
		h.newApp(tako.Config{Signals: bus, Logger: discardLogger()})
		if h.app.Signals() != bus {
			t.Fatal("App.Signals is not Config.Signals")
		}
		h.app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
		// Registered before start, so it runs after the harness has shut the App down.
		t.Cleanup(func() {
			got := events.all()
			var topics []string
			for _, m := range got {
				topics = append(topics, m.Topic)
			}
			want := []string{tako.TopicStarted, tako.TopicStopping, tako.TopicStopped}
			if strings.Join(topics, " ") != strings.Join(want, " ") {
				t.Fatalf("topics %v, want %v", topics, want)
			}
			for _, m := range got {
				if m.Value.Engine != h.engine || m.Value.At.IsZero() || m.Value.Err != nil {
					t.Errorf("%s: %+v", m.Topic, m.Value)
				}
			}
			if !got[1].Value.At.Before(got[2].Value.At) && !got[1].Value.At.Equal(got[2].Value.At) {
				t.Errorf("stopping at %v after stopped at %v", got[1].Value.At, got[2].Value.At)
			}
			// A second Shutdown publishes nothing more; a caller's bus stays open.
			if err := h.app.Shutdown(context.Background()); err != nil {
				t.Errorf("second Shutdown: %v", err)
			}
			if n := len(events.all()); n != 3 {
				t.Errorf("%d events after a second Shutdown, want 3", n)
			}
			if _, err := signals.NewTopic[int](bus, "still.open"); err != nil {
				t.Errorf("Config.Signals bus closed by the App: %v", err)
			}
		})
		h.start()
		started := events.next(t)
		if started.Topic != tako.TopicStarted || started.Value.Addr != h.addr {
			t.Fatalf("first signal %s %+v, want %s at %s", started.Topic, started.Value, tako.TopicStarted, h.addr)
		}
		expect(t, h.get("/"), 200, "ok")
	})
}

// TestStoppedWaitsForRequests: TopicStopped comes after in-flight requests finished, so a
// subscriber may stop what handlers use.
func TestStoppedAfterInFlight(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		bus := signals.New()
		h.newApp(tako.Config{Signals: bus, Logger: discardLogger()})
		entered, release := make(chan struct{}), make(chan struct{})
		var mu sync.Mutex
		var order []string
		h.app.Get("/slow", func(c *tako.Ctx) error {
			close(entered)
			<-release
			mu.Lock()
			order = append(order, "handler done")
			mu.Unlock()
			return c.Text("done")
		})
		for _, topic := range []string{tako.TopicStopping, tako.TopicStopped} {
			signals.Subscribe(bus, topic, func(_ context.Context, m signals.Message[tako.AppEvent]) {
				mu.Lock()
				order = append(order, m.Topic)
				mu.Unlock()
				if m.Topic == tako.TopicStopping {
					close(release)
				}
			})
		}
		h.start()
		got := make(chan response, 1)
		go func() { got <- h.get("/slow") }()
		<-entered
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.app.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		expect(t, <-got, 200, "done")
		mu.Lock()
		defer mu.Unlock()
		want := tako.TopicStopping + ",handler done," + tako.TopicStopped
		if strings.Join(order, ",") != want {
			t.Errorf("order %v, want %s", order, want)
		}
	})
}

func TestRequestSignal(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		h.newApp(tako.Config{Logger: discardLogger()})
		reqs := record[tako.RequestEvent](t, h.app.Signals(), tako.TopicRequest)
		h.app.Get("/users/:id", func(c *tako.Ctx) error { return c.Text(c.Param("id")) })
		h.app.Post("/users", func(c *tako.Ctx) error { c.Status(201); return c.Text("made") })
		h.app.Get("/teapot", func(c *tako.Ctx) error { return tako.NewError(418, "short and stout") })
		h.app.Get("/plain-error", func(c *tako.Ctx) error { return errors.New("boom") })
		h.app.Get("/panic", func(c *tako.Ctx) error { panic("deliberate") })
		h.app.Get("/nocontent", func(c *tako.Ctx) error { return c.NoContent() })
		h.start()
		cases := []struct {
			method, path, route string
			status              int
		}{
			{"GET", "/users/42", "/users/:id", 200},
			{"POST", "/users", "/users", 201},
			{"GET", "/teapot", "/teapot", 418},
			{"GET", "/plain-error", "/plain-error", 500},
			{"GET", "/panic", "/panic", 500},
			{"GET", "/nocontent", "/nocontent", 204},
			{"GET", "/nowhere", "", 404},
			{"DELETE", "/users", "", 405},
			{"HEAD", "/users/7", "/users/:id", 200},
		}
		for _, tc := range cases {
			r := h.do(tc.method, tc.path, nil)
			if r.status != tc.status {
				t.Errorf("%s %s: response %d, want %d", tc.method, tc.path, r.status, tc.status)
			}
			m := reqs.next(t)
			ev := m.Value
			if m.Topic != tako.TopicRequest || ev.Method != tc.method || ev.Route != tc.route || ev.Status != tc.status || ev.Duration <= 0 {
				t.Errorf("%s %s: signal %s %+v, want method %s route %q status %d and a duration",
					tc.method, tc.path, m.Topic, ev, tc.method, tc.route, tc.status)
			}
		}
		select {
		case m := <-reqs.ch:
			t.Errorf("unexpected extra signal %+v", m.Value)
		default:
		}
	})
}

// TestSignalsOwnedBus: App.Signals creates a bus on demand; App.Test publishes on it; the
// App closes the bus it created at the end of Shutdown, after TopicStopped, so that an
// asynchronous subscriber drains and ends.
func TestSignalsOwnedBus(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
			app.Get("/x", func(c *tako.Ctx) error { return c.Text("x") })
			bus := app.Signals()
			if bus == nil || app.Signals() != bus {
				t.Fatal("Signals does not return one bus")
			}
			var mu sync.Mutex
			var got []string
			sub, err := signals.Subscribe(bus, ">", func(_ context.Context, m signals.Message[tako.AppEvent]) {
				mu.Lock()
				got = append(got, m.Topic)
				mu.Unlock()
			}, signals.Async(8, signals.Block))
			if err != nil {
				t.Fatal(err)
			}
			reqs := record[tako.RequestEvent](t, bus, tako.TopicRequest)
			resp, err := app.Test(httptest.NewRequest("GET", "/x", nil))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if ev := reqs.next(t).Value; ev.Route != "/x" || ev.Status != 200 {
				t.Errorf("request signal %+v", ev)
			}
			if err := app.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			select {
			case <-sub.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("async subscription still running after Shutdown closed the App's bus")
			}
			mu.Lock()
			defer mu.Unlock()
			if strings.Join(got, " ") != tako.TopicStopping+" "+tako.TopicStopped {
				t.Errorf("async subscriber saw %v", got)
			}
			if _, err := signals.NewTopic[int](bus, "after"); !errors.Is(err, signals.ErrClosed) {
				t.Errorf("bus after Shutdown: %v, want ErrClosed", err)
			}
		})
	}
}

func TestSignalsTypeConflict(t *testing.T) {
	bus := signals.New()
	signals.MustTopic[string](bus, tako.TopicRequest)
	defer func() {
		rec := recover()
		if s, _ := rec.(string); !strings.Contains(s, "tako: Config.Signals") || !strings.Contains(s, "type mismatch") {
			t.Errorf("panic %v, want a Config.Signals type mismatch", rec)
		}
	}()
	tako.New(tako.Config{Signals: bus})
}

// TestZeroAllocRequestSignal: the request signal costs no allocation, with a bus and no
// subscriber, and with one synchronous subscriber.
func TestZeroAllocRequestSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, subscribe := range []bool{false, true} {
		name := "no-subscriber"
		if subscribe {
			name = "sync-subscriber"
		}
		t.Run(name, func(t *testing.T) {
			bus := signals.New()
			var n int
			var last tako.RequestEvent
			if subscribe {
				signals.Subscribe(bus, tako.TopicRequest, func(_ context.Context, m signals.Message[tako.RequestEvent]) {
					n++ // the fasthttp handler goroutine; the test reads after the round trips
					last = m.Value
				})
			}
			c := serveInMemory(t, allocApp(tako.Config{Logger: discardLogger(), Signals: bus}))
			req := []byte(allocCases[4].req) // params: /user/:id/post/:post
			for range 100 {
				c.roundTrip(t, req)
			}
			allocs := testing.AllocsPerRun(1000, func() { c.roundTrip(t, req) })
			if allocs != 0 {
				t.Errorf("%v allocs per request, want 0", allocs)
			}
			if subscribe && (n < 1100 || last.Route != "/user/:id/post/:post" || last.Status != http.StatusOK || last.Method != "GET") {
				t.Errorf("subscriber saw %d requests, last %+v", n, last)
			}
		})
	}
}

// BenchmarkRequestSignal is the cost of the request signal on the fasthttp engine: no bus,
// a bus without subscribers, one synchronous subscriber.
func BenchmarkRequestSignal(b *testing.B) {
	for _, mode := range []string{"no-bus", "bus-unsubscribed", "sync-subscriber"} {
		b.Run(mode, func(b *testing.B) {
			cfg := tako.Config{Logger: discardLogger()}
			if mode != "no-bus" {
				cfg.Signals = signals.New()
			}
			var n int
			if mode == "sync-subscriber" {
				signals.Subscribe(cfg.Signals, tako.TopicRequest, func(context.Context, signals.Message[tako.RequestEvent]) { n++ })
			}
			c := serveInMemory(b, allocApp(cfg))
			req := []byte(allocCases[4].req)
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}
