package parse

import (
	"iter"
	"testing"
)

// The iterators are Next-style structs rather than Go 1.23 range-over-func
// sequences. Both allocate nothing here (the closure does not escape once
// inlined); BenchmarkAcceptIterStyle compares their speed, which decided it:
// Next is at least as fast, works on every call site (a closure passed on
// to a non-inlined function would escape), and keeps Err available.

// acceptSeq wraps an AcceptIter as an iter.Seq, the alternative design.
func acceptSeq(h string) iter.Seq[MediaRange] {
	return func(yield func(MediaRange) bool) {
		it := ParseAccept(h)
		for {
			r, ok := it.Next()
			if !ok || !yield(r) {
				return
			}
		}
	}
}

func TestAcceptSeqAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		sum := 0
		for r := range acceptSeq(acceptBrowser) {
			sum += r.Q
		}
		if sum != 7400 {
			t.Fatal(sum)
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
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
			for r := range acceptSeq(acceptBrowser) {
				sum += r.Q
			}
			if sum != 7400 {
				b.Fatal(sum)
			}
		}
	})
}
