package parse

import (
	"testing"
)

// Every iterator has Next and, on top of it, All (a Go 1.23 range-over-func
// sequence). Both allocate nothing here: the sequence's closure does not
// escape once inlined into the range loop. BenchmarkAcceptIterStyle compares
// their speed; on the shared 2-core machine they were equal within noise
// (see HEADERS.md), so both are offered and Next remains the primitive.

func TestIterAllAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		sum := 0
		it := ParseAccept(acceptBrowser)
		for r := range it.All() {
			sum += r.Q
		}
		if sum != 7400 || it.Err() != nil {
			t.Fatal(sum, it.Err())
		}
		ck := ParseCookie(cookieSample)
		for c := range ck.All() {
			sum += len(c.Value)
		}
		lang := ParseAcceptLanguage(languageBrowser)
		for r := range lang.All() {
			sum += r.Q
		}
		enc := ParseAcceptEncoding(encodingBrowser)
		for c := range enc.All() {
			sum += c.Q
		}
		fw := ParseForwarded(forwardedSample)
		for e := range fw.All() {
			sum += len(e.For)
		}
		rev := ParseForwardedReverse(forwardedSample)
		for e := range rev.All() {
			sum += len(e.For)
		}
		xff := ParseXForwardedForReverse(xffSample)
		for a := range xff.All() {
			sum += len(a)
		}
		m, _ := ParseMediaType(mediaTypeSample)
		ps := m.Params()
		for p := range ps.All() {
			sum += len(p.Value)
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func TestIterAllMatchesNext(t *testing.T) {
	var viaAll []MediaRange
	it := ParseAccept(acceptBrowser)
	for r := range it.All() {
		viaAll = append(viaAll, r)
		if len(viaAll) == 3 {
			break // stopping early leaves the rest for Next
		}
	}
	rest, _ := acceptCollect(acceptBrowser)
	if len(rest) != 8 || viaAll[2] != rest[2] {
		t.Fatalf("All gave %+v, Next %+v", viaAll, rest)
	}
	if r, ok := it.Next(); !ok || r != rest[3] {
		t.Fatalf("after break, Next = %+v, want %+v", r, rest[3])
	}
}

func BenchmarkAcceptIterStyle(b *testing.B) {
	b.Run("next", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(acceptBrowser)))
		for b.Loop() {
			sum := 0
			it := ParseAccept(acceptBrowser)
			for r, ok := it.Next(); ok; r, ok = it.Next() {
				sum += r.Q
			}
			if sum != 7400 {
				b.Fatal(sum)
			}
		}
	})
	b.Run("rangefunc", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(acceptBrowser)))
		for b.Loop() {
			sum := 0
			it := ParseAccept(acceptBrowser)
			for r := range it.All() {
				sum += r.Q
			}
			if sum != 7400 {
				b.Fatal(sum)
			}
		}
	})
}
