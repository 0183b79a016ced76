package proxyproto_test

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

var (
	balancer = netip.MustParseAddr("127.0.0.1")
	stranger = netip.MustParseAddr("192.0.2.1")
	client   = netip.MustParseAddrPort("203.0.113.7:4711")
	service  = netip.MustParseAddrPort("198.51.100.1:53")
)

func v2UDP(t testing.TB, src, dst netip.AddrPort, payload string, tlvs ...parse.ProxyTLV) []byte {
	t.Helper()
	tr := parse.ProxyUDP4
	if src.Addr().Is6() {
		tr = parse.ProxyUDP6
	}
	h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: tr, Source: src, Dest: dst}
	b, err := parse.AppendProxyV2(nil, &h, tlvs...)
	if err != nil {
		t.Fatal(err)
	}
	return append(b, payload...)
}

func TestSplitDatagram(t *testing.T) {
	hdr := v2UDP(t, client, service, "query")
	local, _ := parse.AppendProxyV2(nil, &parse.ProxyHeader{Command: parse.ProxyCommandLocal})
	v1, _ := parse.AppendProxyV1(nil, &parse.ProxyHeader{Command: parse.ProxyCommandProxy,
		Transport: parse.ProxyTCP4, Source: client, Dest: service})
	crc := v2UDP(t, netip.MustParseAddrPort("[2001:db8::7]:9"), netip.MustParseAddrPort("[2001:db8::1]:53"), "six",
		parse.ProxyTLV{Type: parse.ProxyTLVCRC32C})
	badCRC := bytes.Clone(crc)
	badCRC[len(badCRC)-len("six")-1] ^= 0xFF // the CRC32C value ends the header

	type want struct {
		ok      bool
		src     netip.AddrPort
		payload string
		err     error
	}
	cases := []struct {
		name     string
		cfg      proxyproto.Config
		peer     netip.Addr
		datagram []byte
		want     want
	}{
		{"trusted v2", proxyproto.Config{}, balancer, hdr, want{ok: true, src: client, payload: "query"}},
		{"trusted v2 IPv6 with CRC32C", proxyproto.Config{}, balancer, crc,
			want{ok: true, src: netip.MustParseAddrPort("[2001:db8::7]:9"), payload: "six"}},
		{"trusted v2 bad CRC32C", proxyproto.Config{}, balancer, badCRC, want{err: parse.ErrProxyChecksum}},
		{"trusted mapped IPv4 peer", proxyproto.Config{}, netip.MustParseAddr("::ffff:127.0.0.1"), hdr,
			want{ok: true, src: client, payload: "query"}},
		{"trusted LOCAL", proxyproto.Config{}, balancer, append(bytes.Clone(local), "ping"...),
			want{ok: true, payload: "ping"}},
		{"trusted no header", proxyproto.Config{}, balancer, []byte("plain"), want{payload: "plain"}},
		{"trusted no header, required", proxyproto.Config{Required: true}, balancer, []byte("plain"),
			want{err: proxyproto.ErrNoHeader}},
		{"trusted empty datagram", proxyproto.Config{}, balancer, []byte{}, want{}},
		{"trusted truncated v2", proxyproto.Config{}, balancer, hdr[:20], want{err: parse.ErrProxyMalformed}},
		{"trusted signature only", proxyproto.Config{}, balancer, hdr[:12], want{err: parse.ErrProxyMalformed}},
		{"trusted partial signature", proxyproto.Config{}, balancer, hdr[:11], want{payload: string(hdr[:11])}},
		{"trusted v1", proxyproto.Config{}, balancer, append(bytes.Clone(v1), "x"...), want{err: proxyproto.ErrDatagramV1}},
		{"untrusted v2", proxyproto.Config{}, stranger, hdr, want{err: proxyproto.ErrUntrusted}},
		{"untrusted v1", proxyproto.Config{}, stranger, v1, want{err: proxyproto.ErrUntrusted}},
		{"untrusted plain", proxyproto.Config{}, stranger, []byte("PROX"), want{payload: "PROX"}},
		{"untrusted passthrough", proxyproto.Config{Policy: proxyproto.PassThrough}, stranger, hdr,
			want{payload: string(hdr)}},
		{"invalid peer", proxyproto.Config{}, netip.Addr{}, hdr, want{err: proxyproto.ErrUntrusted}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.Trusted = loopback
			h, payload, ok, err := proxyproto.SplitDatagram(&cfg, tc.peer, tc.datagram)
			if tc.want.err != nil {
				if !errors.Is(err, tc.want.err) || payload != nil || ok {
					t.Fatalf("got %q, %v, %v; want error %v", payload, ok, err, tc.want.err)
				}
				return
			}
			if err != nil || ok != tc.want.ok || string(payload) != tc.want.payload {
				t.Fatalf("got %q, ok %v, %v; want %q, ok %v", payload, ok, err, tc.want.payload, tc.want.ok)
			}
			if h.Relayed() != tc.want.src.IsValid() || (h.Relayed() && h.Source != tc.want.src) {
				t.Fatalf("header %+v, want source %v", h, tc.want.src)
			}
		})
	}
}

