package tako_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/tako-go/tako"
)

func TestOverridesAndOptions(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{DisableAutoOptions: true})
		app.Get("/r", func(c *tako.Ctx) error { return c.Text("get") })
		app.Head("/r", func(c *tako.Ctx) error { c.SetHeader("X-Head", "explicit"); return c.NoContent() })
		app.Options("/o", func(c *tako.Ctx) error { return c.Status(200).Text("custom options") })
		app.Post("/o", func(c *tako.Ctx) error { return c.Text("post") })
		app.Post("/p", func(c *tako.Ctx) error { return c.Text("post") })
		h.start()
		r := h.do("HEAD", "/r", nil)
		if r.header.Get("X-Head") != "explicit" {
			t.Errorf("explicit HEAD route not used: %v", r.header)
		}
		expect(t, h.do("OPTIONS", "/o", nil), 200, "custom options")
		// DisableAutoOptions: OPTIONS on a path without an OPTIONS route is a 405.
		r = h.do("OPTIONS", "/p", nil)
		if r.status != 405 || !strings.Contains(r.header.Get("Allow"), "POST") {
			t.Errorf("OPTIONS with auto options disabled: %d Allow %q", r.status, r.header.Get("Allow"))
		}
	})
}

func TestCopiesAndQueryValues(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		// The handler runs on the server's goroutine; over HTTP/3 the race detector sees no
		// ordering through the UDP socket between its write and the test's read.
		var mu sync.Mutex
		var kept []string
		app.Get("/c/:id", func(c *tako.Ctx) error {
			mu.Lock()
			kept = []string{c.ParamCopy("id"), c.QueryCopy("a"), c.HeaderCopy("X-K")}
			mu.Unlock()
			v := c.QueryValues()
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k+"="+strings.Join(v[k], ","))
			}
			sort.Strings(keys)
			return c.Text(strings.Join(keys, "&") + " " + c.RawQuery() + " " + c.RawParam("id"))
		})
		h.start()
		expect(t, h.get("/c/x%2Fy?a=1&b=2&a=3", "X-K: v"), 200, "a=1,3&b=2 a=1&b=2&a=3 x%2Fy")
		h.get("/c/other?a=9", "X-K: w") // reuses the buffers of the first request
		mu.Lock()
		defer mu.Unlock()
		if strings.Join(kept, "|") != "other|9|w" {
			t.Errorf("copies %q", kept)
		}
	})
}

func TestErrorf(t *testing.T) {
	cause := errors.New("row locked")
	err := tako.Errorf(409, "update failed: %w", cause)
	if !errors.Is(err, cause) || err.Status != 409 || err.Detail != "update failed: row locked" {
		t.Errorf("Errorf: %#v", err)
	}
	if tako.StatusOf(err) != 409 || tako.StatusOf(errors.New("x")) != 500 || tako.StatusOf(nil) != 200 {
		t.Errorf("StatusOf")
	}
	if got := tako.NewError(404, "").Error(); got != "tako: 404: Not Found" {
		t.Errorf("Error() = %q", got)
	}
}

func TestRegistrationMistakes(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	h := func(c *tako.Ctx) error { return nil }
	app := tako.New()
	app.Get("/a", h)
	app.Get("/a", h) // duplicate: reported when the App builds its routes
	mustPanic("duplicate route", func() { app.Handler() })

	app = tako.New()
	app.Get("/x", h)
	app.Handler()
	mustPanic("route after start", func() { app.Get("/y", h) })
	mustPanic("Use after start", func() { app.Use(func(n tako.Handler) tako.Handler { return n }) })
	mustPanic("nil handler", func() { tako.New().Get("/z", nil) })
}

func TestGroupMountAndRoutes(t *testing.T) {
	app := tako.New()
	api := app.Group("/api")
	v1 := tako.New()
	v1.Get("/ping", func(c *tako.Ctx) error { return c.Text("pong " + c.Route()) })
	api.Mount("/v1", v1)
	api.Mount("/std", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.URL.Path) }))
	for path, want := range map[string]string{"/api/v1/ping": "pong /api/v1/ping", "/api/std/a/b": "/a/b"} {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != want {
			t.Errorf("%s: %q, want %q", path, b, want)
		}
	}
	var routes []string
	for _, r := range app.Routes() {
		if r.Method == "GET" {
			routes = append(routes, r.Pattern)
		}
	}
	if strings.Join(routes, " ") != "/api/v1/ping /api/std /api/std/*path" {
		t.Errorf("routes %q", routes)
	}
}

func TestHeaderInjection(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			c.SetHeader("Content-Type", "text/plain\r\nX-Evil: 1")
			c.SetHeader("X-Other", "a\r\nX-Evil2: 1")
			return c.Bytes("", []byte("ok"))
		})
		h.start()
		r := h.get("/")
		if r.status != 200 || r.header.Get("X-Evil") != "" || r.header.Get("X-Evil2") != "" {
			t.Errorf("header injection: %d %v", r.status, r.header)
		}
	})
}
