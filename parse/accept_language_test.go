package parse

import (
	"reflect"
	"strings"
	"testing"
)

func languageCollect(h string) ([]LanguageRange, error) {
	var out []LanguageRange
	it := ParseAcceptLanguage(h)
	for {
		r, ok := it.Next()
		if !ok {
			return out, it.Err()
		}
		out = append(out, r)
	}
}

func TestParseAcceptLanguage(t *testing.T) {
	tests := []struct {
		in   string
		want []LanguageRange
		bad  bool
	}{
		{"da, en-gb;q=0.8, en;q=0.7", []LanguageRange{{"da", 1000}, {"en-gb", 800}, {"en", 700}}, false},
		{"*;q=0.1, zh-Hant-CN, de-CH-1996", []LanguageRange{{"*", 100}, {"zh-Hant-CN", 1000}, {"de-CH-1996", 1000}}, false},
		{"en-, 1en, toolongtag, en--us, e1-us, en-us-toolongsub, fr", []LanguageRange{{"fr", 1000}}, true},
		{"en/us, x-klingon", []LanguageRange{{"x-klingon", 1000}}, true},
	}
	for _, tt := range tests {
		got, err := languageCollect(tt.in)
		if !reflect.DeepEqual(got, tt.want) || (err != nil) != tt.bad {
			t.Errorf("ParseAcceptLanguage(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

func TestNegotiateLanguage(t *testing.T) {
	tests := []struct {
		header string
		offers []string
		want   string
		ok     bool
	}{
		{"da, en-gb;q=0.8, en;q=0.7", []string{"en", "da"}, "da", true},
		{"da, en-gb;q=0.8, en;q=0.7", []string{"en-US", "en"}, "en", true},
		{"en-gb;q=0.8, da;q=0.9", []string{"en-GB", "da"}, "da", true},
		// RFC 4647 §3.4: "zh-Hant-CN-x-private1-private2" falls back through
		// "zh-Hant-CN-x-private1", "zh-Hant-CN" (dropping the singleton), "zh-Hant", "zh".
		{"zh-Hant-CN-x-private1-private2", []string{"zh"}, "zh", true},
		{"zh-Hant-CN-x-private1-private2", []string{"zh-Hant", "zh"}, "zh-Hant", true},
		{"zh-Hant-CN-x-private1-private2", []string{"zh-Hant-CN-x"}, "zh-Hant-CN-x", false},
		{"de-CH", []string{"de-ch"}, "de-ch", true},
		{"de-CH", []string{"de-CH-1996"}, "de-CH-1996", false}, // lookup never broadens the tag
		{"fr, *;q=0.5", []string{"en", "de"}, "en", false},
		{"", []string{"en", "de"}, "en", false},
		{"de-CH, de;q=0", []string{"en", "de"}, "en", false},
		{"de-CH, de-CH;q=0, de;q=0.5", []string{"de-CH", "de"}, "de", true},
		{"en-US;q=0.5, fr-FR;q=0.5, fr;q=0.4", []string{"fr", "en"}, "en", true}, // equal weights: header order
		{"en", nil, "", false},
	}
	for _, tt := range tests {
		got, ok := NegotiateLanguage(tt.header, tt.offers...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NegotiateLanguage(%q, %q) = %q, %v; want %q, %v", tt.header, tt.offers, got, ok, tt.want, tt.ok)
		}
	}
	for _, tt := range []struct {
		r, tag string
		ok     bool
	}{{"en", "en-US", true}, {"en", "EN", true}, {"en", "eng", false}, {"*", "x", true}, {"en-us", "en", false}} {
		if LanguageMatches(tt.r, tt.tag) != tt.ok {
			t.Errorf("LanguageMatches(%q, %q) != %v", tt.r, tt.tag, tt.ok)
		}
	}
}

const languageBrowser = "en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7,fr-CH;q=0.6,fr;q=0.5"

func TestAcceptLanguageAllocs(t *testing.T) {
	offers := []string{"de", "fr", "en"}
	n := testing.AllocsPerRun(100, func() {
		if got, _ := NegotiateLanguage(languageBrowser, offers...); got != "en" {
			t.Fatal(got)
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkAcceptLanguage(b *testing.B) {
	b.Run("iterate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(languageBrowser)))
		for b.Loop() {
			it := ParseAcceptLanguage(languageBrowser)
			for {
				if _, ok := it.Next(); !ok {
					break
				}
			}
		}
	})
	b.Run("negotiate", func(b *testing.B) {
		offers := []string{"de", "fr", "en"}
		b.ReportAllocs()
		b.SetBytes(int64(len(languageBrowser)))
		for b.Loop() {
			NegotiateLanguage(languageBrowser, offers...)
		}
	})
}

func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{languageBrowser, "", "*", "zh-Hant-CN-x-private1-private2", "de-CH, de;q=0", "en-, 1en", "en;q=0.5;x=\"y\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, _ := languageCollect(h)
		var b strings.Builder
		for i, r := range got {
			if !languageRangeValid(r.Tag) {
				t.Fatalf("bad tag %q", r.Tag)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(r.Tag)
			b.WriteString(";q=")
			b.Write(httpAppendQ(nil, r.Q))
		}
		if again, err := languageCollect(b.String()); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip of %q via %q: %+v, %v", h, b.String(), again, err)
		}
		best, ok := NegotiateLanguage(h, "en", "de-CH", "zh-Hant")
		if ok {
			// The winner must be matched by some non-zero range.
			found := false
			for _, r := range got {
				if r.Q > 0 && r.Tag != "*" && LanguageMatches(best, r.Tag) {
					found = true
				}
			}
			if !found {
				t.Fatalf("NegotiateLanguage(%q) = %q, matched by no range", h, best)
			}
		}
	})
}
