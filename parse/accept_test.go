package parse

import (
	"errors"
	"mime"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func acceptCollect(h string) ([]MediaRange, error) {
	var out []MediaRange
	it := ParseAccept(h)
	for {
		r, ok := it.Next()
		if !ok {
			return out, it.Err()
		}
		out = append(out, r)
	}
}

func TestParseAccept(t *testing.T) {
	tests := []struct {
		in   string
		want []MediaRange
		bad  bool
	}{
		{"", nil, false},
		{"text/html", []MediaRange{{"text", "html", "", 1000}}, false},
		{"text/*;q=0.3, text/html;q=0.7, text/html;level=1,\r\n text/html;level=2;q=0.4, */*;q=0.5", []MediaRange{
			{"text", "*", "", 300}, {"text", "html", "", 700}, {"text", "html", "level=1", 1000}, {"*", "*", "", 500}}, true},
		{"text/*;q=0.3, text/html;q=0.7, text/html;level=1, text/html;level=2;q=0.4, */*;q=0.5", []MediaRange{
			{"text", "*", "", 300}, {"text", "html", "", 700}, {"text", "html", "level=1", 1000},
			{"text", "html", "level=2", 400}, {"*", "*", "", 500}}, false},
		{`application/json ; charset="utf-8" ; Q=0.25 ; ext=1`, []MediaRange{{"application", "json", `charset="utf-8"`, 250}}, false},
		{"a/b;q=1.000, c/d;q=0., e/f;q=0.001", []MediaRange{{"a", "b", "", 1000}, {"c", "d", "", 0}, {"e", "f", "", 1}}, false},
		{" , ,a/b,,", []MediaRange{{"a", "b", "", 1000}}, false},
		// malformed elements are skipped, the rest still comes through
		{"a/b;q=1.5, c/d", []MediaRange{{"c", "d", "", 1000}}, true},
		{"a/b;q=0.0001, c/d", []MediaRange{{"c", "d", "", 1000}}, true},
		{"*/b, text, c/d", []MediaRange{{"c", "d", "", 1000}}, true},
		{`a/b;x="un,terminated, c/d`, nil, true},
		{`a/b;x="q,uoted", c/d`, []MediaRange{{"a", "b", `x="q,uoted"`, 1000}, {"c", "d", "", 1000}}, false},
		{"a/b c/d, e/f", []MediaRange{{"e", "f", "", 1000}}, true},
		{`"a,b", c/d`, []MediaRange{{"c", "d", "", 1000}}, true},
		{`(x), c/d`, []MediaRange{{"c", "d", "", 1000}}, true},
		{"a/b;q=\"1\"", nil, true},
	}
	for _, tt := range tests {
		got, err := acceptCollect(tt.in)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseAccept(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if (err != nil) != tt.bad {
			t.Errorf("ParseAccept(%q) err = %v, want error %v", tt.in, err, tt.bad)
		}
		var he *HeaderError
		if err != nil && (!errors.As(err, &he) || !strings.HasPrefix(err.Error(), "parse: accept: ")) {
			t.Errorf("ParseAccept(%q) err = %v, want *HeaderError with prefix", tt.in, err)
		}
	}
}

func TestNegotiateAccept(t *testing.T) {
	// RFC 9110 §12.5.1 example.
	const rfc = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, text/plain;format=fixed;q=0.4, */*;q=0.5"
	tests := []struct {
		header string
		offers []string
		want   string
		ok     bool
	}{
		{rfc, []string{"text/plain;format=flowed"}, "text/plain;format=flowed", true},
		{rfc, []string{"text/plain", "text/plain;format=flowed"}, "text/plain;format=flowed", true}, // 0.7 vs 1
		{rfc, []string{"text/html", "text/plain;format=fixed"}, "text/plain;format=fixed", true},    // 0.3 vs 0.4
		{rfc, []string{"image/jpeg", "text/html"}, "image/jpeg", true},                              // 0.5 vs 0.3
		{rfc, []string{"text/html", "image/jpeg"}, "image/jpeg", true},
		{"", []string{"application/json", "text/html"}, "application/json", true},
		{"garbage", []string{"application/json"}, "application/json", true},
		{"text/html", []string{"application/json"}, "", false},
		{"application/json;q=0, */*", []string{"application/json", "text/html"}, "text/html", true},
		{"*/*;q=0", []string{"application/json"}, "", false},
		{"application/*;q=0.2, application/json", []string{"application/xml", "application/json"}, "application/json", true},
		{"Application/JSON", []string{"application/json"}, "application/json", true},
		{"text/html, application/json", []string{"application/json", "text/html"}, "application/json", true}, // tie: server order
		{"text/html;level=1;q=0, text/html", []string{"text/html;level=1", "text/html"}, "text/html", true},
		{"text/*, text/plain;q=0", []string{"text/plain"}, "", false},
		{`text/plain;charset="utf\-8";q=0.5, text/*;q=0.1`, []string{"text/plain;charset=UTF-8", "text/html"}, "text/plain;charset=UTF-8", true},
		{`text/plain;charset="utf\-8";q=0.5, text/*;q=0.1`, []string{"text/html", `text/plain;charset="\u\t\f-8"`}, `text/plain;charset="\u\t\f-8"`, true},
		{"text/html", nil, "", false},
	}
	for _, tt := range tests {
		got, ok := NegotiateAccept(tt.header, tt.offers...)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NegotiateAccept(%q, %q) = %q, %v; want %q, %v", tt.header, tt.offers, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNegotiateAcceptManyOffers(t *testing.T) {
	// More offers than one chunk: the winner sits in the second chunk, and
	// a tie across chunks goes to the earlier offer.
	offers := make([]string, 40)
	for i := range offers {
		offers[i] = "application/x" + strconv.Itoa(i)
	}
	if got, _ := NegotiateAccept("application/x35, application/*;q=0.1", offers...); got != "application/x35" {
		t.Errorf("got %q, want application/x35", got)
	}
	if got, _ := NegotiateAccept("application/x35, application/x3", offers...); got != "application/x3" {
		t.Errorf("got %q, want application/x3", got)
	}
}

const acceptBrowser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"

func TestAcceptAllocs(t *testing.T) {
	offers := []string{"application/json", "text/html"}
	n := testing.AllocsPerRun(100, func() {
		it := ParseAccept(acceptBrowser)
		for {
			if _, ok := it.Next(); !ok {
				break
			}
		}
		NegotiateAccept(acceptBrowser, offers...)
		NegotiateAccept(acceptBrowser, "application/json", "text/html")
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkAccept(b *testing.B) {
	b.Run("iterate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(acceptBrowser)))
		for b.Loop() {
			it := ParseAccept(acceptBrowser)
			for {
				if _, ok := it.Next(); !ok {
					break
				}
			}
		}
	})
	b.Run("negotiate", func(b *testing.B) {
		offers := []string{"application/json", "text/html"}
		b.ReportAllocs()
		b.SetBytes(int64(len(acceptBrowser)))
		for b.Loop() {
			NegotiateAccept(acceptBrowser, offers...)
		}
	})
}

// acceptAppend re-serialises a media range.
func acceptAppend(dst []byte, r MediaRange) []byte {
	dst = append(dst, r.Type...)
	dst = append(dst, '/')
	dst = append(dst, r.Subtype...)
	if r.RawParams != "" {
		dst = append(dst, ';')
		dst = append(dst, r.RawParams...)
	}
	dst = append(dst, ";q="...)
	return httpAppendQ(dst, r.Q)
}

// acceptReference is NegotiateAccept written plainly: each offer, split by
// mime.ParseMediaType, is scored on its own against every range.
func acceptReference(header string, offers ...string) (string, bool) {
	ranges, _ := acceptCollect(header)
	if len(ranges) == 0 {
		if len(offers) == 0 {
			return "", false
		}
		return offers[0], true
	}
	best, bestQ := "", 0
	for _, o := range offers {
		if _, err := ParseMediaType(o); err != nil {
			continue
		}
		mt, params, err := mime.ParseMediaType(o)
		if err != nil {
			continue
		}
		typ, sub, _ := strings.Cut(mt, "/")
		spec, q := -1, 0
	ranges:
		for _, r := range ranges {
			s := 0
			switch {
			case r.Type == "*":
			case strings.ToLower(r.Type) != typ:
				continue
			case r.Subtype == "*":
				s = 1 << 16
			case strings.ToLower(r.Subtype) != sub:
				continue
			default:
				s = 2 << 16
			}
			it := r.Params()
			for p, ok := it.Next(); ok; p, ok = it.Next() {
				if v, found := params[strings.ToLower(p.Name)]; !found || !strings.EqualFold(v, p.Unescape()) {
					continue ranges
				}
				s++
			}
			if s > spec {
				spec, q = s, r.Q
			}
		}
		if q > bestQ {
			best, bestQ = o, q
		}
	}
	return best, bestQ > 0
}

func FuzzAccept(f *testing.F) {
	for _, s := range []string{acceptBrowser, `text/html;level="\1"`, "", "*/*", "text/*;q=0.3, text/html;level=1", `a/b;x="q\"uo,ted";q=0.5;ext`, "a/b;q=1.5", ",,;", "text/html;Q=0.123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, _ := acceptCollect(h)
		var buf []byte
		for i, r := range got {
			if r.Q < 0 || r.Q > 1000 || !httpIsToken(r.Type) || !httpIsToken(r.Subtype) {
				t.Fatalf("bad element %+v", r)
			}
			if i > 0 {
				buf = append(buf, ", "...)
			}
			buf = acceptAppend(buf, r)
		}
		again, err := acceptCollect(string(buf))
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip of %q via %q: %+v, %v; want %+v", h, buf, again, err, got)
		}
		offers := []string{"text/html", "application/json;charset=utf-8", "text/html;level=1", "image/png", "application/xml"}
		got1, ok1 := NegotiateAccept(h, offers...)
		want1, wok1 := acceptReference(h, offers...)
		if got1 != want1 || ok1 != wok1 {
			t.Fatalf("NegotiateAccept(%q) = %q, %v; reference %q, %v", h, got1, ok1, want1, wok1)
		}
	})
}
