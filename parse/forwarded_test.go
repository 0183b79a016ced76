package parse

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func forwardedCollect(h string) ([]ForwardedElement, error) {
	var out []ForwardedElement
	it := ParseForwarded(h)
	for {
		e, ok := it.Next()
		if !ok {
			return out, it.Err()
		}
		out = append(out, e)
	}
}

func forwardedCollectReverse(h string) ([]ForwardedElement, error) {
	var out []ForwardedElement
	it := ParseForwardedReverse(h)
	for {
		e, ok := it.Next()
		if !ok {
			return out, it.Err()
		}
		out = append(out, e)
	}
}

func TestParseForwarded(t *testing.T) {
	type fe = ForwardedElement
	tests := []struct {
		in   string
		want []ForwardedElement
		bad  bool
	}{
		{`for="_gazonk"`, []fe{{For: "_gazonk"}}, false},
		{`For="[2001:db8:cafe::17]:4711"`, []fe{{For: "[2001:db8:cafe::17]:4711"}}, false},
		{`for=192.0.2.60;proto=http;by=203.0.113.43`, []fe{{For: "192.0.2.60", Proto: "http", By: "203.0.113.43"}}, false},
		{`for=192.0.2.43, for=198.51.100.17;host=example.com`, []fe{{For: "192.0.2.43"}, {For: "198.51.100.17", Host: "example.com"}}, false},
		{` , for=a ,; ,for=b;ext="x,y" `, []fe{{For: "a"}, {For: "b"}}, false},
		{`for=a, for=b;for=c, for=d`, []fe{{For: "a"}}, true},
		{`for=a, for="b, for=c`, []fe{{For: "a"}}, true},
		{`for=a, for=b c`, []fe{{For: "a"}}, true},
		{`for=a, =b`, []fe{{For: "a"}}, true},
	}
	for _, tt := range tests {
		got, err := forwardedCollect(tt.in)
		if !reflect.DeepEqual(got, tt.want) || (err != nil) != tt.bad {
			t.Errorf("ParseForwarded(%q) = %+v, %v; want %+v, error %v", tt.in, got, err, tt.want, tt.bad)
		}
		rev, rerr := forwardedCollectReverse(tt.in)
		if tt.bad {
			if rev != nil || rerr == nil {
				t.Errorf("ParseForwardedReverse(%q) = %+v, %v; want nothing and an error", tt.in, rev, rerr)
			}
			continue
		}
		if len(rev) != len(got) || rerr != nil {
			t.Errorf("ParseForwardedReverse(%q) = %+v, %v", tt.in, rev, rerr)
			continue
		}
		for i := range rev {
			if rev[i] != got[len(got)-1-i] {
				t.Errorf("ParseForwardedReverse(%q) = %+v, want the reverse of %+v", tt.in, rev, got)
			}
		}
	}
	// More hops than MaxForwardedHops: the rightmost ones come back, then an error.
	h := strings.Repeat("for=1.1.1.1, ", 40) + "for=9.9.9.9"
	rev, err := forwardedCollectReverse(h)
	if len(rev) != MaxForwardedHops || rev[0].For != "9.9.9.9" || err == nil {
		t.Errorf("long chain: %d elements, first %+v, err %v", len(rev), rev[0], err)
	}
}

func TestSplitNode(t *testing.T) {
	tests := []struct{ in, host, port string }{
		{"192.0.2.43:47011", "192.0.2.43", "47011"},
		{"[2001:db8:cafe::17]:4711", "2001:db8:cafe::17", "4711"},
		{"[2001:db8:cafe::17]", "2001:db8:cafe::17", ""},
		{"2001:db8::1", "2001:db8::1", ""},
		{"unknown", "unknown", ""},
		{"[bad", "[bad", ""},
	}
	for _, tt := range tests {
		if h, p := SplitNode(tt.in); h != tt.host || p != tt.port {
			t.Errorf("SplitNode(%q) = %q, %q", tt.in, h, p)
		}
	}
	for _, bad := range []string{"unknown", "_hidden", "example.com", "", "[::1", "1.2.3"} {
		if a, ok := NodeAddr(bad); ok {
			t.Errorf("NodeAddr(%q) = %v", bad, a)
		}
	}
	if a, ok := NodeAddr("[::1]:80"); !ok || a != netip.MustParseAddr("::1") {
		t.Errorf("NodeAddr = %v, %v", a, ok)
	}
}

