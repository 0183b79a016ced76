package parse

import (
	"bufio"
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"testing/iotest"
)

// proxyCheck is the property every input must satisfy:
//   - ParseProxy never panics, and its result is one of: a header with
//     0 < n <= len(in); ErrProxyShort with n > len(in); ErrNoProxy; or a
//     *ProxyError;
//   - ReadProxy over the same bytes, served one byte at a time, agrees;
//   - a parsed header re-encoded in its own version parses to the same
//     header and length, and re-encoded in the other version parses to the
//     same addresses (v2 → v1 only where v1 can express it).
func proxyCheck(t *testing.T, in []byte) {
	h, n, err := ParseProxy(in)
	switch {
	case err == nil:
		if n <= 0 || n > len(in) || h.Version < 1 || h.Version > 2 {
			t.Fatalf("ParseProxy(%q) = n %d, version %d", in, n, h.Version)
		}
	case err == ErrProxyShort:
		if n <= len(in) {
			t.Fatalf("ParseProxy(%q): short but asks for %d bytes", in, n)
		}
	case err == ErrNoProxy:
		if n != 0 {
			t.Fatalf("ParseProxy(%q): ErrNoProxy with n %d", in, n)
		}
	default:
		var pe *ProxyError
		if !errors.As(err, &pe) || !(errors.Is(err, ErrProxyMalformed) || errors.Is(err, ErrProxyChecksum)) {
			t.Fatalf("ParseProxy(%q): unexpected error %v", in, err)
		}
	}

	rh, rerr := ReadProxy(bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(in)), ProxyV2MaxLen))
	switch {
	case err == nil:
		if rerr != nil || !proxyEqual(rh, h) {
			t.Fatalf("ReadProxy(%q) = %+v, %v; ParseProxy gave %+v", in, rh, rerr, h)
		}
	case err == ErrProxyShort:
		if len(in) == 0 && rerr == nil || len(in) > 0 && !errors.Is(rerr, ErrProxyShort) {
			t.Fatalf("ReadProxy(%q): %v, want a short error", in, rerr)
		}
	default:
		if rerr == nil || rerr.Error() != err.Error() {
			t.Fatalf("ReadProxy(%q): %v; ParseProxy: %v", in, rerr, err)
		}
	}
	if err != nil {
		if !proxyEqual(h, ProxyHeader{}) {
			t.Fatalf("ParseProxy(%q) failed (%v) but returned %+v", in, err, h)
		}
		return
	}

	// The TLV walkers agree and cover the validated area exactly.
	var joined []byte
	var viaAll []ProxyTLV
	for tlv := range h.TLVs.All() {
		viaAll = append(viaAll, tlv)
	}
	k := 0
	for it := h.TLVs.Iter(); it.Next(); k++ {
		tlv := it.TLV()
		joined = append(joined, byte(tlv.Type), byte(len(tlv.Value)>>8), byte(len(tlv.Value)))
		joined = append(joined, tlv.Value...)
		if k >= len(viaAll) || viaAll[k].Type != tlv.Type || !bytes.Equal(viaAll[k].Value, tlv.Value) {
			t.Fatalf("All and Iter disagree at TLV %d of %x", k, h.TLVs)
		}
		first := 0
		for viaAll[first].Type != tlv.Type {
			first++
		}
		if v, ok := h.TLVs.Find(tlv.Type); !ok || !bytes.Equal(v, viaAll[first].Value) {
			t.Fatalf("Find(%v) = %x, %v; want the first such TLV, %x", tlv.Type, v, ok, viaAll[first].Value)
		}
	}
	if k != len(viaAll) || !bytes.Equal(joined, h.TLVs) {
		t.Fatalf("TLV walk of %x rebuilt %x (%d vs %d vectors)", h.TLVs, joined, k, len(viaAll))
	}

	var enc []byte
	var eerr error
	if h.Version == 1 {
		enc, eerr = AppendProxyV1(nil, &h)
	} else {
		enc, eerr = AppendProxyV2(nil, &h)
	}
	if eerr != nil {
		t.Fatalf("re-encoding %+v from %q: %v", h, in, eerr)
	}
	h2, n2, err2 := ParseProxy(enc)
	if err2 != nil || n2 != len(enc) || !proxyEqual(h, h2) {
		t.Fatalf("round trip of %q via %q: %+v, %d, %v; want %+v", in, enc, h2, n2, err2, h)
	}
	// A v2 header whose address block was skipped (LOCAL with a short block,
	// undecoded family/protocol pairs) re-encodes shorter; every other one
	// re-encodes to its own length.
	if h.Version == 2 && ProxyTransport(in[13]) == h.Transport &&
		16+proxyAddrLen(in[13])+len(h.TLVs) == n && !bytes.Equal(enc, in[:n]) {
		t.Fatalf("v2 round trip of %x: re-encoded as %x", in[:n], enc)
	}

	// Across versions.
	if h.Version == 1 {
		enc, eerr = AppendProxyV2(nil, &h)
		h3, _, err3 := ParseProxy(enc)
		want := h
		want.Version = 2
		if eerr != nil || err3 != nil || !proxyEqual(h3, want) {
			t.Fatalf("v1 %q as v2 %x: %+v, %v, %v", in, enc, h3, eerr, err3)
		}
		return
	}
	enc, eerr = AppendProxyV1(nil, &h)
	h3, _, err3 := ParseProxy(enc)
	if eerr != nil || err3 != nil {
		t.Fatalf("v2 %x as v1 %q: %v, %v", in, enc, eerr, err3)
	}
	if h.Relayed() && (h.Transport == ProxyTCP4 || h.Transport == ProxyTCP6) {
		if h3.Transport != h.Transport || h3.Source != h.Source || h3.Dest != h.Dest {
			t.Fatalf("v2 %x as v1 %q: %+v", in, enc, h3)
		}
	} else if h3.Transport != ProxyUnspec {
		t.Fatalf("v2 %x (%v %v) as v1 %q: want UNKNOWN", in, h.Command, h.Transport, enc)
	}
}

