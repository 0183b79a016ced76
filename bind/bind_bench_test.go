package bind_test

import (
	"testing"

	"github.com/tako-go/tako/bind"
)

// benchIn is the benchmark's target: path + query + header + a small JSON
// body, the same struct bench/bind binds with Fiber, Gin and Echo.
type benchIn struct {
	OrgID  int64    `path:"org"`
	UserID int64    `path:"user"`
	Page   int      `query:"page" validate:"min=1"`
	Limit  int      `query:"limit" default:"20" validate:"max=100"`
	Sort   string   `query:"sort"`
	Tags   []string `query:"tag"`
	Trace  string   `header:"X-Trace-Id"`
	Name   string   `json:"name" validate:"required"`
	Email  string   `json:"email" validate:"required,email"`
	Age    int      `json:"age" validate:"gte=0,lte=150"`
	Admin  bool     `json:"admin"`
}

var benchBody = []byte(`{"name":"Ada Lovelace","email":"ada@example.com","age":36,"admin":true}`)

func benchSource() *fakeSource {
	return &fakeSource{
		path:   [][2]string{{"org", "42"}, {"user", "1815"}},
		query:  [][2]string{{"page", "3"}, {"sort", "name"}, {"tag", "math"}, {"tag", "poetry"}},
		header: [][2]string{{"X-Trace-Id", "4bf92f3577b34da6a3ce929d0e0e4736"}},
		body:   benchBody,
		ctype:  "application/json",
	}
}

func BenchmarkBind(b *testing.B) {
	for _, mode := range []struct {
		name string
		o    bind.Options
	}{{"safe", bind.Options{}}, {"zerocopy", bind.Options{ZeroCopy: true}}} {
		b.Run(mode.name, func(b *testing.B) {
			src := benchSource()
			var v benchIn
			b.ReportAllocs()
			b.SetBytes(int64(len(benchBody)))
			for b.Loop() {
				v = benchIn{}
				if err := mode.o.Bind(src, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
