package bind_test

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
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
		if got := bind.QueryCursorValues(raw, k); !reflect.DeepEqual(got, vs) {
			t.Fatalf("cursor over %q for %q = %q, want %q", raw, k, got, vs)
		}
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

func TestMaxValues(t *testing.T) {
	type in struct {
		IDs []int `query:"id"`
	}
	o := bind.Options{MaxValues: 3}
	var v in
	if err := o.Bind(bind.QueryString("id=1&id=2,3"), &v); err != nil || len(v.IDs) != 3 {
		t.Fatalf("%v %v", err, v.IDs)
	}
	for _, q := range []string{"id=1&id=2&id=3&id=4", "id=1,2,3,4", "id=1&id=2,3,4"} {
		err := o.Bind(bind.QueryString(q), &v)
		var errs *bind.Errors
		if !errors.As(err, &errs) || errs.Fields[0].Rule != bind.RuleSize || errs.Fields[0].Field != "id" || !errs.Malformed() {
			t.Errorf("%s: %v", q, err)
		}
	}
	// The default bound, on a form body read through the cursor.
	body := strings.Repeat("id=1&", bind.DefaultMaxValues+1)
	err := bind.Bind(&fakeSource{body: []byte(body), ctype: "application/x-www-form-urlencoded"}, &struct {
		IDs []int `form:"id"`
	}{})
	if err == nil || !strings.Contains(err.Error(), "more than 256 values") {
		t.Errorf("default bound: %v", err)
	}
}
