package tako_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

func TestMount(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Use(func(next tako.Handler) tako.Handler {
			return func(c *tako.Ctx) error { c.AddHeader("X-Order", "parent"); return next(c) }
		})
		sub := tako.New()
		sub.Use(func(next tako.Handler) tako.Handler {
			return func(c *tako.Ctx) error { c.AddHeader("X-Order", "sub"); return next(c) }
		})
		sub.Get("/", func(c *tako.Ctx) error { return c.Text("sub root " + c.Route()) })
		sub.Get("/users/:id", func(c *tako.Ctx) error { return c.Text("sub user " + c.Param("id") + " " + c.Route()) })
		app.Mount("/api", sub)

		mux := http.NewServeMux()
		mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-From", "net/http")
			io.WriteString(w, "std hello "+r.URL.Path)
		})
		app.Mount("/std", mux)
		app.Get("/wrapped", tako.WrapHTTPFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, "wrapped "+r.Method)
		}))
		h.start()
		r := h.get("/api/users/7")
		expect(t, r, 200, "sub user 7 /api/users/:id")
		if got := strings.Join(r.header.Values("X-Order"), ","); got != "parent,sub" {
			t.Errorf("order %q", got)
		}
		expect(t, h.get("/api"), 200, "sub root /api")
		r = h.get("/std/hello")
		expect(t, r, 200, "std hello /hello")
		if r.header.Get("X-From") != "net/http" {
			t.Errorf("X-From %q", r.header.Get("X-From"))
		}
		expect(t, h.get("/wrapped"), 202, "wrapped GET")
	})
}

func TestWrapMiddleware(t *testing.T) {
	// A net/http middleware that wraps the ResponseWriter (like compression or metrics do)
	// and one that short-circuits.
	tag := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Std-Middleware", "yes")
			if r.Header.Get("X-Deny") != "" {
				http.Error(w, "denied", http.StatusForbidden)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{Logger: discardLogger()})
		app.Use(tako.WrapMiddleware(tag))
		app.Get("/p/:id", func(c *tako.Ctx) error { return c.Status(201).Text("id " + c.Param("id")) })
		app.Get("/err", func(c *tako.Ctx) error { return tako.NewError(409, "conflict") })
		h.start()
		r := h.get("/p/5")
		expect(t, r, 201, "id 5")
		if r.header.Get("X-Std-Middleware") != "yes" {
			t.Errorf("middleware header missing: %v", r.header)
		}
		r = h.get("/p/5", "X-Deny: 1")
		expect(t, r, 403, "denied\n")
		r = h.get("/err")
		if r.status != 409 || !strings.Contains(r.body, "conflict") {
			t.Errorf("error through middleware: %d %q", r.status, r.body)
		}
	})
}

func TestAppTest(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e})
			app.Post("/echo/:x", func(c *tako.Ctx) error {
				b, err := c.Body()
				if err != nil {
					return err
				}
				return c.Status(201).Text(c.Param("x") + ":" + string(b) + ":" + c.Header("X-A"))
			})
			req := httptest.NewRequest("POST", "/echo/y", strings.NewReader("body"))
			req.Header.Set("X-A", "b")
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 201 || string(b) != "y:body:b" {
				t.Errorf("got %d %q", resp.StatusCode, b)
			}
			resp, err = app.Test(httptest.NewRequest("GET", "/missing", nil))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 404 {
				t.Errorf("missing: %d", resp.StatusCode)
			}
		})
	}
}

// TestHandlerWithHTTPTest runs the App inside httptest.Server through app.Handler, over
// HTTP/1.1 and over h2c (HTTP/2 with prior knowledge, no TLS).
func TestHandlerWithHTTPTest(t *testing.T) {
	app := tako.New()
	app.Get("/proto/:p", func(c *tako.Ctx) error { return c.Text(c.Param("p") + " " + c.Protocol()) })
	srv := httptest.NewUnstartedServer(app.Handler())
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &p
	srv.Start()
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/proto/x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "x HTTP/1.1" {
		t.Errorf("HTTP/1.1: %q", b)
	}

	var cp http.Protocols
	cp.SetUnencryptedHTTP2(true)
	h2c := &http.Client{Transport: &http.Transport{Protocols: &cp}}
	resp, err = h2c.Get(srv.URL + "/proto/y")
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "y HTTP/2.0" || resp.ProtoMajor != 2 {
		t.Errorf("h2c: %q over %s", b, resp.Proto)
	}
}

// TestNetHTTPEngineH2C checks that the NetHTTP engine's own server speaks h2c.
func TestNetHTTPEngineH2C(t *testing.T) {
	app := tako.New(tako.Config{Engine: tako.NetHTTP})
	app.Get("/", func(c *tako.Ctx) error { return c.Text(c.Protocol()) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(ln)
	defer app.Shutdown(context.Background())
	var cp http.Protocols
	cp.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &cp, TLSClientConfig: &tls.Config{}}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "HTTP/2.0" {
		t.Errorf("got %q", b)
	}
}

// TestHTTP2OverTLS serves app.Handler with HTTP/2 over TLS (ALPN h2).
func TestHTTP2OverTLS(t *testing.T) {
	app := tako.New()
	app.Get("/p/:x", func(c *tako.Ctx) error { return c.Text(c.Param("x") + " " + c.Protocol() + " " + c.Scheme()) })
	srv := httptest.NewUnstartedServer(app.Handler())
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/p/z")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "z HTTP/2.0 https" {
		t.Errorf("got %q over %s", b, resp.Proto)
	}
}
