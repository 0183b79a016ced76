package router_test

import (
	"net/http"
	"testing"

	"github.com/tako-go/tako/router"
)

func TestLookupAllocs(t *testing.T) {
	routes := loadTable(t, "github")
	r := router.New[int]()
	for i, rt := range routes {
		if err := r.Handle(rt.method, rt.path, i); err != nil {
			t.Fatal(err)
		}
	}
	r.MustHandle("GET", "/files/*path", 0)
	tests := []struct{ name, method, path string }{
		{"static", "GET", "/user/repos"},
		{"one param", "GET", "/users/bob"},
		{"multi param", "GET", "/repos/julienschmidt/httprouter/stargazers"},
		{"catch-all", "GET", "/files/a/b/c.txt"},
		{"HEAD fallback", "HEAD", "/users/bob"},
		{"404", "GET", "/no/such/path"},
		{"405", "PUT", "/authorizations"},
		{"TSR", "GET", "/user/repos/"},
	}
	for _, tt := range tests {
		var ps router.Params
		r.Lookup(tt.method, tt.path, &ps) // warm the Allow cache
		n := testing.AllocsPerRun(100, func() {
			r.Lookup(tt.method, tt.path, &ps)
		})
		if n != 0 {
			t.Errorf("%s: Lookup(%s %s) allocates %v times", tt.name, tt.method, tt.path, n)
		}
		if n := testing.AllocsPerRun(100, func() { r.Find(tt.method, tt.path, &ps) }); n != 0 {
			t.Errorf("%s: Find(%s %s) allocates %v times", tt.name, tt.method, tt.path, n)
		}
	}
}

func TestCleanPathAllocs(t *testing.T) {
	for _, p := range []string{"/", "/a/b/c", "/a/b/c/", "/repos/julienschmidt/httprouter/stargazers"} {
		if n := testing.AllocsPerRun(100, func() { router.CleanPath(p) }); n != 0 {
			t.Errorf("CleanPath(%q) allocates %v times", p, n)
		}
	}
}

func TestMuxAllocs(t *testing.T) {
	m := router.NewMux()
	m.HandleFunc("GET", "/users/:id/posts/:post", func(w http.ResponseWriter, r *http.Request, ps router.Params) {
		if ps.Get("post") == "" {
			t.Error("no post")
		}
	})
	req, _ := http.NewRequest("GET", "/users/1/posts/2", nil)
	w := &nopWriter{h: http.Header{}}
	if n := testing.AllocsPerRun(100, func() { m.ServeHTTP(w, req) }); n != 0 {
		t.Errorf("Mux.ServeHTTP allocates %v times", n)
	}
}
