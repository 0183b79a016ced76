package bind_test

import (
	"net/http/httptest"
	"testing"

	"github.com/tako-go/tako/bind"
)

type allocIn struct {
	OrgID  int64   `path:"org"`
	Page   int     `query:"page" validate:"min=1"`
	Limit  int     `query:"limit" default:"20" validate:"max=100"`
	Sort   string  `query:"sort" validate:"oneof=name date"`
	Trace  string  `header:"X-Trace-Id"`
	Sess   string  `cookie:"sid"`
	Ratio  float64 `query:"ratio"`
	Debug  bool    `query:"debug"`
	Name   string  `json:"name" validate:"required,min=2"`
	Email  string  `json:"email" validate:"required,email"`
	Age    int     `json:"age" validate:"gte=0"`
	Active bool    `json:"active"`
}

func allocSource() *fakeSource {
	return &fakeSource{
		path:   [][2]string{{"org", "42"}},
		query:  [][2]string{{"page", "3"}, {"sort", "name"}, {"ratio", "0.5"}, {"debug", "true"}},
		header: [][2]string{{"X-Trace-Id", "abc"}},
		cookie: [][2]string{{"sid", "s1"}},
		body:   []byte(`{"name":"Ada","email":"ada@example.com","age":36,"active":true}`),
		ctype:  "application/json",
	}
}

// TestBindAllocs: binding path, query, header, cookie and a JSON body
// allocates nothing in zero-copy mode, and in safe mode nothing either on
// average: the copies share pooled 512-byte chunks (one allocation every
// few dozen calls here).
func TestBindAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	src := allocSource()
	var v allocIn
	zc := bind.Options{ZeroCopy: true}
	if err := zc.Bind(src, &v); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := zc.Bind(src, &v); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("zero-copy Bind allocates %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := bind.Bind(src, &v); err != nil {
			t.Fatal(err)
		}
	}); n != 0 && !raceOn {
		t.Errorf("safe Bind allocates %v times per call, want 0", n)
	}
	// A query string Source with no escapes: nothing allocates either.
	type q struct {
		Page int    `query:"page"`
		Sort string `query:"sort"`
	}
	var qv q
	qs := bind.QueryString("page=2&sort=date")
	if n := testing.AllocsPerRun(200, func() {
		if err := zc.Bind(qs, &qv); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("QueryString Bind allocates %v times, want 0", n)
	}
	// bind.Request is one pointer wide (no boxing) and stable: even the
	// safe default copies nothing.
	r := httptest.NewRequest("GET", "/?page=2&sort=date", nil)
	if n := testing.AllocsPerRun(200, func() {
		if err := bind.Bind(bind.Request{R: r}, &qv); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Request Bind allocates %v times, want 0", n)
	}
}
