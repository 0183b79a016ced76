package tako_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

func TestHeadersAndParams(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/h", func(c *tako.Ctx) error {
			var hs []string
			for k, v := range c.Headers() {
				if strings.HasPrefix(k, "X-") || k == "Host" {
					hs = append(hs, k+"="+v)
				}
			}
			slices.Sort(hs)
			return c.Text(strings.Join(hs, ";") + "|" + strings.Join(c.HeaderValues("x-multi"), ","))
		})
		app.Get("/p/:org/files/*rest", func(c *tako.Ctx) error {
			var ps []string
			for k, v := range c.Params() {
				ps = append(ps, k+"="+v)
			}
			m := c.ParamsMap()
			return c.Text(strings.Join(ps, ";") + "|" + fmt.Sprint(m) + "|" + c.Route())
		})
		h.start()
		r := h.get("/h", "X-One: 1", "X-Multi: a", "X-Multi: b")
		expect(t, r, 200, "Host="+h.addr+";X-Multi=a;X-Multi=b;X-One=1|a,b")
		r = h.get("/p/acme%20inc/files/a/b%2Fc.txt")
		expect(t, r, 200, "org=acme%20inc;rest=a/b%2Fc.txt|map[org:acme inc rest:a/b/c.txt]|/p/:org/files/*rest")
	})
}

func TestParamAsQueryAs(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/n/:id", func(c *tako.Ctx) error {
			id, err := tako.ParamAs[int64](c, "id")
			if err != nil {
				return err
			}
			page, err := tako.QueryAs(c, "page", 1)
			if err != nil {
				return err
			}
			ratio, err := tako.QueryAs(c, "ratio", 0.5)
			if err != nil {
				return err
			}
			on, err := tako.QueryAs(c, "on", false)
			if err != nil {
				return err
			}
			small, err := tako.QueryAs[uint8](c, "small", 7)
			if err != nil {
				return err
			}
			return c.Text(fmt.Sprint(id, page, ratio, on, small))
		})
		h.start()
		expect(t, h.get("/n/42"), 200, "42 1 0.5 false 7")
		expect(t, h.get("/n/-9?page=3&ratio=1.25&on=true&small=255"), 200, "-9 3 1.25 true 255")
		for path, name := range map[string]string{
			"/n/abc":                  `path parameter \"id\"`,
			"/n/99999999999999999999": `path parameter \"id\"`,
			"/n/1?page=x":             `query parameter \"page\"`,
			"/n/1?small=256":          `query parameter \"small\"`,
			"/n/1?on=maybe":           `query parameter \"on\"`,
		} {
			if r := h.get(path); r.status != 400 || !strings.Contains(r.body, name) {
				t.Errorf("%s: %d %q, want 400 naming %s", path, r.status, r.body, name)
			}
		}
	})
}

func TestFormValueAndBody(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxBodyBytes: 64})
		app.Post("/form", func(c *tako.Ctx) error {
			a, err := c.FormValue("a")
			if err != nil {
				return err
			}
			b, _ := c.FormValue("b")
			return c.Text(a + "|" + b)
		})
		app.Post("/raw", func(c *tako.Ctx) error {
			b, err := c.Body()
			if err != nil {
				return err
			}
			return c.Text(string(b))
		})
		app.Post("/stream", func(c *tako.Ctx) error {
			n, err := io.Copy(io.Discard, c.BodyReader())
			if err != nil {
				return err
			}
			return c.Text(fmt.Sprint(n))
		})
		h.start()
		ct := "Content-Type: application/x-www-form-urlencoded"
		expect(t, h.do("POST", "/form", strings.NewReader("a=hello+world&b=%C3%BC&a=2"), ct), 200, "hello world|ü")
		if r := h.do("POST", "/form", strings.NewReader("a=1"), "Content-Type: text/plain"); r.status != 415 {
			t.Errorf("not a form: %d", r.status)
		}
		if r := h.do("POST", "/form", strings.NewReader("a="+strings.Repeat("x", 100)), ct); r.status != 413 {
			t.Errorf("form over MaxBodyBytes: %d", r.status)
		}
		expect(t, h.do("POST", "/raw", strings.NewReader("raw bytes")), 200, "raw bytes")
		expect(t, h.do("POST", "/stream", strings.NewReader(strings.Repeat("s", 1000))), 200, "1000")
	})
}

func TestState(t *testing.T) {
	type db struct{ name string }
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		tako.SetState(app, &db{name: "main"})
		app.Get("/", func(c *tako.Ctx) error { return c.Text(tako.State[*db](c).name) })
		h.start()
		expect(t, h.get("/"), 200, "main")
	})
}
