package pool

import (
	"bytes"
	"testing"
)

func TestBuffer(t *testing.T) {
	b := GetBuffer()
	if b.Len() != 0 {
		t.Fatalf("new buffer has %d bytes", b.Len())
	}
	b.WriteString("hello, ")
	b.Write([]byte("world"))
	if b.String() != "hello, world" {
		t.Fatalf("got %q", b.String())
	}
	PutBuffer(b)
	PutBuffer(nil) // ignored
	for range 10 {
		if c := GetBuffer(); c.Len() != 0 {
			t.Fatalf("recycled buffer not empty: %q", c.B)
		}
	}
}

func TestBufferPoison(t *testing.T) {
	defer SetPoison(SetPoison(true))
	var p BufferPool
	b := p.Get()
	b.WriteString("session=abc")
	alias := b.B[:7]
	p.Put(b)
	if !bytes.Equal(alias, bytes.Repeat([]byte{PoisonByte}, 7)) {
		t.Fatalf("alias after poisoned Put = %q", alias)
	}
}

func TestBufferPoolMaxCap(t *testing.T) {
	for _, tc := range []struct {
		maxCap, size int
		kept         bool
	}{
		{0, 1 << 20, true}, {0, 1<<20 + 1, false}, {4096, 8192, false}, {4096, 1000, true}, {-1, 4 << 20, true},
	} {
		p := BufferPool{MaxCap: tc.maxCap}
		b := p.Get()
		b.B = make([]byte, 0, tc.size)
		first := &b.B[:1][0]
		seen := false
		for range 50 { // sync.Pool may drop items; retry
			p.Put(b)
			b = p.Get()
			if cap(b.B) > 0 && &b.B[:1][0] == first {
				seen = true
				break
			}
		}
		if seen != tc.kept && !(tc.kept && raceEnabled) {
			t.Errorf("MaxCap %d, cap %d: kept = %v, want %v", tc.maxCap, tc.size, seen, tc.kept)
		}
	}
}

func TestBufferAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	msg := []byte("a line of log output that is not very long")
	b := GetBuffer()
	b.Write(msg)
	PutBuffer(b)
	if a := testing.AllocsPerRun(1000, func() {
		b := GetBuffer()
		b.Write(msg)
		PutBuffer(b)
	}); a != 0 {
		t.Fatalf("GetBuffer/Write/PutBuffer: %v allocs, want 0", a)
	}
}

func TestPoisonDefault(t *testing.T) {
	if Poisoning() != poisonDefault {
		t.Fatalf("Poisoning() = %v at start, want %v (build tag)", Poisoning(), poisonDefault)
	}
}
