package parse

import (
	"mime"
	"regexp"
	"strings"
	"testing"
)

func TestParseMediaType(t *testing.T) {
	tests := []struct {
		in             string
		typ, sub, raw  string
		charset, bound string
		bad            bool
	}{
		{in: "text/html", typ: "text", sub: "html"},
		{in: " Text/HTML ; Charset=UTF-8 ", typ: "Text", sub: "HTML", raw: "Charset=UTF-8", charset: "UTF-8"},
		{in: `multipart/form-data; boundary="----WebKitFormBoundary7MA4YWxkTrZu0gW"`, typ: "multipart", sub: "form-data",
			raw: `boundary="----WebKitFormBoundary7MA4YWxkTrZu0gW"`, bound: "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
		{in: `text/plain; charset = "a\"b" ;`, typ: "text", sub: "plain", raw: `charset = "a\"b" ;`, charset: `a"b`},
		{in: "text/plain;;charset=x", typ: "text", sub: "plain", raw: ";charset=x", charset: "x"},
		{in: "text", bad: true},
		{in: "/html", bad: true},
		{in: "text/", bad: true},
		{in: "text/html x", bad: true},
		{in: "text/html; charset", bad: true},
		{in: "text/html; charset=", bad: true},
		{in: `text/html; charset="utf-8`, bad: true},
		{in: "text/html; a=b c=d", bad: true},
		{in: "text/html; a=\x00", bad: true},
	}
	for _, tt := range tests {
		m, err := ParseMediaType(tt.in)
		if tt.bad {
			if err == nil || !strings.HasPrefix(err.Error(), "parse: media type") {
				t.Errorf("ParseMediaType(%q) err = %v, want parse error", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseMediaType(%q): %v", tt.in, err)
			continue
		}
		if m.Type != tt.typ || m.Subtype != tt.sub || m.RawParams != tt.raw || m.Charset() != tt.charset || m.Boundary() != tt.bound {
			t.Errorf("ParseMediaType(%q) = %+v charset %q boundary %q", tt.in, m, m.Charset(), m.Boundary())
		}
	}
	m, _ := ParseMediaType("Application/Json; charset=utf-8")
	if !m.Is("application/json") || m.Is("application/jso") || m.Is("application/jsonx") {
		t.Error("Is is wrong")
	}
}

func TestMediaParamUnescape(t *testing.T) {
	it := ParseParams(`a="x\\y\"z"; b=tok; c=""`)
	want := []struct {
		name, val string
		esc       bool
	}{{"a", `x\y"z`, true}, {"b", "tok", false}, {"c", "", false}}
	for _, w := range want {
		p, ok := it.Next()
		if !ok || p.Name != w.name || p.Unescape() != w.val || p.Escaped != w.esc || string(p.AppendValue(nil)) != w.val {
			t.Errorf("got %+v (%q), want %+v", p, p.Unescape(), w)
		}
	}
	if _, ok := it.Next(); ok || it.Err() != nil {
		t.Errorf("trailing element or error %v", it.Err())
	}
}

const mediaTypeSample = `multipart/form-data; charset=utf-8; boundary="----WebKitFormBoundary7MA4YWxkTrZu0gW"`

func TestMediaTypeAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		m, err := ParseMediaType(mediaTypeSample)
		if err != nil || m.Boundary() == "" || m.Charset() != "utf-8" {
			t.Fatal("bad parse")
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkMediaType(b *testing.B) {
	b.Run("tako", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(mediaTypeSample)))
		for b.Loop() {
			m, err := ParseMediaType(mediaTypeSample)
			if err != nil || m.Boundary() == "" {
				b.Fatal("bad parse")
			}
		}
	})
	b.Run("mime", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(mediaTypeSample)))
		for b.Loop() {
			_, p, err := mime.ParseMediaType(mediaTypeSample)
			if err != nil || p["boundary"] == "" {
				b.Fatal("bad parse")
			}
		}
	})
}

// mediaTypeComparable reports whether v stays inside the subset where
// ParseMediaType and mime.ParseMediaType promise the same answer (see the
// ParseMediaType doc): no RFC 2231 names, no duplicates, no backslash
// escapes, no non-ASCII whitespace or braces, a type with a subtype.
func mediaTypeComparable(v string, m MediaType) bool {
	if strings.ContainsAny(v, "*\\{}\v\f\r\n") || strings.ContainsFunc(v, func(r rune) bool { return r >= 0x80 }) {
		return false
	}
	if mediaTypeEmptyParam.MatchString(v) {
		return false // RFC 9110 allows empty parameters; mime rejects them
	}
	seen := map[string]bool{}
	it := m.Params()
	for {
		p, ok := it.Next()
		if !ok {
			return true
		}
		if seen[strings.ToLower(p.Name)] {
			return false
		}
		seen[strings.ToLower(p.Name)] = true
	}
}

var mediaTypeEmptyParam = regexp.MustCompile(`;[ \t]*;`)

func FuzzMediaType(f *testing.F) {
	for _, s := range []string{mediaTypeSample, "text/html", `text/plain; charset="a\"b"`, "a/b;c=d;", "a/b;;", "a/b; c = d", "A/B;C=\"\"", "text/html; name*=utf-8''x", "a/b;c=d;c=e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		m, err := ParseMediaType(v)
		mt, params, merr := mime.ParseMediaType(v)
		if err != nil {
			if merr == nil && strings.Contains(mt, "/") && mediaTypeComparable(v, m) && !strings.ContainsAny(v, "\t\x7f") && !strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 }) {
				t.Fatalf("ParseMediaType(%q): %v; mime accepts it as %q %v", v, err, mt, params)
			}
			return
		}
		// Iterating a validated value never fails.
		it := m.Params()
		n := 0
		for {
			p, ok := it.Next()
			if !ok {
				break
			}
			n++
			if got, _ := m.Param(p.Name); n == 1 && got != p.Unescape() {
				t.Fatalf("Param(%q) = %q, want %q", p.Name, got, p.Unescape())
			}
		}
		if it.Err() != nil {
			t.Fatalf("iterating %q: %v", v, it.Err())
		}
		if !mediaTypeComparable(v, m) {
			return
		}
		if merr != nil {
			t.Fatalf("mime rejects %q (%v); we accept %+v", v, merr, m)
		}
		if want := strings.ToLower(m.Type + "/" + m.Subtype); mt != want {
			t.Fatalf("type of %q: mime %q, we %q", v, mt, want)
		}
		if len(params) != n {
			t.Fatalf("params of %q: mime %v, we %d", v, params, n)
		}
		for k, want := range params {
			if got, ok := m.Param(k); !ok || got != want {
				t.Fatalf("param %q of %q: mime %q, we %q", k, v, want, got)
			}
		}
	})
}
