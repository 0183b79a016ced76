package pool

import (
	"bytes"
	"sync"
	"testing"
	"unsafe"
)

func TestBytesGetSizes(t *testing.T) {
	var p Bytes
	for _, tc := range []struct{ n, cap int }{
		{-5, 512}, {0, 512}, {1, 512}, {511, 512}, {512, 512}, {513, 1024},
		{1000, 1024}, {1024, 1024}, {1025, 2048}, {40000, 65536},
		{1 << 20, 1 << 20}, {1<<20 + 1, 1<<20 + 1}, {5 << 20, 5 << 20},
	} {
		b := p.Get(tc.n)
		if len(b) != max(tc.n, 0) || cap(b) != tc.cap {
			t.Errorf("Get(%d): len %d cap %d, want len %d cap %d", tc.n, len(b), cap(b), max(tc.n, 0), tc.cap)
		}
		if got := p.Class(tc.n); got != tc.cap {
			t.Errorf("Class(%d) = %d, want %d", tc.n, got, tc.cap)
		}
		p.Put(b)
	}
}

func TestBytesCustomClasses(t *testing.T) {
	p := Bytes{Min: 100, Max: 5000} // classes 128 .. 4096
	for _, tc := range []struct{ n, cap int }{
		{1, 128}, {128, 128}, {129, 256}, {4096, 4096}, {4097, 4097},
	} {
		if b := p.Get(tc.n); cap(b) != tc.cap {
			t.Errorf("Get(%d): cap %d, want %d", tc.n, cap(b), tc.cap)
		}
	}
	inverted := Bytes{Min: 4096, Max: 64} // Max below Min: one class
	if b := inverted.Get(10); cap(b) != 4096 {
		t.Errorf("inverted bounds: cap %d, want 4096", cap(b))
	}
	if b := inverted.Get(4097); cap(b) != 4097 {
		t.Errorf("inverted bounds, above max: cap %d, want 4097", cap(b))
	}
}

// sameArray reports whether a and b share their first byte.
func sameArray(a, b []byte) bool {
	return cap(a) > 0 && cap(b) > 0 && unsafe.SliceData(a) == unsafe.SliceData(b)
}

// reused retries because sync.Pool may drop items (always possible after
// a GC, and on purpose under the race detector).
func reused(p *Bytes, put []byte, n int) bool {
	for range 100 {
		p.Put(put)
		got := p.Get(n)
		if sameArray(got, put) {
			return true
		}
	}
	return false
}

func TestBytesReuse(t *testing.T) {
	var p Bytes
	b := p.Get(3000)
	if !reused(&p, b, 2500) {
		t.Fatal("a 4 KiB slice was never handed back for Get(2500)")
	}
	// A slice of odd capacity is filed under the floor of its capacity.
	odd := make([]byte, 10, 3000)
	if !reused(&p, odd, 2048) {
		t.Fatal("a slice of cap 3000 was never handed back for Get(2048)")
	}
	if got := p.Get(2048); cap(got) < 2048 {
		t.Fatalf("cap %d < 2048", cap(got))
	}
}

func TestBytesDropsOutOfRange(t *testing.T) {
	var p Bytes
	huge := make([]byte, 4<<20)
	tiny := make([]byte, 100)
	justAbove := make([]byte, 1<<20+1)
	for range 20 {
		p.Put(huge)
		p.Put(tiny)
		p.Put(justAbove)
		for _, n := range []int{1, 512, 1 << 20} {
			got := p.Get(n)
			if sameArray(got, huge) || sameArray(got, tiny) || sameArray(got, justAbove) {
				t.Fatalf("Get(%d) returned a slice that should have been dropped", n)
			}
		}
	}
}

func TestBytesAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	for _, n := range []int{1, 512, 4000, 100000, 1 << 20} {
		PutBytes(GetBytes(n)) // warm
		if a := testing.AllocsPerRun(1000, func() {
			b := GetBytes(n)
			b[0] = 1
			PutBytes(b)
		}); a != 0 {
			t.Errorf("GetBytes/PutBytes(%d): %v allocs, want 0", n, a)
		}
	}
}

func TestBytesPoison(t *testing.T) {
	defer SetPoison(SetPoison(true))
	var p Bytes
	b := p.Get(20)
	copy(b, "secret request data!")
	alias := b[:6]
	p.Put(b)
	if want := bytes.Repeat([]byte{PoisonByte}, 6); !bytes.Equal(alias, want) {
		t.Fatalf("alias after Put = %q, want poison", alias)
	}
	full := alias[:cap(alias)]
	if bytes.Count(full, []byte{PoisonByte}) != len(full) {
		t.Fatalf("only part of the capacity was poisoned")
	}
	SetPoison(false)
	c := p.Get(20)
	copy(c, "fresh")
	d := c[:5]
	p.Put(c)
	if string(d) != "fresh" {
		t.Fatalf("poisoning off but data changed: %q", d)
	}
}

// TestBytesConcurrent checks that no two goroutines ever hold the same
// array: each one stamps its slice and checks the stamp survives.
func TestBytesConcurrent(t *testing.T) {
	var p Bytes
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				n := 1 + (i*7919+g*104729)%20000
				b := p.Get(n)
				if len(b) != n {
					t.Errorf("len %d, want %d", len(b), n)
					return
				}
				for j := 0; j < n; j += 64 { // every 64th byte: enough to see sharing
					b[j] = byte(g)
				}
				for j := 0; j < n; j += 64 {
					if b[j] != byte(g) {
						t.Errorf("goroutine %d: byte %d overwritten by %d", g, j, b[j])
						return
					}
				}
				p.Put(b)
			}
		})
	}
	wg.Wait()
}
