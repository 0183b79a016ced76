package parse

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func cookieCollect(h string) []Cookie {
	var out []Cookie
	it := ParseCookie(h)
	for {
		c, ok := it.Next()
		if !ok {
			return out
		}
		out = append(out, c)
	}
}

// cookieNetHTTP is what http.Request.Cookies makes of a Cookie value.
func cookieNetHTTP(h string) []Cookie {
	r := &http.Request{Header: http.Header{"Cookie": {h}}}
	var out []Cookie
	for _, c := range r.Cookies() {
		out = append(out, Cookie{Name: c.Name, Value: c.Value, Quoted: c.Quoted})
	}
	return out
}

func TestParseCookie(t *testing.T) {
	tests := []struct {
		in      string
		want    []Cookie
		skipped int
	}{
		{"", nil, 0},
		{"a=1", []Cookie{{"a", "1", false}}, 0},
		{"a=1; b=2;c=3 ;; ", []Cookie{{"a", "1", false}, {"b", "2", false}, {"c", "3", false}}, 0},
		{`a="q v"; b=""; c="`, []Cookie{{"a", "q v", true}, {"b", "", true}}, 1},
		{"flag; a=", []Cookie{{"flag", "", false}, {"a", "", false}}, 0},
		{"b@d=1; ok=2; v=a\\b; w=\x7f", []Cookie{{"ok", "2", false}}, 3},
		{" sp = x=y ", []Cookie{{"sp", " x=y", false}}, 0},
		{"a=1,b=2", []Cookie{{"a", "1,b=2", false}}, 0},
	}
	for _, tt := range tests {
		it := ParseCookie(tt.in)
		var got []Cookie
		for {
			c, ok := it.Next()
			if !ok {
				break
			}
			got = append(got, c)
		}
		if !reflect.DeepEqual(got, tt.want) || it.Skipped() != tt.skipped {
			t.Errorf("ParseCookie(%q) = %+v skipped %d; want %+v skipped %d", tt.in, got, it.Skipped(), tt.want, tt.skipped)
		}
		if nh := cookieNetHTTP(tt.in); !reflect.DeepEqual(nh, tt.want) {
			t.Errorf("net/http disagrees on %q: %+v", tt.in, nh)
		}
	}
	if v, ok := CookieValue("a=1; session=abc; session=def", "session"); !ok || v != "abc" {
		t.Errorf("CookieValue = %q, %v", v, ok)
	}
	if _, ok := CookieValue("Session=abc", "session"); ok {
		t.Error("cookie names are case-sensitive")
	}
}

const cookieSample = "_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000; session_id=8f14e45fceea167a5a36dedd4bea2543; theme=dark; lang=en-GB; csrftoken=Xk8n2LwQzP4vR7tY1uI3oA5sD6fG9hJ0"

func TestCookieAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		it := ParseCookie(cookieSample)
		for {
			if _, ok := it.Next(); !ok {
				break
			}
		}
		if v, _ := CookieValue(cookieSample, "csrftoken"); v == "" {
			t.Fatal("missing")
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkCookie(b *testing.B) {
	b.Run("tako", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(cookieSample)))
		for b.Loop() {
			it := ParseCookie(cookieSample)
			n := 0
			for {
				if _, ok := it.Next(); !ok {
					break
				}
				n++
			}
			if n != 6 {
				b.Fatal(n)
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		r := &http.Request{Header: http.Header{"Cookie": {cookieSample}}}
		b.ReportAllocs()
		b.SetBytes(int64(len(cookieSample)))
		for b.Loop() {
			if n := len(r.Cookies()); n != 6 {
				b.Fatal(n)
			}
		}
	})
}

// BenchmarkCookieValue looks one cookie up, the common middleware case.
func BenchmarkCookieValue(b *testing.B) {
	b.Run("tako", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(cookieSample)))
		for b.Loop() {
			if v, _ := CookieValue(cookieSample, "session_id"); v == "" {
				b.Fatal("missing")
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		r := &http.Request{Header: http.Header{"Cookie": {cookieSample}}}
		b.ReportAllocs()
		b.SetBytes(int64(len(cookieSample)))
		for b.Loop() {
			if c, err := r.Cookie("session_id"); err != nil || c.Value == "" {
				b.Fatal("missing")
			}
		}
	})
}

func FuzzCookie(f *testing.F) {
	for _, s := range []string{cookieSample, "", "a=1", `a="q v"; b=""; c="`, "flag; a=", " sp = x=y ", "a=1,b=2", "b@d=1; ok=2", "a=\"\"\"", "=v; a=\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got := cookieCollect(h)
		// Differential: net/http's readCookies, except past its pair limit
		// (it then returns nothing) and for CR/LF/NUL, which cannot reach it
		// inside a real header value.
		if strings.Count(h, ";") < 3000 && !strings.ContainsAny(h, "\r\n\x00") {
			if want := cookieNetHTTP(h); !reflect.DeepEqual(got, want) {
				t.Fatalf("ParseCookie(%q) = %+v; net/http %+v", h, got, want)
			}
		}
		// Differential: where the strict http.ParseCookie accepts the line,
		// we return the same pairs and skip none.
		if cs, err := http.ParseCookie(h); err == nil {
			it := ParseCookie(h)
			for _, c := range cs {
				g, ok := it.Next()
				if !ok || g != (Cookie{Name: c.Name, Value: c.Value, Quoted: c.Quoted}) {
					t.Fatalf("ParseCookie(%q): %+v; http.ParseCookie %+v", h, g, c)
				}
			}
			if _, ok := it.Next(); ok || it.Skipped() != 0 {
				t.Fatalf("ParseCookie(%q): extra pairs or skips where http.ParseCookie accepts", h)
			}
		}
		// Round trip: the pairs re-joined parse to the same pairs.
		var b strings.Builder
		for i, c := range got {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(c.Name)
			b.WriteByte('=')
			if c.Quoted {
				b.WriteByte('"')
			}
			b.WriteString(c.Value)
			if c.Quoted {
				b.WriteByte('"')
			}
		}
		if again := cookieCollect(b.String()); !reflect.DeepEqual(again, got) {
			// A value that is empty or starts/ends with a space re-parses
			// differently once trimmed; only pairs whose value survives
			// trimming must round-trip.
			for _, c := range got {
				if !c.Quoted && c.Value != cookieTrim(c.Value) {
					return
				}
			}
			t.Fatalf("round trip of %q via %q: %+v, want %+v", h, b.String(), again, got)
		}
	})
}
