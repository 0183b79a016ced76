package pool

import (
	"bytes"
	"testing"
)

type record struct {
	id   int
	data []byte
}

func TestOfResetAndNew(t *testing.T) {
	made := 0
	p := Of[record]{
		New:   func() *record { made++; return &record{data: make([]byte, 0, 64)} },
		Reset: func(r *record) { r.id = 0; r.data = r.data[:0] },
	}
	r := p.Get()
	if made != 1 || cap(r.data) != 64 {
		t.Fatalf("New not used: made=%d cap=%d", made, cap(r.data))
	}
	r.id = 7
	r.data = append(r.data, "x"...)
	for range 100 {
		p.Put(r)
		r = p.Get()
		if r.id != 0 || len(r.data) != 0 {
			t.Fatalf("value not reset: %+v", r)
		}
		r.id = 7
	}
	p.Put(nil) // ignored
	var zero Of[record]
	if z := zero.Get(); z == nil || z.id != 0 {
		t.Fatalf("zero Of returned %+v", z)
	}
}

func TestOfPoison(t *testing.T) {
	defer SetPoison(SetPoison(false))
	p := Of[record]{
		Reset:  func(r *record) { r.data = r.data[:0] },
		Poison: func(r *record) { Poison(r.data) },
	}
	r := p.Get()
	r.data = append(r.data, "hello"...)
	alias := r.data
	p.Put(r)
	if string(alias) != "hello" {
		t.Fatalf("poisoning off, but data changed: %q", alias)
	}
	SetPoison(true)
	r = p.Get()
	r.data = append(r.data[:0], "world"...)
	alias = r.data
	p.Put(r)
	if !bytes.Equal(alias, bytes.Repeat([]byte{PoisonByte}, 5)) {
		t.Fatalf("alias after poisoned Put = %q", alias)
	}
}

func TestOfAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	p := Of[record]{Reset: func(r *record) { r.id = 0 }}
	p.Put(p.Get())
	if a := testing.AllocsPerRun(1000, func() {
		r := p.Get()
		r.id++
		p.Put(r)
	}); a != 0 {
		t.Fatalf("Of Get/Put: %v allocs, want 0", a)
	}
}
