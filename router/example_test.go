package router_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tako-go/tako/router"
)

// A Mux serves net/http requests; handlers registered with HandleFunc get
// the parameters as an argument.
func Example() {
	m := router.NewMux()
	m.HandleFunc("GET", "/users/:id", func(w http.ResponseWriter, r *http.Request, ps router.Params) {
		fmt.Fprintf(w, "user %s", ps.Get("id"))
	})
	m.HandleFunc("GET", "/files/{path...}", func(w http.ResponseWriter, r *http.Request, ps router.Params) {
		fmt.Fprintf(w, "file %s", ps.Get("path"))
	})

	for _, target := range []string{"/users/42", "/files/css/site.css", "/users/42/", "/nope"} {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Println(strings.TrimSpace(fmt.Sprintln(target, rec.Code, rec.Header().Get("Location"), rec.Body.String())))
	}
	// Output:
	// /users/42 200  user 42
	// /files/css/site.css 200  file css/site.css
	// /users/42/ 301 /users/42
	// /nope 404  404 page not found
}

// Router is generic over the handler type; Lookup reports what to answer.
func ExampleRouter_Lookup() {
	r := router.New[string]()
	r.MustHandle("GET", "/users/:id", "show user")
	r.MustHandle("DELETE", "/users/:id", "delete user")

	var ps router.Params // reuse it across lookups: Lookup resets it
	res := r.Lookup("GET", "/users/7", &ps)
	fmt.Println(res.OK, res.Handler, res.Pattern, ps.Get("id"))

	res = r.Lookup("PUT", "/users/7", &ps)
	fmt.Println(res.OK, res.Allow)
	// Output:
	// true show user /users/:id 7
	// false GET, HEAD, DELETE, OPTIONS
}

// Plain http.Handlers read parameters with r.PathValue, as under
// net/http's ServeMux.
func ExampleMux_Handle() {
	m := router.NewMux()
	m.Handle("GET", "/hello/{name}", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello "+r.PathValue("name"))
	}))
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/hello/gopher", nil))
	fmt.Println(rec.Body.String())
	// Output: hello gopher
}

func ExampleCleanPath() {
	fmt.Println(router.CleanPath("//a/./b/../c/"))
	// Output: /a/c/
}
