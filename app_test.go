package tako_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

func TestRoutingBasics(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/hello", func(c *tako.Ctx) error { return c.Text("hello") })
		app.Get("/users/:id/posts/:post", func(c *tako.Ctx) error {
			return c.Text(c.Route() + " " + c.Param("id") + " " + c.Param("post"))
		})
		app.Post("/users", func(c *tako.Ctx) error { return c.Status(201).Text("created") })
		app.Put("/users/:id", func(c *tako.Ctx) error { return c.Text("put " + c.Param("id")) })
		app.Patch("/users/:id", func(c *tako.Ctx) error { return c.Text("patch") })
		app.Delete("/users/:id", func(c *tako.Ctx) error { return c.NoContent() })
		app.Get("/dir/", func(c *tako.Ctx) error { return c.Text("dir") })
		app.Any("/any", func(c *tako.Ctx) error { return c.Text("any " + c.Method()) })
		app.Get("/files/*path", func(c *tako.Ctx) error { return c.Text("file " + c.Param("path")) })
		h.start()

		expect(t, h.get("/hello"), 200, "hello")
		expect(t, h.get("/users/42/posts/7"), 200, "/users/:id/posts/:post 42 7")
		expect(t, h.do("POST", "/users", nil), 201, "created")
		expect(t, h.do("PUT", "/users/9", nil), 200, "put 9")
		expect(t, h.do("PATCH", "/users/9", nil), 200, "patch")
		expect(t, h.do("DELETE", "/users/9", nil), 204, "")
		expect(t, h.do("PUT", "/any", nil), 200, "any PUT")
		expect(t, h.get("/files/a/b.txt"), 200, "file a/b.txt")

		r := h.get("/hello")
		if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}

		// Automatic HEAD: same headers, no body.
		r = h.do("HEAD", "/hello", nil)
		if r.status != 200 || r.body != "" || r.header.Get("Content-Length") != "5" {
			t.Errorf("HEAD: %d %q Content-Length %q", r.status, r.body, r.header.Get("Content-Length"))
		}

		// 404 as problem+json.
		r = h.get("/nope")
		if r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("404: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
		}
		var p map[string]any
		if err := json.Unmarshal([]byte(r.body), &p); err != nil {
			t.Fatalf("404 body %q: %v", r.body, err)
		}
		if p["type"] != "about:blank" || p["title"] != "Not Found" || p["status"] != float64(404) {
			t.Errorf("404 problem %v", p)
		}

		// 405 with Allow.
		r = h.do("POST", "/hello", nil)
		if r.status != 405 || !strings.Contains(r.header.Get("Allow"), "GET") || !strings.Contains(r.header.Get("Allow"), "HEAD") {
			t.Errorf("405: %d Allow %q", r.status, r.header.Get("Allow"))
		}
		// Automatic OPTIONS.
		r = h.do("OPTIONS", "/users/1", nil)
		if r.status != 204 || !strings.Contains(r.header.Get("Allow"), "PUT") || !strings.Contains(r.header.Get("Allow"), "DELETE") {
			t.Errorf("OPTIONS: %d Allow %q", r.status, r.header.Get("Allow"))
		}
		// Trailing-slash redirects: 301 for GET, 308 for others.
		r = h.get("/dir?x=1")
		if r.status != 301 || r.header.Get("Location") != "/dir/?x=1" {
			t.Errorf("TSR GET: %d Location %q", r.status, r.header.Get("Location"))
		}
		r = h.get("//hello")
		if r.status != 301 || r.header.Get("Location") != "/hello" {
			t.Errorf("clean path: %d Location %q", r.status, r.header.Get("Location"))
		}
		r = h.do("POST", "/users/", nil)
		if r.status != 308 || r.header.Get("Location") != "/users" {
			t.Errorf("TSR POST: %d Location %q", r.status, r.header.Get("Location"))
		}
	})
}

func TestRequestAccessors(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/info/:name", func(c *tako.Ctx) error {
			return c.Text(strings.Join([]string{
				c.Method(), c.Path(), c.RawPath(), c.Param("name"), c.Query("q"), c.Query("missing"),
				c.Header("X-Test"), c.Cookie("session"), c.Host(), c.Scheme(), c.Protocol(),
				fmt.Sprint(c.RemoteAddr().(interface{ String() string }) != nil),
			}, "|"))
		})
		h.start()
		r := h.get("/info/a%20b?q=x%26y&z=1", "X-Test: yes", "Cookie: session=abc; other=1")
		want := "GET|/info/a b|/info/a%20b|a b|x&y||yes|abc|" + h.addr + "|" + h.scheme + "|" + r.proto + "|true"
		expect(t, r, 200, want)
		if h.scheme != "http" && h.scheme != "https" || r.proto != "HTTP/1.1" && r.proto != "HTTP/2.0" && r.proto != "HTTP/3.0" {
			t.Errorf("scheme %q, protocol %q", h.scheme, r.proto)
		}
	})
}