func TestSplitDatagramAllocs(t *testing.T) {
	cfg := &proxyproto.Config{Trusted: loopback}
	hdr := v2UDP(t, client, service, "query")
	spoof := bytes.Clone(hdr)
	allocs := testing.AllocsPerRun(100, func() {
		if _, p, ok, err := proxyproto.SplitDatagram(cfg, balancer, hdr); err != nil || !ok || string(p) != "query" {
			t.Fatal("trusted header not split")
		}
		if _, _, _, err := proxyproto.SplitDatagram(cfg, stranger, spoof); err != proxyproto.ErrUntrusted {
			t.Fatal("spoofed header not refused")
		}
	})
	if allocs != 0 {
		t.Errorf("SplitDatagram allocates %v times per call pair, want 0", allocs)
	}
}

func BenchmarkSplitDatagram(b *testing.B) {
	cfg := &proxyproto.Config{Trusted: loopback}
	dg := v2UDP(b, client, service, "0123456789abcdef")
	b.ReportAllocs()
	b.SetBytes(int64(len(dg)))
	for b.Loop() {
		if _, _, ok, err := proxyproto.SplitDatagram(cfg, balancer, dg); !ok || err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzSplitDatagram feeds arbitrary datagrams from a trusted or untrusted peer, under
// both policies, with and without Required. SplitDatagram never panics, and agrees with
// parse.ParseProxy: the payload after a valid v2 header from a trusted peer, the whole
// datagram when there is no header (or the peer is passed through), an error otherwise.
func FuzzSplitDatagram(f *testing.F) {
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00\x71\x07\xc6\x33\x64\x01\x12\x67\x00\x35query"), true, false, false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00ping"), true, false, true)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00"), true, false, false)
	f.Add([]byte("PROXY TCP4 203.0.113.7 198.51.100.1 4711 53\r\nx"), true, false, false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00\x71\x07\xc6\x33\x64\x01\x12\x67\x00\x35"), false, false, false)
	f.Add([]byte("\r\n\r\n\x00\r\nQUIT\n\x21\x12\x00\x0c\xcb\x00\x71\x07\xc6\x33\x64\x01\x12\x67\x00\x35"), false, true, false)
	f.Add([]byte("dns query bytes"), true, false, true)
	f.Add([]byte{}, false, false, false)
	f.Fuzz(func(t *testing.T, data []byte, trusted, passthrough, required bool) {
		cfg := &proxyproto.Config{Trusted: loopback, Required: required}
		if passthrough {
			cfg.Policy = proxyproto.PassThrough
		}
		peer := stranger
		if trusted {
			peer = balancer
		}
		h, payload, ok, err := proxyproto.SplitDatagram(cfg, peer, data)
		ph, n, perr := parse.ParseProxy(data)
		sig := bytes.HasPrefix(data, []byte("PROXY")) || bytes.HasPrefix(data, []byte("\r\n\r\n\x00\r\nQUIT\n"))
		switch {
		case !trusted && (passthrough || !sig):
			if err != nil || ok || !bytes.Equal(payload, data) {
				t.Fatalf("untrusted %v: got %q, %v, %v; want the datagram whole", passthrough, payload, ok, err)
			}
		case !trusted:
			if err != proxyproto.ErrUntrusted {
				t.Fatalf("spoofed header: error %v, want ErrUntrusted", err)
			}
		case !sig && required:
			if err != proxyproto.ErrNoHeader {
				t.Fatalf("missing required header: error %v", err)
			}
		case !sig:
			if err != nil || ok || !bytes.Equal(payload, data) {
				t.Fatalf("no header: got %q, %v, %v; want the datagram whole", payload, ok, err)
			}
		case data[0] == 'P':
			if err != proxyproto.ErrDatagramV1 {
				t.Fatalf("v1 header: error %v, want ErrDatagramV1", err)
			}
		case perr == nil:
			if err != nil || !ok || !bytes.Equal(payload, data[n:]) {
				t.Fatalf("after a %d-byte header: got %q, %v, %v", n, payload, ok, err)
			}
			if h.Source != ph.Source || h.Command != ph.Command || h.Transport != ph.Transport || !bytes.Equal(h.TLVs, ph.TLVs) {
				t.Fatalf("header %+v, want %+v", h, ph)
			}
		default: // malformed or truncated
			if err == nil || ok || payload != nil {
				t.Fatalf("bad header (%v) accepted: %q, %v", perr, payload, ok)
			}
		}
		if err != nil && !errors.Is(err, proxyproto.ErrUntrusted) && !errors.Is(err, proxyproto.ErrNoHeader) &&
			!errors.Is(err, proxyproto.ErrDatagramV1) && !errors.Is(err, parse.ErrProxyMalformed) &&
			!errors.Is(err, parse.ErrProxyChecksum) {
			t.Fatalf("error %v matches no documented kind", err)
		}
	})
}
