package bind_test

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/tako-go/tako/bind"
)

var queryCases = []string{
	"", "a=1", "a=1&a=2&b=3", "a", "a=", "=x", "&&a=1&&", "a+b=c+d", "a%20b=%7e%7E",
	"a=%zz&a=2", "a=1;b=2&c=3", "%61=1", "a=%", "a=%2", "k=v=w", "a=%E2%82%AC",
}

// TestQueryValueMatchesNetURL checks QueryValue and VisitQuery against
// url.ParseQuery, the reference.
func TestQueryValueMatchesNetURL(t *testing.T) {
	for _, raw := range queryCases {
		checkQueryAgainstURL(t, raw)
	}
}

func checkQueryAgainstURL(t *testing.T, raw string) {
	t.Helper()
	want, _ := url.ParseQuery(raw) // keeps the good pairs on error
	got := url.Values{}
	bind.VisitQuery(raw, func(k, v string) bool {
		got[k] = append(got[k], v)
		return true
	})
	if len(want) == 0 {
		want = url.Values{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("VisitQuery(%q) = %v, url.ParseQuery = %v", raw, got, want)
	}
	for k, vs := range want {
		for i, w := range vs {
			if v, ok := bind.QueryValue(raw, k, i); !ok || v != w {
				t.Fatalf("QueryValue(%q, %q, %d) = %q, %v; want %q", raw, k, i, v, ok, w)
			}
		}
		if _, ok := bind.QueryValue(raw, k, len(vs)); ok {
			t.Fatalf("QueryValue(%q, %q, %d) found a value past the end", raw, k, len(vs))
		}
	}
}

func TestQueryValueAllocs(t *testing.T) {
	raw := "page=3&sort=name&tag=a&tag=b&q=hello+world"
	if n := testing.AllocsPerRun(100, func() {
		if v, ok := bind.QueryValue(raw, "tag", 1); !ok || v != "b" {
			t.Fatal(v)
		}
	}); n != 0 {
		t.Errorf("QueryValue allocates %v times", n)
	}
}
