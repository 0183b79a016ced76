package router_test

import (
	"path"
	"strings"
	"testing"

	"github.com/tako-go/tako/router"
)

var cleanTests = []struct{ in, want string }{
	{"", "/"},
	{"/", "/"},
	{"a", "/a"},
	{"a/b/", "/a/b/"},
	{"/abc", "/abc"},
	{"/a/b/c", "/a/b/c"},
	{"/abc/", "/abc/"},
	{"//", "/"},
	{"///a//b///", "/a/b/"},
	{"/./", "/"},
	{"/a/./b", "/a/b"},
	{"/a/.", "/a/"},
	{"/..", "/"},
	{"/../a", "/a"},
	{"/a/../b", "/b"},
	{"/a/b/..", "/a/"},
	{"/a/b/../..", "/"},
	{"/a/b/../../..", "/"},
	{"/a/.../b", "/a/.../b"},
	{"/a/..b/.c", "/a/..b/.c"},
	{"/a/%2e%2e/b", "/a/%2e%2e/b"}, // escapes are not decoded
	{"/a/b/../c/./d/", "/a/c/d/"},
}

func TestCleanPath(t *testing.T) {
	for _, tt := range cleanTests {
		if got := router.CleanPath(tt.in); got != tt.want {
			t.Errorf("CleanPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := router.CleanPath(tt.want); got != tt.want {
			t.Errorf("CleanPath(%q) = %q, not idempotent", tt.want, got)
		}
	}
}

// cleanRef is CleanPath by way of path.Clean, which drops the trailing slash
// that CleanPath keeps.
func cleanRef(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	c := path.Clean(p)
	if c != "/" && (strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..")) {
		c += "/"
	}
	return c
}

func FuzzCleanPath(f *testing.F) {
	for _, tt := range cleanTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := router.CleanPath(p)
		if want := cleanRef(p); got != want {
			t.Fatalf("CleanPath(%q) = %q, path.Clean says %q", p, got, want)
		}
		if again := router.CleanPath(got); again != got {
			t.Fatalf("CleanPath(%q) = %q, then %q", p, got, again)
		}
	})
}