func TestResponseWriters(t *testing.T) {
	type item struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/json", func(c *tako.Ctx) error { return c.JSON(&item{ID: 1, Name: "a<b"}) })
		app.Get("/bytes", func(c *tako.Ctx) error { return c.Bytes("application/octet-stream", []byte{1, 2, 3}) })
		app.Get("/redirect", func(c *tako.Ctx) error { return c.Redirect(http.StatusFound, "/json") })
		app.Get("/header", func(c *tako.Ctx) error {
			c.SetHeader("X-One", "1")
			c.AddHeader("X-Many", "a")
			c.AddHeader("X-Many", "b")
			c.SetCookie(&http.Cookie{Name: "k", Value: "v"})
			return c.Status(202).Text("ok")
		})
		h.start()
		r := h.get("/json")
		want, _ := json.Marshal(&item{ID: 1, Name: "a<b"}) // same bytes as encoding/json
		expect(t, r, 200, string(want))
		if r.header.Get("Content-Type") != "application/json" {
			t.Errorf("JSON Content-Type %q", r.header.Get("Content-Type"))
		}
		expect(t, h.get("/bytes"), 200, "\x01\x02\x03")
		r = h.get("/redirect")
		if r.status != 302 || r.header.Get("Location") != "/json" {
			t.Errorf("redirect %d %q", r.status, r.header.Get("Location"))
		}
		r = h.get("/header")
		expect(t, r, 202, "ok")
		if r.header.Get("X-One") != "1" || strings.Join(r.header.Values("X-Many"), ",") != "a,b" || r.header.Get("Set-Cookie") != "k=v" {
			t.Errorf("headers %v", r.header)
		}
	})
}

func TestMiddlewareOrder(t *testing.T) {
	mark := func(name string) tako.Middleware {
		return func(next tako.Handler) tako.Handler {
			return func(c *tako.Ctx) error {
				c.AddHeader("X-Order", name)
				return next(c)
			}
		}
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		g := app.Group("/api", mark("group"))
		inner := g.Group("/v1", mark("inner"))
		inner.Get("/x", func(c *tako.Ctx) error { return c.Text("x") }, mark("route"))
		app.Use(mark("app")) // after the routes: still outermost
		h.start()
		r := h.get("/api/v1/x")
		expect(t, r, 200, "x")
		if got := strings.Join(r.header.Values("X-Order"), ","); got != "app,group,inner,route" {
			t.Errorf("order %q", got)
		}
		r = h.get("/nowhere")
		if got := strings.Join(r.header.Values("X-Order"), ","); r.status != 404 || got != "app" {
			t.Errorf("not found: %d order %q", r.status, got)
		}
	})
}

func TestErrors(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{Logger: discardLogger()})
		app.Get("/teapot", func(c *tako.Ctx) error { return tako.NewError(418, "short and stout") })
		app.Get("/wrapped", func(c *tako.Ctx) error {
			return fmt.Errorf("context: %w", tako.NewError(409, "conflict here"))
		})
		app.Get("/internal", func(c *tako.Ctx) error { return errors.New("db password is hunter2") })
		app.Get("/panic", func(c *tako.Ctx) error { panic("boom") })
		app.Post("/bind", func(c *tako.Ctx) error {
			var v struct{ N int }
			if err := c.BindJSON(&v); err != nil {
				return err
			}
			return c.JSON(v)
		})
		h.start()
		check := func(r response, status int, detail string) {
			t.Helper()
			var p struct {
				Type, Title, Detail string
				Status              int
			}
			if err := json.Unmarshal([]byte(r.body), &p); err != nil {
				t.Fatalf("body %q: %v", r.body, err)
			}
			if r.status != status || p.Status != status || p.Type != "about:blank" || p.Title != http.StatusText(status) ||
				!strings.Contains(p.Detail, detail) || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("got %d %q, want %d detail containing %q", r.status, r.body, status, detail)
			}
		}
		check(h.get("/teapot"), 418, "short and stout")
		check(h.get("/wrapped"), 409, "conflict here")
		r := h.get("/internal")
		check(r, 500, "")
		if strings.Contains(r.body, "hunter2") {
			t.Errorf("500 leaked the error: %q", r.body)
		}
		check(h.get("/panic"), 500, "")
		expect(t, h.get("/teapot"), 418, h.get("/teapot").body) // still serving after the panic
		check(h.do("POST", "/bind", strings.NewReader(`{"N": 1,}`)), 400, "byte offset 9")
		check(h.do("POST", "/bind", strings.NewReader(`{"N": "x"}`)), 400, "byte offset")
		check(h.do("POST", "/bind", nil), 400, "empty")
		expect(t, h.do("POST", "/bind", strings.NewReader(`{"N": 5}`)), 200, `{"N":5}`)
	})
}

func TestCustomHandlers(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{
			NotFound:         func(c *tako.Ctx) error { return c.Status(404).Text("custom 404 " + c.Path()) },
			MethodNotAllowed: func(c *tako.Ctx) error { return c.Status(405).Text("custom 405 " + c.ResponseHeader("Allow")) },
			ErrorHandler: func(c *tako.Ctx, err error) {
				_ = c.Status(599).Text("custom error: " + err.Error())
			},
		})
		app.Get("/x", func(c *tako.Ctx) error { return errors.New("bad") })
		h.start()
		expect(t, h.get("/y"), 404, "custom 404 /y")
		expect(t, h.do("DELETE", "/x", nil), 405, "custom 405 GET, HEAD, OPTIONS")
		expect(t, h.get("/x"), 599, "custom error: bad")
	})
}

type counter struct{ hits *int }
type userName string

func TestStateAndLocals(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		n := 0
		tako.SetState(app, counter{hits: &n})
		tako.SetState(app, "greeting") // a second type gets its own slot
		app.Use(func(next tako.Handler) tako.Handler {
			return func(c *tako.Ctx) error {
				tako.SetLocal(c, userName(c.Header("X-User")))
				return next(c)
			}
		})
		app.Get("/", func(c *tako.Ctx) error {
			st := tako.State[counter](c)
			*st.hits++
			u, ok := tako.Local[userName](c)
			_, missing := tako.Local[int](c)
			return c.Text(fmt.Sprintf("%s %s %v %v %d", tako.State[string](c), u, ok, missing, *st.hits))
		})
		h.start()
		expect(t, h.get("/", "X-User: ann"), 200, "greeting ann true false 1")
		expect(t, h.get("/", "X-User: bob"), 200, "greeting bob true false 2")
	})
}
