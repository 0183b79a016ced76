package router_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tako-go/tako/router"
)

// newTestRouter registers every "METHOD pattern" with the pattern itself as
// handler, so a lookup's handler says which route answered.
func newTestRouter(t testing.TB, routes ...string) *router.Router[string] {
	t.Helper()
	r := router.New[string]()
	for _, rt := range routes {
		m, p, _ := strings.Cut(rt, " ")
		if err := r.Handle(m, p, rt); err != nil {
			t.Fatalf("Handle(%q, %q): %v", m, p, err)
		}
	}
	return r
}

// describe renders a lookup as "METHOD pattern k=v ..." or a miss as
// "miss allow=... tsr".
func describe(res router.Result[string], ps *router.Params) string {
	if !res.OK {
		s := "miss"
		if res.Allow != "" {
			s += " allow=" + res.Allow
		}
		if res.TSR {
			s += " tsr"
		}
		return s
	}
	s := res.Handler
	if res.Pattern != ps.Pattern() || !strings.HasSuffix(res.Handler, " "+res.Pattern) {
		s += fmt.Sprintf(" (pattern %q, params pattern %q)", res.Pattern, ps.Pattern())
	}
	for i := 0; i < ps.Len(); i++ {
		s += " " + ps.Name(i) + "=" + ps.Value(i)
	}
	return s
}

func TestLookup(t *testing.T) {
	r := newTestRouter(t,
		"GET /",
		"GET /users",
		"GET /users/new",
		"GET /users/:id",
		"GET /users/:id/x",
		"GET /users/new/y",
		"GET /users/*rest",
		"POST /users",
		"DELETE /users/:id",
		"GET /files/{path...}",
		"GET /files/readme",
		"GET /static/*",
		"GET /a/{b}/c/{d}",
		"GET /a/{b}/c/e",
		"GET /a/x/:c/:d",
		"GET /dir/",
		"GET /dir2/{$}",
		"GET /colon/a:b",
		"GET /star/a*b",
		"PURGE /cache/:key",
		"OPTIONS /opts",
		"GET /opts",
		"GET /head",
		"HEAD /head",
		"GET /shop/:cat/items",
		"GET /shop/special/:item",
	)
	tests := []struct{ method, path, want string }{
		{"GET", "/", "GET / "},
		{"GET", "/users", "GET /users"},
		{"GET", "/users/new", "GET /users/new"},
		{"GET", "/users/42", "GET /users/:id id=42"},
		{"GET", "/users/new/x", "GET /users/:id/x id=new"}, // backtracking
		{"GET", "/users/new/y", "GET /users/new/y"},
		{"GET", "/users/42/x", "GET /users/:id/x id=42"},
		{"GET", "/users/42/y", "GET /users/*rest rest=42/y"},
		{"GET", "/users/new/z", "GET /users/*rest rest=new/z"},
		{"GET", "/users/", "GET /users/*rest rest="},
		{"GET", "/users/a%2Fb", "GET /users/:id id=a%2Fb"}, // raw path: no decoding
		{"POST", "/users", "POST /users"},
		{"DELETE", "/users/7", "DELETE /users/:id id=7"},
		{"GET", "/files/readme", "GET /files/readme"},
		{"GET", "/files/a/b/c", "GET /files/{path...} path=a/b/c"},
		{"GET", "/files/", "GET /files/{path...} path="},
		{"GET", "/files", "miss tsr"},
		{"GET", "/static/x.css", "GET /static/* *=x.css"},
		{"GET", "/a/1/c/2", "GET /a/{b}/c/{d} b=1 d=2"},
		{"GET", "/a/1/c/e", "GET /a/{b}/c/e b=1"},
		{"GET", "/a/x/c/e", "GET /a/x/:c/:d c=c d=e"}, // static a/x wins at segment 2
		{"GET", "/a/x/c", "miss"},
		{"GET", "/dir/", "GET /dir/"},
		{"GET", "/dir", "miss tsr"},
		{"GET", "/dir2/", "GET /dir2/{$}"},
		{"GET", "/dir2/x", "miss"},
		{"GET", "/colon/a:b", "GET /colon/a:b"},
		{"GET", "/star/a*b", "GET /star/a*b"},
		{"GET", "/star/ab", "miss"},
		{"PURGE", "/cache/k1", "PURGE /cache/:key key=k1"},
		{"GET", "/cache/k1", "miss allow=OPTIONS, PURGE"},
		{"PUT", "/users", "miss allow=GET, HEAD, POST, OPTIONS"},
		{"PUT", "/users/1", "miss allow=GET, HEAD, DELETE, OPTIONS"},
		{"HEAD", "/users/1", "GET /users/:id id=1"}, // HEAD falls back to GET
		{"HEAD", "/head", "HEAD /head"},
		{"GET", "/head", "GET /head"},
		{"OPTIONS", "/opts", "OPTIONS /opts"},
		{"OPTIONS", "/users", "miss allow=GET, HEAD, POST, OPTIONS"},
		{"OPTIONS", "*", "miss allow=GET, HEAD, POST, DELETE, OPTIONS, PURGE"},
		{"GET", "*", "miss"},
		{"GET", "/users/1/", "GET /users/*rest rest=1/"},
		{"GET", "/users/", "GET /users/*rest rest="},
		{"GET", "/nothing", "miss"},
		{"GET", "", "miss"},
		{"GET", "users", "miss"},
		{"GET", "/shop/special/items", "GET /shop/special/:item item=items"}, // static segment 2 wins
		{"GET", "/shop/hats/items", "GET /shop/:cat/items cat=hats"},
		{"GET", "/shop/specialx/items", "GET /shop/:cat/items cat=specialx"}, // backtrack out of a static prefix
		{"GET", "/shop/special/hat", "GET /shop/special/:item item=hat"},
		{"GET", "/shop/special/items/", "miss tsr"},
		{"BREW", "/users", "miss allow=GET, HEAD, POST, OPTIONS"},
	}
	for _, tt := range tests {
		var ps router.Params
		res := r.Lookup(tt.method, tt.path, &ps)
		got := describe(res, &ps)
		want := tt.want
		if want == "GET / " {
			want = "GET /"
		}
		if got != want {
			t.Errorf("Lookup(%s %q) = %q, want %q", tt.method, tt.path, got, want)
		}
	}
}