func FuzzProxyV1(f *testing.F) {
	for _, s := range proxySamples(f)[:4] {
		f.Add(s)
	}
	f.Add([]byte("PROXY TCP6 ::ffff:1.2.3.4 1:2:3:4:5:6:7:8 1 65535\r\nGET"))
	f.Add([]byte("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"))
	f.Add([]byte("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"))
	f.Add([]byte("PROXY UNKNOWN\rjunk\r\n"))
	f.Fuzz(proxyCheck)
}

func FuzzProxyV2(f *testing.F) {
	for _, s := range proxySamples(f)[4:] {
		f.Add(s)
	}
	f.Add(proxyV2(f, 0x20, 0x11, "01020304"))
	f.Add(proxyV2(f, 0x21, 0x10, "0102"))
	f.Add(proxyV2(f, 0x21, 0x00, "20 0008 01 00000000 21 0005"))
	f.Add(proxyWithCRC(proxyV2(f, 0x21, 0x00, "03 0004 00000000 04 0000"), 19))
	f.Fuzz(proxyCheck)
}

// FuzzProxyAddr compares the v1 address parsers with net/netip.
func FuzzProxyAddr(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "01.2.3.4", "::", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "1::2::3", "fe80::1%eth0", "1:2:3:4:5:6:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := netip.ParseAddr(s)
		a4, ok4 := proxyParseIPv4([]byte(s))
		if want := err == nil && ref.Is4(); ok4 != want || ok4 && a4 != ref {
			t.Fatalf("IPv4 %q: %v %v; netip %v %v", s, a4, ok4, ref, err)
		}
		a6, ok6 := proxyParseIPv6([]byte(s))
		if want := err == nil && ref.Is6() && ref.Zone() == ""; ok6 != want || ok6 && a6 != ref {
			t.Fatalf("IPv6 %q: %v %v; netip %v %v", s, a6, ok6, ref, err)
		}
	})
}
