// Command showcase is a small, real Tako service: an in-memory JSON CRUD API for todos with
// route parameters, query parameters, validation errors rendered as problem+json, an error
// route, a panic route and a streaming route; and a background job queue (package jobs)
// started and stopped with the App through its lifecycle signals: POST /api/jobs enqueues,
// GET /api/jobs/:id shows a job's status and GET /api/jobs/dead the dead-letter queue.
//
//	go run ./examples/showcase                  # http://localhost:8080
//	go run ./examples/showcase -addr :9000      # or TAKO_ADDR=:9000
//	go run ./examples/showcase -engine nethttp  # serve on net/http instead of fasthttp
//	go run ./examples/showcase -https :8443     # also HTTPS (HTTP/2, HTTP/1.1) and HTTP/3 on :8443
//
// The cleartext port serves HTTP/1.1 and h2c (curl --http2-prior-knowledge); with -https,
// a self-signed certificate made at start serves HTTP/2 and HTTP/1.1 over TLS (ALPN) and
// HTTP/3 on the same UDP port, advertised to TCP clients with Alt-Svc. GET /api/whoami says
// which protocol a request came over.
//
// It prints its URL on start and shuts down cleanly on Ctrl-C (SIGINT) or SIGTERM,
// letting in-flight requests finish.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tako-go/tako"
)