func TestLookupTrailingSlash(t *testing.T) {
	r := newTestRouter(t, "GET /a", "GET /b/", "GET /c/:id", "GET /d/:id/", "POST /e/", "GET /f/*x", "GET /")
	tests := []struct {
		method, path string
		tsr          bool
	}{
		{"GET", "/a/", true},
		{"GET", "/b", true},
		{"GET", "/c/1/", true},
		{"GET", "/d/1", true},
		{"GET", "/f", true},
		{"POST", "/e", true},
		{"GET", "/e", false}, // only POST has /e/
		{"HEAD", "/a/", true},
		{"GET", "/x/", false},
		{"GET", "/c/", false}, // "/c" has no route either
	}
	for _, tt := range tests {
		var ps router.Params
		res := r.Lookup(tt.method, tt.path, &ps)
		if res.OK || res.TSR != tt.tsr {
			t.Errorf("Lookup(%s %q): OK=%v TSR=%v, want TSR=%v", tt.method, tt.path, res.OK, res.TSR, tt.tsr)
		}
	}
}

func TestHandleErrors(t *testing.T) {
	tests := []struct {
		existing []string
		method   string
		pattern  string
		want     []string // substrings of the error
	}{
		{nil, "GET", "users", []string{`"users"`, "begin with '/'"}},
		{nil, "GET", "", []string{"begin with '/'"}},
		{nil, "GET", "/a/:", []string{"no name"}},
		{nil, "GET", "/a/{}", []string{"no name"}},
		{nil, "GET", "/a/{...}", []string{"no name"}},
		{nil, "GET", "/a/*x/b", []string{"last segment", "/a/*x/b"}},
		{nil, "GET", "/a/{x...}/b", []string{"last segment"}},
		{nil, "GET", "/a/{$}/b", []string{"{$}", "last segment"}},
		{nil, "GET", "/a/{x", []string{"offset 3"}},
		{nil, "GET", "/a/b{x}", []string{"offset 4", "whole segment"}},
		{nil, "GET", "/a/:x/:x", []string{`"x" used twice`}},
		{nil, "GET", "/a/:x:y", []string{"not allowed in a parameter name"}},
		{nil, "G ET", "/a", []string{"invalid method"}},
		{nil, "", "/a", []string{"invalid method"}},
		{[]string{"GET /users/:id"}, "GET", "/users/:id", []string{"GET /users/:id conflicts with GET /users/:id", "same route"}},
		{[]string{"GET /users/:id"}, "GET", "/users/{id}", []string{"GET /users/{id} conflicts with GET /users/:id"}},
		{[]string{"GET /users/:id"}, "GET", "/users/:name", []string{"GET /users/:name conflicts with GET /users/:id"}},
		{[]string{"GET /users/:id"}, "POST", "/users/:uid/posts", []string{"POST /users/:uid/posts conflicts with GET /users/:id", `"uid"`, `"id"`}},
		{[]string{"GET /f/*path"}, "GET", "/f/{rest...}", []string{"GET /f/{rest...} conflicts with GET /f/*path"}},
		{[]string{"GET /a/{$}"}, "GET", "/a/", []string{"conflicts with GET /a/{$}"}},
		{nil, "GET", "/" + strings.Repeat(":p/", 0) + manyParams(router.MaxParams+1), []string{"more than 16 parameters"}},
	}
	for _, tt := range tests {
		r := newTestRouter(t, tt.existing...)
		err := r.Handle(tt.method, tt.pattern, "x")
		if err == nil {
			t.Errorf("Handle(%q, %q) after %q: no error", tt.method, tt.pattern, tt.existing)
			continue
		}
		if !strings.HasPrefix(err.Error(), "router: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Handle(%q, %q) error %q does not contain %q", tt.method, tt.pattern, err, w)
			}
		}
		if got := len(r.Routes()); got != len(tt.existing) {
			t.Errorf("Handle(%q, %q) failed but registered something: %d routes", tt.method, tt.pattern, got)
		}
	}
}

