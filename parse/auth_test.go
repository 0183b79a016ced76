package parse

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

func TestParseBasic(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		in         string
		user, pass string
		ok         bool
	}{
		{"Basic " + enc("Aladdin:open sesame"), "Aladdin", "open sesame", true},
		{"basic " + enc("a:"), "a", "", true},
		{"BASIC " + enc(":p:q"), "", "p:q", true},
		{"Basic " + enc("nocolon"), "", "", false},
		{"Basic  " + enc("a:b"), "", "", false}, // two spaces: net/http rejects
		{"Basic " + strings.TrimRight(enc("a:bc"), "="), "", "", false},
		{"Bearer " + enc("a:b"), "", "", false},
		{"Basic", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		u, p, ok := ParseBasic(tt.in)
		if u != tt.user || p != tt.pass || ok != tt.ok {
			t.Errorf("ParseBasic(%q) = %q, %q, %v; want %q, %q, %v", tt.in, u, p, ok, tt.user, tt.pass, tt.ok)
		}
		r := &http.Request{Header: http.Header{"Authorization": {tt.in}}}
		if nu, np, nok := r.BasicAuth(); nu != u || np != p || nok != ok {
			t.Errorf("net/http disagrees on %q: %q, %q, %v", tt.in, nu, np, nok)
		}
	}
	// A buffer too small still works (by allocating).
	long := "Basic " + enc(strings.Repeat("u", 300)+":"+strings.Repeat("p", 300))
	u, p, ok := ParseBasicInto(make([]byte, 0, 8), long)
	if !ok || len(u) != 300 || len(p) != 300 || BasicDecodedLen(long) < 601 {
		t.Errorf("long credentials: %d %d %v", len(u), len(p), ok)
	}
}

func TestParseBearer(t *testing.T) {
	tests := []struct {
		in, token string
		ok        bool
	}{
		{"Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM", true},
		{"bearer   abc+/~==  ", "abc+/~==", true},
		{"Bearer abc=d", "", false},
		{"Bearer a b", "", false},
		{"Bearer ", "", false},
		{"Bearer", "", false},
		{"Bearerabc", "", false},
		{"Basic abc", "", false},
		{"Bearer ==", "", false},
	}
	for _, tt := range tests {
		tok, ok := ParseBearer(tt.in)
		if tok != tt.token || ok != tt.ok {
			t.Errorf("ParseBearer(%q) = %q, %v; want %q, %v", tt.in, tok, ok, tt.token, tt.ok)
		}
	}
	if s, c := AuthScheme("Digest  realm=x"); s != "Digest" || c != "realm=x" {
		t.Errorf("AuthScheme = %q, %q", s, c)
	}
}

const basicSample = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" // Aladdin:open sesame

func TestAuthAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		var buf [128]byte
		u, p, ok := ParseBasicInto(buf[:0], basicSample)
		if !ok || string(u) != "Aladdin" || string(p) != "open sesame" {
			t.Fatal("bad parse")
		}
		if _, ok := ParseBearer("Bearer mF_9.B5f-4.1JqM"); !ok {
			t.Fatal("bad bearer")
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() { ParseBasic(basicSample) }); n != 1 {
		t.Fatalf("ParseBasic allocs = %v, want 1", n)
	}
}

func BenchmarkBasicAuth(b *testing.B) {
	b.Run("tako", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(basicSample)))
		var buf [128]byte
		for b.Loop() {
			if _, p, ok := ParseBasicInto(buf[:0], basicSample); !ok || len(p) != 11 {
				b.Fatal("bad")
			}
		}
	})
	b.Run("tako-string", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(basicSample)))
		for b.Loop() {
			if _, p, ok := ParseBasic(basicSample); !ok || len(p) != 11 {
				b.Fatal("bad")
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		r := &http.Request{Header: http.Header{"Authorization": {basicSample}}}
		b.ReportAllocs()
		b.SetBytes(int64(len(basicSample)))
		for b.Loop() {
			if _, p, ok := r.BasicAuth(); !ok || len(p) != 11 {
				b.Fatal("bad")
			}
		}
	})
}

func BenchmarkBearer(b *testing.B) {
	const h = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
	b.ReportAllocs()
	b.SetBytes(int64(len(h)))
	for b.Loop() {
		if _, ok := ParseBearer(h); !ok {
			b.Fatal("bad")
		}
	}
}

func FuzzBasicAuth(f *testing.F) {
	for _, s := range []string{basicSample, "basic YTpi", "Basic  YTpi", "Basic YTpi\r\n", "Basic Y\nTpi", "Basic ====", "Basic", "Bearer x", "Basic YQ=="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		u, p, ok := ParseBasic(h)
		var buf [16]byte
		bu, bp, bok := ParseBasicInto(buf[:0], h)
		if ok != bok || u != string(bu) || p != string(bp) {
			t.Fatalf("ParseBasic and ParseBasicInto disagree on %q", h)
		}
		r := &http.Request{Header: http.Header{"Authorization": {h}}}
		if nu, np, nok := r.BasicAuth(); nu != u || np != p || nok != ok {
			t.Fatalf("ParseBasic(%q) = %q, %q, %v; net/http %q, %q, %v", h, u, p, ok, nu, np, nok)
		}
		if ok && !strings.Contains(u, ":") {
			// Round trip through the encoder net/http's client uses.
			r2 := &http.Request{Header: http.Header{}}
			r2.SetBasicAuth(u, p)
			u2, p2, ok2 := ParseBasic(r2.Header.Get("Authorization"))
			if !ok2 || u2 != u || p2 != p {
				t.Fatalf("round trip of %q, %q failed", u, p)
			}
		}
	})
}

func FuzzBearer(f *testing.F) {
	for _, s := range []string{"Bearer mF_9.B5f-4.1JqM", "bearer   abc+/~==  ", "Bearer abc=d", "Bearer ", "Bearer\ta"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := ParseBearer(h)
		if !ok {
			return
		}
		if !IsToken68(tok) || !strings.HasSuffix(httpTrimOWS(h), tok) || !bytes.EqualFold([]byte(h[:6]), []byte("bearer")) {
			t.Fatalf("ParseBearer(%q) = %q", h, tok)
		}
		if tok2, ok2 := ParseBearer("Bearer " + tok); !ok2 || tok2 != tok {
			t.Fatalf("round trip of %q failed", tok)
		}
	})
}