func main() {
	addr := flag.String("addr", envOr("TAKO_ADDR", ":8080"), "listen address (env TAKO_ADDR)")
	engine := flag.String("engine", envOr("TAKO_ENGINE", "fasthttp"), "engine: fasthttp or nethttp (env TAKO_ENGINE)")
	https := flag.String("https", envOr("TAKO_HTTPS", ""), "also serve HTTPS (HTTP/2, HTTP/1.1) and HTTP/3 on this address, with a self-signed certificate (env TAKO_HTTPS)")
	flag.Parse()

	cfg := tako.Config{}
	switch *engine {
	case "fasthttp":
	case "nethttp", "net/http":
		cfg.Engine = tako.NetHTTP
	default:
		fmt.Fprintf(os.Stderr, "showcase: unknown engine %q (want fasthttp or nethttp)\n", *engine)
		os.Exit(2)
	}
	app := newApp(cfg)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "showcase: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("Tako showcase (%s) listening on %s\n", cfg.Engine, displayURL(ln.Addr()))
	fmt.Println("try: curl -s localhost" + portOf(ln.Addr()) + "/api/todos    (Ctrl-C to stop)")
	fmt.Println("     curl -s --http2-prior-knowledge localhost" + portOf(ln.Addr()) + "/api/whoami")
	if *https != "" {
		sa, err := serveSecure(app, *https)
		if err != nil {
			fmt.Fprintf(os.Stderr, "showcase: -https: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("HTTPS (HTTP/2, HTTP/1.1) and HTTP/3 on https://localhost%s (self-signed: curl -k)\n", portOf(sa))
	}

	done := app.ShutdownOnSignal(10 * time.Second)
	if err := app.Serve(ln); err != nil {
		fmt.Fprintf(os.Stderr, "showcase: %v\n", err)
		os.Exit(1)
	}
	if err := <-done; err != nil {
		fmt.Fprintf(os.Stderr, "showcase: shutdown: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("showcase: shut down cleanly")
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func displayURL(a net.Addr) string { return "http://localhost" + portOf(a) }

func portOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ":" + strconv.Itoa(ta.Port)
	}
	return ""
}

// Todo is the resource the API serves.
type Todo struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// store is the in-memory database, shared through typed App state.
type store struct {
	mu     sync.Mutex
	nextID int
	todos  map[int]Todo
}

func newStore() *store { return &store{nextID: 1, todos: map[int]Todo{}} }

// newApp builds the showcase App; the tests use it too.
func newApp(cfg tako.Config) *tako.App {
	app := tako.New(cfg)
	tako.SetState(app, newStore())
	app.Use(logRequests)

	app.Get("/", index)
	api := app.Group("/api")
	api.Get("/todos", listTodos)
	api.Post("/todos", tako.Handle(createTodo))
	api.Get("/todos/:id", getTodo)
	api.Put("/todos/:id", updateTodo)
	api.Delete("/todos/:id", deleteTodo)
	api.Get("/error", func(c *tako.Ctx) error {
		return tako.NewError(503, "the flux capacitor is recharging; try again later")
	})
	api.Get("/panic", func(c *tako.Ctx) error { panic("deliberate panic: recovered, logged, answered 500") })
	api.Get("/stream", streamTicks)
	api.Get("/whoami", whoami)
	registerJobs(app, api)
	registerRealtime(app)
	return app
}

func logRequests(next tako.Handler) tako.Handler {
	return func(c *tako.Ctx) error {
		start := time.Now()
		err := next(c)
		status := c.ResponseStatus()
		if err != nil {
			status = tako.StatusOf(err) // the error handler renders it after us
		}
		slog.Info("request", "method", c.Method(), "path", c.Path(), "route", c.Route(),
			"status", status, "took", time.Since(start))
		return err
	}
}

func index(c *tako.Ctx) error {
	var b strings.Builder
	b.WriteString("Tako showcase\n\n")
	for _, r := range c.App().Routes() {
		fmt.Fprintf(&b, "%-7s %s\n", r.Method, r.Pattern)
	}
	return c.Text(b.String())
}

// listQuery is bound from the query string by package bind: typed, defaulted and
// validated, with errors that name the query parameter.
type listQuery struct {
	Done  *bool `query:"done"`
	Limit int   `query:"limit" default:"100" validate:"min=1,max=1000"`
}

// GET /api/todos?done=true&limit=10
func listTodos(c *tako.Ctx) error {
	var q listQuery
	if err := c.Bind(&q); err != nil {
		return err // 400 or 422 problem+json listing the failing parameters
	}
	s := tako.State[*store](c)
	s.mu.Lock()
	out := make([]Todo, 0, len(s.todos))
	for _, t := range s.todos {
		if q.Done == nil || t.Done == *q.Done {
			out = append(out, t)
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return c.JSON(out)
}

// newTodo is the body of POST /api/todos, bound and validated by tako.Handle.
type newTodo struct {
	Title string `json:"title" validate:"required,max=200"`
	Done  bool   `json:"done"`
}

// POST /api/todos: a typed handler. tako.Handle binds and validates newTodo (422 with a field
// list when it fails, 400 naming the byte offset for malformed JSON) and encodes the result.
func createTodo(c *tako.Ctx, in newTodo) (Todo, error) {
	title := strings.TrimSpace(in.Title)
	if title == "" {
		return Todo{}, tako.NewError(422, `field "title" must not be blank`)
	}
	s := tako.State[*store](c)
	s.mu.Lock()
	t := Todo{ID: s.nextID, Title: title, Done: in.Done}
	s.todos[t.ID] = t
	s.nextID++
	s.mu.Unlock()
	c.SetHeader("Location", "/api/todos/"+strconv.Itoa(t.ID))
	c.Status(201)
	return t, nil
}

type todoInput struct {
	Title *string `json:"title"`
	Done  *bool   `json:"done"`
}

func (in *todoInput) validate() error {
	if in.Title == nil {
		return nil
	}
	t := strings.TrimSpace(*in.Title)
	if t == "" {
		return tako.NewError(422, `field "title" must not be blank`)
	}
	if len(t) > 200 {
		return tako.NewError(422, `field "title" must be at most 200 bytes`)
	}
	*in.Title = t
	return nil
}

func todoID(c *tako.Ctx) (int, error) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id < 1 {
		return 0, tako.NewError(400, fmt.Sprintf("todo id %q is not a positive integer", c.Param("id")))
	}
	return id, nil
}

var errNoTodo = errors.New("no such todo")

func lookup(c *tako.Ctx) (*store, int, error) {
	id, err := todoID(c)
	if err != nil {
		return nil, 0, err
	}
	s := tako.State[*store](c)
	return s, id, nil
}

func getTodo(c *tako.Ctx) error {
	s, id, err := lookup(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	t, ok := s.todos[id]
	s.mu.Unlock()
	if !ok {
		return &tako.Error{Status: 404, Detail: fmt.Sprintf("todo %d does not exist", id), Err: errNoTodo}
	}
	return c.JSON(&t)
}

func updateTodo(c *tako.Ctx) error {
	s, id, err := lookup(c)
	if err != nil {
		return err
	}
	var in todoInput
	if err := c.BindJSON(&in); err != nil {
		return err
	}
	if err := in.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	t, ok := s.todos[id]
	if ok {
		if in.Title != nil {
			t.Title = *in.Title
		}
		if in.Done != nil {
			t.Done = *in.Done
		}
		s.todos[id] = t
	}
	s.mu.Unlock()
	if !ok {
		return &tako.Error{Status: 404, Detail: fmt.Sprintf("todo %d does not exist", id), Err: errNoTodo}
	}
	return c.JSON(&t)
}

func deleteTodo(c *tako.Ctx) error {
	s, id, err := lookup(c)
	if err != nil {
		return err
	}
	s.mu.Lock()
	_, ok := s.todos[id]
	delete(s.todos, id)
	s.mu.Unlock()
	if !ok {
		return &tako.Error{Status: 404, Detail: fmt.Sprintf("todo %d does not exist", id), Err: errNoTodo}
	}
	return c.NoContent()
}

// GET /api/stream?n=5&every=200ms streams n JSON lines, flushing each at once.
func streamTicks(c *tako.Ctx) error {
	n, err := strconv.Atoi(c.Query("n"))
	if c.Query("n") == "" {
		n, err = 5, nil
	}
	if err != nil || n < 1 || n > 100 {
		return tako.NewError(400, "query parameter n must be an integer from 1 to 100")
	}
	every := 200 * time.Millisecond
	if q := c.Query("every"); q != "" {
		d, err := time.ParseDuration(q)
		if err != nil || d < 0 || d > 5*time.Second {
			return tako.NewError(400, "query parameter every must be a duration up to 5s")
		}
		every = d
	}
	ctx := c.Context()
	return c.Stream("application/x-ndjson", func(w *tako.StreamWriter) error {
		for i := 1; i <= n; i++ {
			fmt.Fprintf(w, "{\"tick\":%d,\"of\":%d}\n", i, n)
			if err := w.Flush(); err != nil {
				return err // client went away
			}
			if i == n {
				break
			}
			select {
			case <-time.After(every):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
}