func manyParams(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf(":p%d", i)
	}
	return strings.Join(s, "/")
}

func TestHandleAccepts(t *testing.T) {
	// Coexisting shapes and same names across methods are fine.
	newTestRouter(t,
		"GET /users/:id", "POST /users/:id", "GET /users/new", "GET /users/*rest",
		"GET /users/:id/posts/:post", "PUT /users/{id}/posts/{post}",
		"GET /p/"+manyParams(router.MaxParams),
	)
}

func TestMaxMethods(t *testing.T) {
	r := router.New[int]()
	var err error
	for i := 0; err == nil && i < 100; i++ {
		err = r.Handle(fmt.Sprintf("M%d", i), "/", i)
	}
	if err == nil || !strings.Contains(err.Error(), "too many methods") {
		t.Fatalf("got %v, want too many methods", err)
	}
}

func TestRoutes(t *testing.T) {
	r := newTestRouter(t, "GET /a/:x/{y}", "POST /b/*rest", "GET /c/*")
	got := r.Routes()
	want := []router.Route{
		{Method: "GET", Pattern: "/a/:x/{y}", Params: []string{"x", "y"}},
		{Method: "POST", Pattern: "/b/*rest", Params: []string{"rest"}},
		{Method: "GET", Pattern: "/c/*", Params: []string{"*"}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Routes() = %v, want %v", got, want)
	}
	got[0].Params[0] = "changed"
	if r.Routes()[0].Params[0] != "x" {
		t.Fatal("Routes() shares its slices with the router")
	}
}

func TestParams(t *testing.T) {
	r := newTestRouter(t, "GET /u/:name/f/*path")
	var ps router.Params
	if !r.Lookup("GET", "/u/J%C3%BCrgen/f/a%20b/c", &ps).OK {
		t.Fatal("no match")
	}
	if ps.Len() != 2 || ps.Name(0) != "name" || ps.Name(1) != "path" {
		t.Fatalf("names: %d %q %q", ps.Len(), ps.Name(0), ps.Name(1))
	}
	if v := ps.Get("name"); v != "J%C3%BCrgen" {
		t.Errorf("Get(name) = %q", v)
	}
	if v, err := ps.Unescaped("name"); err != nil || v != "Jürgen" {
		t.Errorf("Unescaped(name) = %q, %v", v, err)
	}
	if v, err := ps.UnescapedValue(1); err != nil || v != "a b/c" {
		t.Errorf("UnescapedValue(1) = %q, %v", v, err)
	}
	if v, ok := ps.Lookup("nope"); ok || v != "" {
		t.Errorf("Lookup(nope) = %q, %v", v, ok)
	}
	if ps.Pattern() != "/u/:name/f/*path" {
		t.Errorf("Pattern() = %q", ps.Pattern())
	}
	r2 := newTestRouter(t, "GET /x/:v")
	r2.Lookup("GET", "/x/100%zz", &ps)
	if _, err := ps.Unescaped("v"); err == nil || !strings.Contains(err.Error(), "router: parameter v") {
		t.Errorf("bad escape: err = %v", err)
	}
	ps.Reset()
	if ps.Len() != 0 || ps.Get("v") != "" || ps.Pattern() != "" {
		t.Error("Reset left values")
	}
	// A miss empties the params of an earlier match.
	r2.Lookup("GET", "/x/1", &ps)
	r2.Lookup("GET", "/nope", &ps)
	if ps.Len() != 0 {
		t.Error("miss kept params")
	}
}

func TestFixPath(t *testing.T) {
	r := newTestRouter(t, "GET /users/:id", "GET /Docs/Intro", "GET /dir/", "POST /form")
	const (
		clean = router.FixClean
		all   = router.FixClean | router.FixCase | router.FixTrailingSlash
	)
	tests := []struct {
		method, path string
		fix          router.Fix
		want         string
	}{
		{"GET", "//users/1", clean, "/users/1"},
		{"GET", "/a/../users/./1", clean, "/users/1"},
		{"GET", "/users/1", all, ""}, // already right
		{"GET", "/USERS/Bob", all, "/users/Bob"},
		{"GET", "/USERS/Bob", clean, ""},
		{"GET", "/USERS/Bob", router.FixCase, "/users/Bob"},
		{"GET", "/docs/intro", all, "/Docs/Intro"},
		{"GET", "//docs/INTRO/", all, "/Docs/Intro"},
		{"GET", "//docs/INTRO/", router.FixCase | router.FixClean, ""},
		{"GET", "/dir/../dir", clean, ""},
		{"GET", "/dir/../dir", clean | router.FixTrailingSlash, "/dir/"},
		{"GET", "/dir", router.FixTrailingSlash, "/dir/"},
		{"HEAD", "/Users/1", all, "/users/1"},
		{"POST", "/x/../form", clean, "/form"},
		{"GET", "/x/../form", all, ""},
		{"BREW", "/users/1", all, ""},
		{"GET", "", all, ""},
	}
	for _, tt := range tests {
		got, ok := r.FixPath(tt.method, tt.path, tt.fix)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("FixPath(%s %q, %b) = %q, %v; want %q", tt.method, tt.path, tt.fix, got, ok, tt.want)
		}
	}
}

