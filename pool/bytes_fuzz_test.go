package pool

import (
	"encoding/binary"
	"testing"
)

// FuzzBytes drives a Bytes pool with a sequence of Gets and Puts decoded
// from the input and checks, after every step, that each Get has the asked
// length and its class's capacity, and that no two outstanding slices share
// memory (every 4096th byte and the last of each hold its owner's stamp).
func FuzzBytes(f *testing.F) {
	f.Add(uint16(0), uint16(0), []byte{0, 0, 10, 0, 8, 0, 1, 0, 0})
	f.Add(uint16(100), uint16(5000), []byte{0, 1, 0, 0, 0x20, 0, 1, 0, 0, 0, 0x10, 0, 1, 1, 0})
	f.Add(uint16(1), uint16(1), []byte{2, 0xff, 0xff, 0, 0, 0, 3, 0, 0, 1, 0, 0})
	f.Fuzz(func(t *testing.T, lo, hi uint16, ops []byte) {
		p := Bytes{Min: int(lo), Max: int(hi) << 4}
		type held struct {
			b     []byte
			stamp byte
		}
		var out []held
		stamp := byte(0)
		for len(ops) >= 3 && len(out) < 64 {
			op, arg := ops[0], int(binary.BigEndian.Uint16(ops[1:3]))
			ops = ops[3:]
			switch op % 4 {
			case 0, 1, 2: // Get of up to 64 KiB, or (op 2) up to 4 MiB
				n := arg
				if op%4 == 2 {
					n <<= 6
				}
				b := p.Get(n)
				if len(b) != n || cap(b) != p.Class(n) || cap(b) < n {
					t.Fatalf("Get(%d): len %d cap %d, Class %d", n, len(b), cap(b), p.Class(n))
				}
				stamp++
				b = b[:cap(b)]
				for i := 0; i < len(b); i += 4096 {
					b[i] = stamp
				}
				if len(b) > 0 {
					b[len(b)-1] = stamp
				}
				out = append(out, held{b, stamp})
			case 3: // Put
				if len(out) == 0 {
					continue
				}
				i := arg % len(out)
				p.Put(out[i].b[:arg%(len(out[i].b)+1)])
				out = append(out[:i], out[i+1:]...)
			}
			for _, h := range out {
				for j := 0; j < len(h.b); j += 4096 {
					if h.b[j] != h.stamp || h.b[len(h.b)-1] != h.stamp {
						t.Fatalf("slice %d: byte %d is %d: memory shared with another outstanding slice", h.stamp, j, h.b[j])
					}
				}
			}
		}
	})
}
