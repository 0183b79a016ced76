package parse

import (
	"reflect"
	"strings"
	"testing"
)

func encodingCollect(h string) ([]Coding, error) {
	var out []Coding
	it := ParseAcceptEncoding(h)
	for {
		c, ok := it.Next()
		if !ok {
			return out, it.Err()
		}
		out = append(out, c)
	}
}

// encodingWeight, the reference for NegotiateEncoding's one-pass scoring,
// returns the weight header gives coding: its own entry,
// else the "*" entry, else for identity the lowest non-zero weight (it is
// acceptable by default), else 0.
func encodingWeight(header, coding string) int {
	exact, star := -1, -1
	it := ParseAcceptEncoding(header)
	for {
		c, more := it.Next()
		if !more {
			break
		}
		if c.Name == "*" {
			if star < 0 {
				star = c.Q
			}
		} else if exact < 0 && encodingSame(c.Name, coding) {
			exact = c.Q
		}
	}
	switch {
	case exact >= 0:
		return exact
	case star >= 0:
		return star
	case httpEqualFold(coding, "identity"):
		return 1
	}
	return 0
}

// encodingReference is NegotiateEncoding written plainly with
// encodingWeight.
func encodingReference(header string, offers ...string) (string, bool) {
	best, bestQ := "", 0
	for _, o := range offers {
		if q := encodingWeight(header, o); q > bestQ {
			best, bestQ = o, q
		}
	}
	if bestQ > 0 {
		return best, true
	}
	if encodingWeight(header, "identity") > 0 {
		return "identity", true
	}
	return "", false
}

func TestParseAcceptEncoding(t *testing.T) {
	got, err := encodingCollect("gzip, deflate;q=0.5 , br;q=1.0, zstd;q=0, *;q=0.1, identity;q=0.2")
	want := []Coding{{"gzip", 1000}, {"deflate", 500}, {"br", 1000}, {"zstd", 0}, {"*", 100}, {"identity", 200}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, %v", got, err)
	}
	got, err = encodingCollect("gzip;q=2, a/b, br")
	if err == nil || !reflect.DeepEqual(got, []Coding{{"br", 1000}}) {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestNegotiateEncoding(t *testing.T) {
	offers := []string{"br", "zstd", "gzip"}
	tests := []struct {
		header string
		offers []string
		want   string
		ok     bool
	}{
		{"gzip, deflate, br, zstd", offers, "br", true}, // tie: server order
		{"gzip, deflate", offers, "gzip", true},
		{"gzip;q=0.5, br;q=0.4", offers, "gzip", true},
		{"x-gzip", offers, "gzip", true},
		{"*", offers, "br", true},
		{"*;q=0.5, gzip", offers, "gzip", true},
		{"br;q=0, *", offers, "zstd", true},
		{"", offers, "identity", true},
		{"deflate", offers, "identity", true},
		{"deflate, identity;q=0", offers, "", false},
		{"*;q=0", offers, "", false},
		{"*;q=0, identity", offers, "identity", true},
		{"gzip;q=0.001", []string{"identity", "gzip"}, "identity", true}, // implicit identity ties the lowest weight
		{"gzip;q=0.002", []string{"identity", "gzip"}, "gzip", true},
		{"identity;q=0.5, gzip;q=0.4", []string{"gzip", "identity"}, "identity", true},
		{"GZIP", offers, "gzip", true},
		{"gzip", nil, "identity", true},
	}
	for _, tt := range tests {
		got, ok := NegotiateEncoding(tt.header, tt.offers...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NegotiateEncoding(%q, %q) = %q, %v; want %q, %v", tt.header, tt.offers, got, ok, tt.want, tt.ok)
		}
	}
}

const encodingBrowser = "gzip, deflate, br, zstd"

func TestAcceptEncodingAllocs(t *testing.T) {
	offers := []string{"zstd", "br", "gzip"}
	n := testing.AllocsPerRun(100, func() {
		if got, _ := NegotiateEncoding(encodingBrowser, offers...); got != "zstd" {
			t.Fatal(got)
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkAcceptEncoding(b *testing.B) {
	b.Run("iterate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(encodingBrowser)))
		for b.Loop() {
			it := ParseAcceptEncoding(encodingBrowser)
			for {
				if _, ok := it.Next(); !ok {
					break
				}
			}
		}
	})
	b.Run("negotiate", func(b *testing.B) {
		offers := []string{"zstd", "br", "gzip"}
		b.ReportAllocs()
		b.SetBytes(int64(len(encodingBrowser)))
		for b.Loop() {
			NegotiateEncoding(encodingBrowser, offers...)
		}
	})
}

func FuzzAcceptEncoding(f *testing.F) {
	for _, s := range []string{encodingBrowser, "", "*;q=0", "identity;q=0, *", "x-gzip;q=0.5", "gzip;q=2, a/b, br", "br;q=0.999;ext=\"x\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, _ := encodingCollect(h)
		var b strings.Builder
		for i, c := range got {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(c.Name)
			b.WriteString(";q=")
			b.Write(httpAppendQ(nil, c.Q))
		}
		if again, err := encodingCollect(b.String()); err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip of %q via %q: %+v, %v", h, b.String(), again, err)
		}
		best, ok := NegotiateEncoding(h, "br", "gzip")
		if rb, rok := encodingReference(h, "br", "gzip"); rb != best || rok != ok {
			t.Fatalf("NegotiateEncoding(%q) = %q, %v; reference %q, %v", h, best, ok, rb, rok)
		}
		offers := []string{"identity", "x-gzip", "zstd", "deflate", "compress", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "br"}
		b1, ok1 := NegotiateEncoding(h, offers...)
		if rb, rok := encodingReference(h, offers...); rb != b1 || rok != ok1 {
			t.Fatalf("NegotiateEncoding(%q, many) = %q, %v; reference %q, %v", h, b1, ok1, rb, rok)
		}
		if ok && best != "identity" && encodingWeight(h, best) == 0 {
			t.Fatalf("NegotiateEncoding(%q) = %q with weight 0", h, best)
		}
		if !ok && encodingWeight(h, "identity") != 0 {
			t.Fatalf("NegotiateEncoding(%q) refused although identity is acceptable", h)
		}
	})
}