func TestRedirectCode(t *testing.T) {
	for m, want := range map[string]int{"GET": 301, "HEAD": 308, "POST": 308, "PUT": 308, "DELETE": 308} {
		if got := router.RedirectCode(m); got != want {
			t.Errorf("RedirectCode(%s) = %d, want %d", m, got, want)
		}
	}
	for p, want := range map[string]string{"/a": "/a/", "/a/": "/a", "/": "/"} {
		if got := router.TrailingSlashPath(p); got != want && p != "/" {
			t.Errorf("TrailingSlashPath(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestZeroRouter(t *testing.T) {
	var r router.Router[int]
	var ps router.Params
	if res := r.Lookup("GET", "/", &ps); res.OK || res.Allow != "" || res.TSR {
		t.Fatalf("empty router matched: %+v", res)
	}
	if err := r.Handle("GET", "/", 1); err != nil {
		t.Fatal(err)
	}
	if res := r.Lookup("GET", "/", &ps); !res.OK || res.Handler != 1 {
		t.Fatalf("got %+v", res)
	}
}

func TestAllTables(t *testing.T) {
	for _, name := range []string{"github", "parse", "gplus", "static"} {
		routes := loadTable(t, name)
		r := router.New[int]()
		for i, rt := range routes {
			if err := r.Handle(rt.method, rt.path, i); err != nil {
				t.Fatal(err)
			}
		}
		for i, rt := range routes {
			var ps router.Params
			res := r.Lookup(rt.method, rt.path, &ps)
			if !res.OK || res.Handler != i || res.Pattern != rt.path {
				t.Errorf("%s: %s %s: got %+v", name, rt.method, rt.path, res)
			}
			// Each ":name" segment of the request path is its own value.
			for j := 0; j < ps.Len(); j++ {
				if ps.Value(j) != ":"+ps.Name(j) {
					t.Errorf("%s: %s: param %s = %q", name, rt.path, ps.Name(j), ps.Value(j))
				}
			}
		}
	}
}

// TestConcurrentHandle backs the documented promise that Handle may run
// while lookups do (run with -race).
func TestConcurrentHandle(t *testing.T) {
	r := newTestRouter(t, "GET /fixed/:id")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 200 {
			r.MustHandle("GET", fmt.Sprintf("/r%d/:x", i), "x")
		}
	}()
	var ps router.Params
	for {
		select {
		case <-done:
			if !r.Lookup("GET", "/r199/v", &ps).OK {
				t.Fatal("last route missing")
			}
			return
		default:
			if res := r.Lookup("GET", "/fixed/1", &ps); !res.OK || ps.Get("id") != "1" {
				t.Fatalf("lookup during registration: %+v", res)
			}
		}
	}
}