func TestXForwardedFor(t *testing.T) {
	const h = " 203.0.113.195 ,, 2001:db8:85a3::8a2e:370:7334,198.51.100.17:8080 ,"
	var fwd, rev []string
	it := ParseXForwardedFor(h)
	for s, ok := it.Next(); ok; s, ok = it.Next() {
		fwd = append(fwd, s)
	}
	it = ParseXForwardedForReverse(h)
	for s, ok := it.Next(); ok; s, ok = it.Next() {
		rev = append(rev, s)
	}
	want := []string{"203.0.113.195", "2001:db8:85a3::8a2e:370:7334", "198.51.100.17:8080"}
	if !reflect.DeepEqual(fwd, want) || !reflect.DeepEqual(rev, []string{want[2], want[1], want[0]}) {
		t.Errorf("forward %q, reverse %q", fwd, rev)
	}
}

func TestClientFrom(t *testing.T) {
	trusted := func(a netip.Addr) bool { return netip.MustParsePrefix("10.0.0.0/8").Contains(a) }
	tests := []struct {
		xff  string
		want string
		ok   bool
	}{
		{"203.0.113.7, 10.0.0.2, 10.0.0.1", "203.0.113.7", true},
		{"1.1.1.1, 203.0.113.7, 10.0.0.1", "203.0.113.7", true}, // the spoofable left part is ignored
		{"10.0.0.3, 10.0.0.1", "10.0.0.3", true},
		{"garbage, 203.0.113.7", "203.0.113.7", true},
		{"203.0.113.7, garbage, 10.0.0.1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		a, ok := ClientFromXForwardedFor(tt.xff, trusted)
		if ok != tt.ok || (ok && a.String() != tt.want) {
			t.Errorf("ClientFromXForwardedFor(%q) = %v, %v", tt.xff, a, ok)
		}
		// The same chain as a Forwarded header.
		var fw []string
		for _, p := range strings.Split(tt.xff, ",") {
			if p = strings.TrimSpace(p); p != "" {
				fw = append(fw, `for="`+p+`"`)
			}
		}
		a, ok = ClientFromForwarded(strings.Join(fw, ", "), trusted)
		if ok != tt.ok || (ok && a.String() != tt.want) {
			t.Errorf("ClientFromForwarded(%q) = %v, %v", fw, a, ok)
		}
	}
	if _, ok := ClientFromForwarded(`for=203.0.113.7, for=10.0.0.1;for=10.0.0.2`, trusted); ok {
		t.Error("malformed Forwarded trusted")
	}
}

const (
	forwardedSample = `for=192.0.2.43;proto=https;host=example.com, for="[2001:db8:cafe::17]:4711";by=10.0.0.1, for=10.0.0.2`
	xffSample       = "203.0.113.195, 2001:db8:85a3::8a2e:370:7334, 10.0.0.2, 10.0.0.1"
)

func TestForwardedAllocs(t *testing.T) {
	trusted := netip.MustParsePrefix("10.0.0.0/8")
	n := testing.AllocsPerRun(100, func() {
		it := ParseForwarded(forwardedSample)
		for {
			if _, ok := it.Next(); !ok {
				break
			}
		}
		a, ok := ClientFromXForwardedFor(xffSample, trusted.Contains)
		if !ok || !a.Is6() {
			t.Fatal("bad client")
		}
		if _, ok := ClientFromForwarded(forwardedSample, trusted.Contains); !ok {
			t.Fatal("bad client")
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkForwarded(b *testing.B) {
	b.Run("iterate", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(forwardedSample)))
		for b.Loop() {
			it := ParseForwarded(forwardedSample)
			for {
				if _, ok := it.Next(); !ok {
					break
				}
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		trusted := netip.MustParsePrefix("10.0.0.0/8")
		b.ReportAllocs()
		b.SetBytes(int64(len(forwardedSample)))
		for b.Loop() {
			if _, ok := ClientFromForwarded(forwardedSample, trusted.Contains); !ok {
				b.Fatal("no client")
			}
		}
	})
}

func BenchmarkXForwardedFor(b *testing.B) {
	trusted := netip.MustParsePrefix("10.0.0.0/8")
	b.ReportAllocs()
	b.SetBytes(int64(len(xffSample)))
	for b.Loop() {
		if _, ok := ClientFromXForwardedFor(xffSample, trusted.Contains); !ok {
			b.Fatal("no client")
		}
	}
}

func FuzzForwarded(f *testing.F) {
	for _, s := range []string{forwardedSample, `for="_gazonk"`, ` , for=a ,; ,for=b;ext="x,y" `, `for=a, for="b, for=c`, `for=a;for=b`, `for="\"x\""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		got, err := forwardedCollect(h)
		rev, rerr := forwardedCollectReverse(h)
		if err != nil {
			if rev != nil || rerr == nil {
				t.Fatalf("reverse of malformed %q: %+v, %v", h, rev, rerr)
			}
			return
		}
		if len(got) <= MaxForwardedHops {
			if rerr != nil || len(rev) != len(got) {
				t.Fatalf("reverse of %q: %d elements, %v; forward %d", h, len(rev), rerr, len(got))
			}
			for i := range rev {
				if rev[i] != got[len(got)-1-i] {
					t.Fatalf("reverse of %q differs at %d", h, i)
				}
			}
		}
		// Round trip: every value re-quoted parses to the same elements.
		var b strings.Builder
		for i, e := range got {
			if i > 0 {
				b.WriteString(", ")
			}
			sep := ""
			for _, kv := range [][2]string{{"for", e.For}, {"by", e.By}, {"host", e.Host}, {"proto", e.Proto}} {
				if kv[1] == "" {
					continue
				}
				b.WriteString(sep + kv[0] + `="` + kv[1] + `"`)
				sep = ";"
			}
			if sep == "" {
				b.WriteString("x=y") // an element with only extensions
			}
		}
		again, err := forwardedCollect(b.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Fatalf("round trip of %q via %q: %+v, %v", h, b.String(), again, err)
		}
	})
}

func FuzzXForwardedFor(f *testing.F) {
	for _, s := range []string{xffSample, "", ",,", " 1.2.3.4 ,[::1]:80", "unknown, 10.0.0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		var fwd, rev []string
		it := ParseXForwardedFor(h)
		for s, ok := it.Next(); ok; s, ok = it.Next() {
			fwd = append(fwd, s)
		}
		it = ParseXForwardedForReverse(h)
		for s, ok := it.Next(); ok; s, ok = it.Next() {
			rev = append(rev, s)
		}
		var want []string
		for _, p := range strings.Split(h, ",") {
			if p = httpTrimOWS(p); p != "" {
				want = append(want, p)
			}
		}
		if !reflect.DeepEqual(fwd, want) || len(rev) != len(want) {
			t.Fatalf("XFF %q: forward %q, reverse %q, want %q", h, fwd, rev, want)
		}
		for i := range rev {
			if rev[i] != want[len(want)-1-i] {
				t.Fatalf("XFF %q: reverse %q", h, rev)
			}
		}
		ClientFromXForwardedFor(h, func(a netip.Addr) bool { return a.IsPrivate() })
	})
}
