package compress

import "testing"

func TestNegotiate(t *testing.T) {
	def := NewNegotiator(nil)
	gzipFirst := NewNegotiator([]Encoding{Gzip, Brotli, Identity, Zstd})
	for _, tc := range []struct {
		n      *Negotiator
		header string
		want   Encoding
		ok     bool
	}{
		{def, "", Identity, true},
		{def, "gzip, deflate, br, zstd", Zstd, true},
		{def, "gzip, deflate, br", Brotli, true},
		{def, "gzip", Gzip, true},
		{def, "x-gzip", Gzip, true},
		{def, "deflate", Deflate, true},
		{def, "gzip;q=0.5, br;q=0.4", Gzip, true},   // client weights beat server preference
		{def, "gzip;q=0.5, br;q=0.5", Brotli, true}, // equal weights: server preference
		{def, "*", Zstd, true},
		{def, "*;q=0.1, gzip", Gzip, true},
		{def, "br;q=0, *", Zstd, true},
		{def, "zstd;q=0, *", Brotli, true},
		{def, "identity", Identity, true},
		{def, "compress, sdch", Identity, true},
		{def, "gzip;q=0", Identity, true},
		{def, "identity;q=0", Identity, false},
		{def, "*;q=0", Identity, false},
		{def, "gzip;q=0, identity;q=0", Identity, false},
		{def, "identity;q=0, gzip;q=0.001", Gzip, true},
		{def, "GZIP;Q=1", Gzip, true},
		{gzipFirst, "zstd, br, gzip", Gzip, true},
		{gzipFirst, "zstd", Zstd, true},
		{gzipFirst, "deflate", Identity, true}, // not offered
	} {
		got, ok := tc.n.Negotiate(tc.header)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Negotiate(%q) = %v, %v; want %v, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNegotiateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	n := NewNegotiator(nil)
	if a := testing.AllocsPerRun(100, func() { n.Negotiate("gzip;q=0.8, deflate, br;q=0.9, zstd;q=0.7") }); a != 0 {
		t.Fatalf("%v allocs", a)
	}
}

func TestPolicyRequest(t *testing.T) {
	p, _ := NewPolicy(Config{})
	for _, tc := range []struct {
		method, ae, rng string
		want            Encoding
	}{
		{"GET", "gzip", "", Gzip},
		{"POST", "br", "", Brotli},
		{"HEAD", "gzip", "", Identity},
		{"GET", "gzip", "bytes=0-10", Identity},
		{"GET", "", "", Identity},
	} {
		if got := p.Request(tc.method, tc.ae, tc.rng); got != tc.want {
			t.Errorf("Request(%q, %q, %q) = %v, want %v", tc.method, tc.ae, tc.rng, got, tc.want)
		}
	}
}
