package router_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/tako-go/tako/router"
)

func newTestMux(t *testing.T) *router.Mux {
	m := router.NewMux()
	reply := func(w http.ResponseWriter, r *http.Request, ps router.Params) {
		io.WriteString(w, r.Method+" "+ps.Pattern())
		for i := 0; i < ps.Len(); i++ {
			io.WriteString(w, " "+ps.Name(i)+"="+ps.Value(i))
		}
	}
	for _, rt := range [][2]string{
		{"GET", "/users/:id"}, {"POST", "/users"}, {"GET", "/docs/"}, {"GET", "/Intro"},
		{"PUT", "/items/:id"}, {"GET", "/files/*path"},
	} {
		if err := m.HandleFunc(rt[0], rt[1], reply); err != nil {
			t.Fatal(err)
		}
	}
	err := m.Handle("GET", "/std/{a}/{b}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "std a="+r.PathValue("a")+" b="+r.PathValue("b"))
	}))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMux(t *testing.T) {
	tests := []struct {
		name     string
		mux      func(*router.Mux)
		method   string
		target   string
		code     int
		body     string
		location string
		allow    string
	}{
		{name: "match", method: "GET", target: "/users/7?x=1", code: 200, body: "GET /users/:id id=7"},
		{name: "raw path", method: "GET", target: "/users/a%2Fb", code: 200, body: "GET /users/:id id=a%2Fb"},
		{name: "head", method: "HEAD", target: "/users/7", code: 200},
		{name: "catch-all", method: "GET", target: "/files/a/b", code: 200, body: "GET /files/*path path=a/b"},
		{name: "path values", method: "GET", target: "/std/x/y", code: 200, body: "std a=x b=y"},
		{name: "404", method: "GET", target: "/nope", code: 404},
		{name: "405", method: "DELETE", target: "/users/7", code: 405, allow: "GET, HEAD, OPTIONS"},
		{name: "options", method: "OPTIONS", target: "/users", code: 204, allow: "POST, OPTIONS"},
		{name: "options star", method: "OPTIONS", target: "*", code: 204, allow: "GET, HEAD, POST, PUT, OPTIONS"},
		{name: "options off", mux: func(m *router.Mux) { m.NoAutoOptions = true }, method: "OPTIONS", target: "/users", code: 405, allow: "POST, OPTIONS"},
		{name: "tsr get", method: "GET", target: "/docs?q=1", code: 301, location: "/docs/?q=1"},
		{name: "tsr put", method: "PUT", target: "/items/3/", code: 308, location: "/items/3"},
		{name: "tsr off", mux: func(m *router.Mux) { m.NoTrailingSlashRedirect = true }, method: "GET", target: "/docs", code: 404},
		{name: "clean", method: "GET", target: "/a/../users//7", code: 301, location: "/users/7"},
		{name: "clean post", method: "POST", target: "//users", code: 308, location: "/users"},
		{name: "clean off", mux: func(m *router.Mux) { m.NoCleanPathRedirect = true }, method: "GET", target: "//users/7", code: 404},
		{name: "case", mux: func(m *router.Mux) { m.CaseInsensitiveRedirect = true }, method: "GET", target: "/intro", code: 301, location: "/Intro"},
		{name: "no open redirect", mux: func(m *router.Mux) {
			m.HandleFunc("GET", "//evil.example", func(http.ResponseWriter, *http.Request, router.Params) {})
			m.NoCleanPathRedirect = true
		}, method: "GET", target: "//evil.example/", code: 301, location: "/evil.example"},
		{name: "case off", method: "GET", target: "/intro", code: 404},
		{name: "not found handler", mux: func(m *router.Mux) {
			m.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) })
		}, method: "GET", target: "/nope", code: 418},
		{name: "405 handler", mux: func(m *router.Mux) {
			m.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(499) })
		}, method: "PATCH", target: "/users", code: 499, allow: "POST, OPTIONS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMux(t)
			if tt.mux != nil {
				tt.mux(m)
			}
			req := httptest.NewRequest(tt.method, tt.target, nil)
			rec := httptest.NewRecorder()
			m.ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Errorf("code %d, want %d", rec.Code, tt.code)
			}
			if tt.body != "" && rec.Body.String() != tt.body {
				t.Errorf("body %q, want %q", rec.Body.String(), tt.body)
			}
			if got := rec.Header().Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow %q, want %q", got, tt.allow)
			}
		})
	}
}

// TestMuxServer runs the Mux behind a real net/http server and client.
func TestMuxServer(t *testing.T) {
	srv := httptest.NewServer(newTestMux(t))
	defer srv.Close()
	res, err := http.Get(srv.URL + "//users/../users/42")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "GET /users/:id id=42" {
		t.Fatalf("got %d %q after redirects", res.StatusCode, body)
	}
}
