package parse

import (
	"bufio"
	"bytes"
	"testing"
)

// proxyBenchInputs are the headers the benchmarks and allocation tests
// decode: the common cases a load balancer sends.
func proxyBenchInputs(t testing.TB) []struct {
	name string
	in   []byte
} {
	s := proxySamples(t)
	return []struct {
		name string
		in   []byte
	}{
		{"v1-tcp4", s[0]},
		{"v1-tcp6", s[1]},
		{"v1-unknown", s[2]},
		{"v2-tcp4", s[4]},
		{"v2-local", s[5]},
		{"v2-unix", s[6]},
		{"v2-tcp6-tlvs-crc", s[7]},
	}
}

func TestProxyAllocs(t *testing.T) {
	for _, tc := range proxyBenchInputs(t) {
		if a := testing.AllocsPerRun(200, func() {
			if _, _, err := ParseProxy(tc.in); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("ParseProxy %s: %v allocs, want 0", tc.name, a)
		}
		src := bytes.NewReader(tc.in)
		r := bufio.NewReader(src)
		if a := testing.AllocsPerRun(200, func() {
			src.Reset(tc.in)
			r.Reset(src)
			if _, err := ReadProxy(r); err != nil {
				t.Fatal(err)
			}
		}); a != 0 {
			t.Errorf("ReadProxy %s: %v allocs, want 0", tc.name, a)
		}
		h, _, _ := ParseProxy(tc.in)
		buf := make([]byte, 0, 512)
		if a := testing.AllocsPerRun(200, func() {
			if h.Version == 1 {
				buf, _ = AppendProxyV1(buf[:0], &h)
			} else {
				buf, _ = AppendProxyV2(buf[:0], &h)
			}
		}); a != 0 {
			t.Errorf("AppendProxyV%d %s: %v allocs, want 0", h.Version, tc.name, a)
		}
		if a := testing.AllocsPerRun(200, func() {
			n := 0
			for tlv := range h.TLVs.All() {
				n += len(tlv.Value)
			}
			if ssl, ok := h.SSL(); ok {
				n += len(ssl.Version())
			}
			_ = n
		}); a != 0 {
			t.Errorf("TLV iteration %s: %v allocs, want 0", tc.name, a)
		}
	}
	// Incomplete input is the common case on a slow link: no allocation either.
	in := proxyBenchInputs(t)[6].in
	if a := testing.AllocsPerRun(200, func() { _, _, _ = ParseProxy(in[:20]) }); a != 0 {
		t.Errorf("ParseProxy short: %v allocs", a)
	}
}

func BenchmarkParseProxy(b *testing.B) {
	for _, tc := range proxyBenchInputs(b) {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				h, n, err := ParseProxy(tc.in)
				if err != nil || n != len(tc.in) || h.Version == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadProxy(b *testing.B) {
	for _, tc := range proxyBenchInputs(b) {
		b.Run(tc.name, func(b *testing.B) {
			src := bytes.NewReader(tc.in)
			r := bufio.NewReader(src)
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				src.Reset(tc.in)
				r.Reset(src)
				if _, err := ReadProxy(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkAppendProxy(b *testing.B) {
	for _, tc := range proxyBenchInputs(b) {
		h, _, _ := ParseProxy(tc.in)
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 512)
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				var err error
				if h.Version == 1 {
					buf, err = AppendProxyV1(buf[:0], &h)
				} else {
					buf, err = AppendProxyV2(buf[:0], &h)
				}
				if err != nil || len(buf) != len(tc.in) {
					b.Fatal(err, len(buf))
				}
			}
		})
	}
}

// BenchmarkProxyTLVs walks the seven TLVs of the richest sample three ways.
func BenchmarkProxyTLVs(b *testing.B) {
	in := proxyBenchInputs(b)[6].in
	h, _, err := ParseProxy(in)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Iter", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(h.TLVs)))
		for b.Loop() {
			n := 0
			for it := h.TLVs.Iter(); it.Next(); {
				n += len(it.TLV().Value)
			}
			if n == 0 {
				b.Fatal("no TLVs")
			}
		}
	})
	b.Run("All", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(h.TLVs)))
		for b.Loop() {
			n := 0
			for tlv := range h.TLVs.All() {
				n += len(tlv.Value)
			}
			if n == 0 {
				b.Fatal("no TLVs")
			}
		}
	})
	b.Run("Find-last", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(h.TLVs)))
		for b.Loop() {
			if _, ok := h.TLVs.Find(ProxyTLVCRC32C); !ok {
				b.Fatal("no CRC32C")
			}
		}
	})
}
