package parse

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"net/netip"
	"strings"
	"testing"
	"testing/iotest"
)

// proxyHex decodes hex with spaces, for readable v2 headers.
func proxyHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const proxySigHex = "0d0a0d0a000d0a515549540a"

func proxyEqual(a, b ProxyHeader) bool {
	return a.Version == b.Version && a.Command == b.Command && a.Transport == b.Transport &&
		a.Source == b.Source && a.Dest == b.Dest &&
		bytes.Equal(a.SourceUnix, b.SourceUnix) && bytes.Equal(a.DestUnix, b.DestUnix) &&
		bytes.Equal(a.TLVs, b.TLVs)
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func TestParseProxyV1(t *testing.T) {
	tcp := func(tr ProxyTransport, src, dst string) ProxyHeader {
		return ProxyHeader{Version: 1, Command: ProxyCommandProxy, Transport: tr, Source: ap(src), Dest: ap(dst)}
	}
	unknown := ProxyHeader{Version: 1, Command: ProxyCommandProxy, Transport: ProxyUnspec}
	for _, tc := range []struct {
		in   string
		want ProxyHeader
		n    int
	}{
		// The specification's example, followed by the HTTP request.
		{"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n",
			tcp(ProxyTCP4, "192.168.0.1:56324", "192.168.0.11:443"), 47},
		// The specification's longest lines.
		{"PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n",
			tcp(ProxyTCP4, "255.255.255.255:65535", "255.255.255.255:65535"), 56},
		{"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
			tcp(ProxyTCP6, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"), 104},
		{"PROXY UNKNOWN\r\n", unknown, 15},
		{"PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n", unknown, 107},
		{"PROXY UNKNOWN anything \r at all\r\nrest", unknown, 33},
		{"PROXY TCP4 0.0.0.0 10.0.0.1 0 80\r\n", tcp(ProxyTCP4, "0.0.0.0:0", "10.0.0.1:80"), 34},
		{"PROXY TCP6 ::1 2001:DB8::a 1 2\r\n", tcp(ProxyTCP6, "[::1]:1", "[2001:db8::a]:2"), 32},
		{"PROXY TCP6 ::ffff:192.0.2.1 :: 443 8443\r\n", tcp(ProxyTCP6, "[::ffff:192.0.2.1]:443", "[::]:8443"), 41},
		{"PROXY TCP6 1:2:3:4:5:6:7:8 1::8 1 1\r\n", tcp(ProxyTCP6, "[1:2:3:4:5:6:7:8]:1", "[1::8]:1"), 37},
	} {
		h, n, err := ParseProxy([]byte(tc.in))
		if err != nil || n != tc.n || !proxyEqual(h, tc.want) {
			t.Errorf("ParseProxy(%q) = %+v, %d, %v; want %+v, %d", tc.in, h, n, err, tc.want, tc.n)
		}
	}
}

func TestParseProxyV1Errors(t *testing.T) {
	long := "PROXY UNKNOWN " + strings.Repeat("x", 100) + "\r\n"
	for _, tc := range []struct {
		in     string
		offset int
		reason string
	}{
		{"PROXY  TCP4 1.2.3.4 1.2.3.4 1 1\r\n", 6, "unknown protocol"},
		{"PROXYTCP4 1.2.3.4 1.2.3.4 1 1\r\n", 5, "single space"},
		{"PROXY\r\n", 5, "single space"},
		{"PROXY TCP5 1.2.3.4 1.2.3.4 1 1\r\n", 6, "unknown protocol"},
		{"PROXY tcp4 1.2.3.4 1.2.3.4 1 1\r\n", 6, "unknown protocol"},
		{"PROXY UNKNOWNX\r\n", 13, "unknown protocol"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 1 1\n", 30, "LF without CR"},
		{"PROXY TCP4 1.2.3.4  1.2.3.4 1 1\r\n", 19, "bad destination address"},
		{"PROXY TCP4 01.2.3.4 1.2.3.4 1 1\r\n", 11, "bad source address for TCP4"},
		{"PROXY TCP4 1.2.3.256 1.2.3.4 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP4 1.2.3 1.2.3.4 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP4 1.2.3.4.5 1.2.3.4 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP4 ::1 1.2.3.4 1 1\r\n", 11, "bad source address for TCP4"},
		{"PROXY TCP6 1.2.3.4 ::1 1 1\r\n", 11, "bad source address for TCP6"},
		{"PROXY TCP6 ::1%eth0 ::1 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP6 1::2::3 ::1 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP6 12345::1 ::1 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP6 1:2:3:4:5:6:7::8 ::1 1 1\r\n", 11, "bad source address"},
		{"PROXY TCP6 ::1 :1 1 1\r\n", 15, "bad destination address"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 01 1\r\n", 27, "bad source port"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 65536 1\r\n", 27, "bad source port"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 1 -1\r\n", 29, "bad destination port"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 1 \r\n", 29, "bad destination port"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 1 1 \r\n", 30, "extra data"},
		{"PROXY TCP4 1.2.3.4 1.2.3.4 1\r\n", 28, "line ends before"},
		{long, 107, "no CRLF in the first 107 bytes"},
	} {
		_, _, err := ParseProxy([]byte(tc.in))
		var pe *ProxyError
		if !errors.As(err, &pe) || !errors.Is(err, ErrProxyMalformed) {
			t.Errorf("ParseProxy(%q): err %v, want a malformed *ProxyError", tc.in, err)
			continue
		}
		if pe.Version != 1 || pe.Offset != tc.offset || !strings.Contains(pe.Reason, tc.reason) {
			t.Errorf("ParseProxy(%q): %v (offset %d), want offset %d and %q", tc.in, err, pe.Offset, tc.offset, tc.reason)
		}
		if !strings.HasPrefix(err.Error(), "parse: PROXY v1 header: ") {
			t.Errorf("error text %q lacks the package prefix", err)
		}
	}
}

func TestParseProxyNoProxy(t *testing.T) {
	for _, in := range []string{
		"GET / HTTP/1.1\r\n\r\n", "\x16\x03\x01\x02\x00", "PROXz", "POST", "\r\n\r\n\x00\r\nQUIZ\n", "\r\nGET",
		"\x00", "SSH-2.0-OpenSSH\r\n",
	} {
		if _, n, err := ParseProxy([]byte(in)); err != ErrNoProxy || n != 0 {
			t.Errorf("ParseProxy(%q) = %d, %v; want ErrNoProxy", in, n, err)
		}
	}
}

// proxyV2 assembles a v2 header from the command/family bytes, addresses and
// TLVs, filling in the length.
func proxyV2(t testing.TB, verCmd, fam byte, rest string) []byte {
	body := proxyHex(t, rest)
	b := proxyHex(t, proxySigHex)
	b = append(b, verCmd, fam)
	b = binary.BigEndian.AppendUint16(b, uint16(len(body)))
	return append(b, body...)
}

// proxyWithCRC sets the 4 bytes at off to the CRC32c of b, computed with
// the Castagnoli polynomial exactly as the specification describes: over
// the whole header with the checksum field zeroed.
func proxyWithCRC(b []byte, off int) []byte {
	clear(b[off : off+4])
	binary.BigEndian.PutUint32(b[off:], crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
	return b
}

func TestCRC32CTable(t *testing.T) {
	// RFC 3720 B.4 / the iSCSI check value of CRC32c.
	if got := crc32.Checksum([]byte("123456789"), proxyCRCTable); got != 0xE3069283 {
		t.Fatalf("CRC32c(123456789) = %08x, want e3069283", got)
	}
}

func TestParseProxyV2(t *testing.T) {
	path := func(s string) string { return hex.EncodeToString(append([]byte(s), make([]byte, 108-len(s))...)) }
	withCRC := proxyWithCRC(proxyV2(t, 0x21, 0x11,
		"c0a80001 c0a8000b dc04 01bb  03 0004 00000000  02 000b 6578616d706c652e636f6d"), 16+12+3)
	for _, tc := range []struct {
		name string
		in   []byte
		want ProxyHeader
	}{
		{"tcp4", proxyV2(t, 0x21, 0x11, "c0a80001 c0a8000b dc04 01bb"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyTCP4, Source: ap("192.168.0.1:56324"), Dest: ap("192.168.0.11:443")}},
		{"udp4", proxyV2(t, 0x21, 0x12, "0a000001 0a000002 0035 0036"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyUDP4, Source: ap("10.0.0.1:53"), Dest: ap("10.0.0.2:54")}},
		{"tcp6", proxyV2(t, 0x21, 0x21, "20010db8000000000000000000000001 00000000000000000000ffffc0000201 1f90 0050"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyTCP6, Source: ap("[2001:db8::1]:8080"), Dest: ap("[::ffff:192.0.2.1]:80")}},
		{"udp6", proxyV2(t, 0x21, 0x22, "00000000000000000000000000000001 00000000000000000000000000000002 0001 0002"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyUDP6, Source: ap("[::1]:1"), Dest: ap("[::2]:2")}},
		{"unix", proxyV2(t, 0x21, 0x31, path("/run/a.sock")+path("\x00abstract")),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyUnixStream, SourceUnix: []byte("/run/a.sock"), DestUnix: []byte("\x00abstract")}},
		{"unix dgram", proxyV2(t, 0x21, 0x32, path("")+path(strings.Repeat("p", 108))),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyUnixDgram, DestUnix: []byte(strings.Repeat("p", 108))}},
		{"local", proxyV2(t, 0x20, 0x00, ""),
			ProxyHeader{Version: 2, Command: ProxyCommandLocal}},
		{"local with TLV", proxyV2(t, 0x20, 0x00, "04 0000"),
			ProxyHeader{Version: 2, Command: ProxyCommandLocal, TLVs: proxyHex(t, "04 0000")}},
		{"local keeps the addresses as sent", proxyV2(t, 0x20, 0x11, "01020304 05060708 0001 0002"),
			ProxyHeader{Version: 2, Command: ProxyCommandLocal, Transport: ProxyTCP4, Source: ap("1.2.3.4:1"), Dest: ap("5.6.7.8:2")}},
		{"local, short address block ignored", proxyV2(t, 0x20, 0x11, "01020304"),
			ProxyHeader{Version: 2, Command: ProxyCommandLocal}},
		{"unspec with TLV", proxyV2(t, 0x21, 0x00, "05 0003 616263"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, TLVs: proxyHex(t, "05 0003 616263")}},
		{"inet+unspec proto falls back to unspec", proxyV2(t, 0x21, 0x10, "0102030405060708"),
			ProxyHeader{Version: 2, Command: ProxyCommandProxy}},
		{"tcp4 with crc and authority", withCRC,
			ProxyHeader{Version: 2, Command: ProxyCommandProxy, Transport: ProxyTCP4, Source: ap("192.168.0.1:56324"), Dest: ap("192.168.0.11:443"),
				TLVs: withCRC[28:]}},
	} {
		in := append(tc.in, "GET / HTTP/1.1\r\n"...)
		h, n, err := ParseProxy(in)
		if err != nil || n != len(tc.in) || !proxyEqual(h, tc.want) {
			t.Errorf("%s: ParseProxy = %+v, %d, %v; want %+v, %d", tc.name, h, n, err, tc.want, len(tc.in))
		}
	}
}

func TestParseProxyV2Errors(t *testing.T) {
	good := proxyWithCRC(proxyV2(t, 0x21, 0x11, "01020304 05060708 0001 0002 03 0004 00000000"), 31)
	badCRC := bytes.Clone(good)
	badCRC[20] ^= 1 // flip a bit of the destination address
	for _, tc := range []struct {
		name   string
		in     []byte
		kind   error
		offset int
		reason string
	}{
		{"version 1", proxyV2(t, 0x11, 0x11, "01020304 05060708 0001 0002"), ErrProxyMalformed, 12, "version 1, want 2"},
		{"version 3", proxyV2(t, 0x31, 0x11, ""), ErrProxyMalformed, 12, "version 3"},
		{"command 2", proxyV2(t, 0x22, 0x11, ""), ErrProxyMalformed, 12, "unknown command 0x2"},
		{"family 4", proxyV2(t, 0x21, 0x41, ""), ErrProxyMalformed, 13, "unknown address family"},
		{"protocol 3", proxyV2(t, 0x21, 0x13, ""), ErrProxyMalformed, 13, "unknown address family or protocol 0x13"},
		{"tcp4 short block", proxyV2(t, 0x21, 0x11, "01020304 05060708 0001"), ErrProxyMalformed, 14, "TCP4 needs 12 address bytes, length is 10"},
		{"tcp6 short block", proxyV2(t, 0x21, 0x21, "01020304 05060708 0001"), ErrProxyMalformed, 14, "TCP6 needs 36"},
		{"unix short block", proxyV2(t, 0x21, 0x31, "00"), ErrProxyMalformed, 14, "UNIX_STREAM needs 216"},
		{"tlv header cut", proxyV2(t, 0x21, 0x11, "01020304 05060708 0001 0002 01 00"), ErrProxyMalformed, 28, "TLV header truncated: 2 of 3"},
		{"tlv value cut", proxyV2(t, 0x21, 0x11, "01020304 05060708 0001 0002 01 0005 6832"), ErrProxyMalformed, 28, "ALPN TLV length 5 runs past the header end by 3 bytes"},
		{"crc length", proxyV2(t, 0x21, 0x11, "01020304 05060708 0001 0002 03 0003 000000"), ErrProxyMalformed, 28, "CRC32C TLV length 3, want 4"},
		{"two crcs", proxyV2(t, 0x21, 0x00, "03 0004 00000000 03 0004 00000000"), ErrProxyMalformed, 23, "second CRC32C"},
		{"unique id too long", proxyV2(t, 0x21, 0x00, "05 0081"+strings.Repeat("00", 129)), ErrProxyMalformed, 16, "UNIQUE_ID TLV of 129 bytes"},
		{"ssl too short", proxyV2(t, 0x21, 0x00, "20 0004 01000000"), ErrProxyMalformed, 16, "SSL TLV of 4 bytes"},
		{"ssl sub-tlv cut", proxyV2(t, 0x21, 0x00, "20 0008 01 00000000 21 0005"), ErrProxyMalformed, 24, "SSL_VERSION sub-TLV runs past"},
		{"ssl sub-tlv header cut", proxyV2(t, 0x21, 0x00, "20 0007 01 00000000 21 00"), ErrProxyMalformed, 24, "SSL sub-TLV header truncated"},
		{"crc mismatch", badCRC, ErrProxyChecksum, 31, "CRC32C mismatch: header says 0x"},
	} {
		_, _, err := ParseProxy(tc.in)
		var pe *ProxyError
		if !errors.As(err, &pe) || !errors.Is(err, tc.kind) {
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.kind)
			continue
		}
		if pe.Version != 2 || pe.Offset != tc.offset || !strings.Contains(pe.Reason, tc.reason) {
			t.Errorf("%s: %v (offset %d), want offset %d and %q", tc.name, err, pe.Offset, tc.offset, tc.reason)
		}
	}
	if _, _, err := ParseProxy(good); err != nil {
		t.Fatalf("good CRC rejected: %v", err)
	}
}

// proxySamples are valid headers used by the prefix, reader and allocation
// tests and as fuzz seeds.
func proxySamples(t testing.TB) [][]byte {
	h6 := ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP6, Source: ap("[2001:db8::1]:443"), Dest: ap("[2001:db8::2]:8443")}
	v2tlv, err := AppendProxyV2(nil, &h6,
		ProxyTLV{Type: ProxyTLVALPN, Value: []byte("h2")},
		ProxyTLV{Type: ProxyTLVAuthority, Value: []byte("example.com")},
		ProxyTLV{Type: ProxyTLVSSL, Value: append([]byte{ProxySSLClientSSL, 0, 0, 0, 0}, proxyHex(t, "21 0007 544c5376312e33  23 0016 544c535f4145535f3132385f47434d5f534841323536")...)},
		ProxyTLV{Type: ProxyTLVUniqueID, Value: []byte("conn-42")},
		ProxyTLV{Type: ProxyTLVNetNS, Value: []byte("blue")},
		ProxyTLV{Type: ProxyTLVNoop, Value: []byte{0, 0}},
		ProxyTLV{Type: ProxyTLVCRC32C},
	)
	if err != nil {
		t.Fatal(err)
	}
	return [][]byte{
		[]byte("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
		[]byte("PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 65535 0\r\n"),
		[]byte("PROXY UNKNOWN\r\n"),
		[]byte("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
		proxyV2(t, 0x21, 0x11, "c0a80001 c0a8000b dc04 01bb"),
		proxyV2(t, 0x20, 0x00, ""),
		proxyV2(t, 0x21, 0x31, hex.EncodeToString(make([]byte, 216))),
		v2tlv,
	}
}

// TestParseProxyPrefixes checks, for every proper prefix of every sample,
// that ParseProxy asks for more and that what it asks for never exceeds the
// real header: the guarantee that lets ReadProxy avoid over-reading.
func TestParseProxyPrefixes(t *testing.T) {
	for _, s := range proxySamples(t) {
		for k := range len(s) {
			_, n, err := ParseProxy(s[:k])
			if err != ErrProxyShort || n <= k || n > len(s) {
				t.Fatalf("ParseProxy(%q[:%d]) = %d, %v; want ErrProxyShort with %d < n <= %d", s, k, n, err, k, len(s))
			}
		}
	}
}

// proxyStrictReader serves data in one-byte reads and fails the test if it
// is read past its end: a peer that sends the header and then waits.
type proxyStrictReader struct {
	t    testing.TB
	data []byte
}

func (r *proxyStrictReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		r.t.Fatal("ReadProxy read past the header")
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func TestReadProxy(t *testing.T) {
	for _, s := range proxySamples(t) {
		want, _, err := ParseProxy(s)
		if err != nil {
			t.Fatal(err)
		}
		// The header alone, byte by byte, then silence.
		h, err := ReadProxy(bufio.NewReader(&proxyStrictReader{t: t, data: bytes.Clone(s)}))
		if err != nil || !proxyEqual(h, want) {
			t.Fatalf("ReadProxy(%q) = %+v, %v; want %+v", s, h, err, want)
		}
		// The header followed by data in the same read: the data stays.
		r := bufio.NewReader(bytes.NewReader(append(bytes.Clone(s), "GET / HTTP/1.1\r\n"...)))
		if h, err = ReadProxy(r); err != nil || !proxyEqual(h, want) {
			t.Fatalf("ReadProxy(%q + data) = %+v, %v", s, h, err)
		}
		if rest, _ := io.ReadAll(r); string(rest) != "GET / HTTP/1.1\r\n" {
			t.Fatalf("after the header: %q", rest)
		}
		// Cut short by EOF.
		_, err = ReadProxy(bufio.NewReader(iotest.HalfReader(bytes.NewReader(s[:len(s)-1]))))
		if !errors.Is(err, ErrProxyShort) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("ReadProxy(truncated %q): %v, want ErrProxyShort and io.ErrUnexpectedEOF", s, err)
		}
	}
}

func TestReadProxyErrors(t *testing.T) {
	if _, err := ReadProxy(bufio.NewReader(strings.NewReader(""))); err != io.EOF {
		t.Errorf("empty input: %v, want io.EOF", err)
	}
	r := bufio.NewReader(strings.NewReader("GET / HTTP/1.1\r\n\r\n"))
	if _, err := ReadProxy(r); err != ErrNoProxy {
		t.Errorf("HTTP request: %v, want ErrNoProxy", err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "GET / HTTP/1.1\r\n\r\n" {
		t.Errorf("ErrNoProxy consumed input: %q left", rest)
	}
	if _, err := ReadProxy(bufio.NewReader(strings.NewReader("PROXY TCP4 1.2.3.4\n"))); !errors.Is(err, ErrProxyMalformed) {
		t.Errorf("bad v1: %v", err)
	}
	big := proxyV2(t, 0x21, 0x00, "04 1000"+strings.Repeat("00", 0x1000))
	if _, err := ReadProxy(bufio.NewReaderSize(bytes.NewReader(big), 1024)); !errors.Is(err, ErrProxyMalformed) ||
		!strings.Contains(err.Error(), "v2 header: header of at least 4115 bytes does not fit the bufio.Reader buffer of 1024") {
		t.Errorf("v2 larger than the buffer: %v", err)
	}
	if h, err := ReadProxy(bufio.NewReaderSize(bytes.NewReader(big), ProxyV2MaxLen)); err != nil || len(h.TLVs) != 0x1003 {
		t.Errorf("v2 with a big buffer: %v", err)
	}
	v1 := "PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"
	if _, err := ReadProxy(bufio.NewReaderSize(strings.NewReader(v1), 16)); !errors.Is(err, ErrProxyMalformed) ||
		!strings.Contains(err.Error(), "v1 header: header of at least 17 bytes does not fit the bufio.Reader buffer of 16") {
		t.Errorf("v1 larger than the buffer: %v", err)
	}
	boom := errors.New("boom")
	if _, err := ReadProxy(bufio.NewReader(iotest.ErrReader(boom))); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
}

func TestProxyTLVs(t *testing.T) {
	s := proxySamples(t)
	h, _, err := ParseProxy(s[len(s)-1])
	if err != nil {
		t.Fatal(err)
	}
	var types []ProxyTLVType
	for tlv := range h.TLVs.All() {
		types = append(types, tlv.Type)
	}
	want := []ProxyTLVType{ProxyTLVALPN, ProxyTLVAuthority, ProxyTLVSSL, ProxyTLVUniqueID, ProxyTLVNetNS, ProxyTLVNoop, ProxyTLVCRC32C}
	if !slicesEqual(types, want) {
		t.Fatalf("TLV types %v, want %v", types, want)
	}
	for tlv := range h.TLVs.All() {
		if tlv.Type != ProxyTLVALPN {
			t.Errorf("first TLV %v", tlv.Type)
		}
		break // All must stop when the loop does
	}
	if v, ok := h.TLVs.Find(ProxyTLVAuthority); !ok || string(v) != "example.com" {
		t.Errorf("AUTHORITY = %q, %v", v, ok)
	}
	if _, ok := h.TLVs.Find(0xE0); ok {
		t.Errorf("found an absent TLV")
	}
	ssl, ok := h.SSL()
	if !ok || ssl.Client != ProxySSLClientSSL || ssl.Verify != 0 || string(ssl.Version()) != "TLSv1.3" ||
		string(ssl.Cipher()) != "TLS_AES_128_GCM_SHA256" || ssl.CN() != nil || ssl.SigAlg() != nil || ssl.KeyAlg() != nil {
		t.Errorf("SSL = %+v %v: version %q cipher %q", ssl, ok, ssl.Version(), ssl.Cipher())
	}
	sub := ProxySSL{TLVs: proxyHex(t, "22 0002 636e 24 0003 736967 25 0003 6b6579")}
	if string(sub.CN()) != "cn" || string(sub.SigAlg()) != "sig" || string(sub.KeyAlg()) != "key" {
		t.Errorf("SSL sub-TLVs: %q %q %q", sub.CN(), sub.SigAlg(), sub.KeyAlg())
	}
	it := ProxyTLVs(proxyHex(t, "01 0002 6832 02 0009 61")).Iter() // second one truncated
	if !it.Next() || string(it.TLV().Value) != "h2" || it.Next() {
		t.Errorf("iterator over a truncated TLV list")
	}
	c := h.Clone()
	if !proxyEqual(c, h) || &c.TLVs[0] == &h.TLVs[0] {
		t.Errorf("Clone shares or differs")
	}
}

func slicesEqual[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAppendProxy(t *testing.T) {
	h4 := ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP4, Source: ap("192.168.0.1:56324"), Dest: ap("192.168.0.11:443")}
	b, err := AppendProxyV1([]byte("x"), &h4)
	if err != nil || string(b) != "xPROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n" {
		t.Errorf("AppendProxyV1 = %q, %v", b, err)
	}
	b, err = AppendProxyV2(nil, &h4)
	if want := proxyV2(t, 0x21, 0x11, "c0a80001 c0a8000b dc04 01bb"); err != nil || !bytes.Equal(b, want) {
		t.Errorf("AppendProxyV2 = %x, %v; want %x", b, err, want)
	}
	for _, h := range []ProxyHeader{
		{Command: ProxyCommandLocal, Transport: ProxyTCP4, Source: h4.Source, Dest: h4.Dest},
		{Command: ProxyCommandProxy, Transport: ProxyUDP4, Source: h4.Source, Dest: h4.Dest},
		{Command: ProxyCommandProxy, Transport: ProxyUnixStream},
		{Command: ProxyCommandProxy},
	} {
		if b, err := AppendProxyV1(nil, &h); err != nil || string(b) != "PROXY UNKNOWN\r\n" {
			t.Errorf("AppendProxyV1(%+v) = %q, %v", h, b, err)
		}
	}
	for _, tc := range []struct {
		name string
		h    ProxyHeader
		tlvs []ProxyTLV
		v1   bool
	}{
		{"v1 tcp4 with v6", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP4, Source: ap("[::1]:1"), Dest: h4.Dest}, nil, true},
		{"v1 tcp6 with v4", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP6, Source: h4.Source, Dest: ap("[::1]:1")}, nil, true},
		{"v1 tcp6 zone", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP6, Source: ap("[fe80::1%eth0]:1"), Dest: ap("[::1]:1")}, nil, true},
		{"command", ProxyHeader{Command: 2}, nil, false},
		{"transport", ProxyHeader{Command: ProxyCommandProxy, Transport: 0x13}, nil, false},
		{"tcp4 with v6", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP4, Source: ap("[::1]:1"), Dest: h4.Dest}, nil, false},
		{"tcp6 with v4", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP6, Source: h4.Source, Dest: h4.Dest}, nil, false},
		{"unix path", ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyUnixDgram, SourceUnix: make([]byte, 109)}, nil, false},
		{"bad raw tlvs", ProxyHeader{TLVs: []byte{1, 0, 9}}, nil, false},
		{"raw crc size", ProxyHeader{TLVs: []byte{3, 0, 1, 0}}, nil, false},
		{"two crcs", ProxyHeader{TLVs: []byte{3, 0, 4, 0, 0, 0, 0}}, []ProxyTLV{{Type: ProxyTLVCRC32C}}, false},
		{"crc value size", ProxyHeader{}, []ProxyTLV{{Type: ProxyTLVCRC32C, Value: []byte{1}}}, false},
		{"tlv too big", ProxyHeader{}, []ProxyTLV{{Type: ProxyTLVNoop, Value: make([]byte, 0x10000)}}, false},
		{"header too big", ProxyHeader{}, []ProxyTLV{{Type: ProxyTLVNoop, Value: make([]byte, 0xFFFF-3)}, {Type: ProxyTLVNoop}}, false},
	} {
		var err error
		var out []byte
		if tc.v1 {
			out, err = AppendProxyV1([]byte("keep"), &tc.h)
		} else {
			out, err = AppendProxyV2([]byte("keep"), &tc.h, tc.tlvs...)
		}
		if err == nil || string(out) != "keep" || !strings.HasPrefix(err.Error(), "parse: PROXY v") {
			t.Errorf("%s: %q, %v; want an error and dst untouched", tc.name, out, err)
		}
	}
	// A header with an existing CRC TLV is re-encoded with a fresh checksum.
	h := ProxyHeader{Command: ProxyCommandProxy, TLVs: []byte{3, 0, 4, 9, 9, 9, 9}}
	b, err = AppendProxyV2(nil, &h)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ParseProxy(b); err != nil {
		t.Fatalf("re-encoded CRC does not verify: %v", err)
	}
}

func TestProxyStrings(t *testing.T) {
	for got, want := range map[string]string{
		ProxyTCP4.String(): "TCP4", ProxyUnixDgram.String(): "UNIX_DGRAM", ProxyTransport(0x13).String(): "ProxyTransport(0x13)",
		ProxyCommandLocal.String(): "LOCAL", ProxyCommand(5).String(): "ProxyCommand(5)",
		ProxyTLVSSLKeyAlg.String(): "SSL_KEY_ALG", ProxyTLVType(0xe1).String(): "0xe1",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if !(&ProxyHeader{Command: ProxyCommandProxy, Transport: ProxyTCP4}).Relayed() ||
		(&ProxyHeader{Command: ProxyCommandLocal, Transport: ProxyTCP4}).Relayed() ||
		(&ProxyHeader{Command: ProxyCommandProxy}).Relayed() {
		t.Error("Relayed")
	}
	if !ProxyUDP6.IsIP() || ProxyUnixStream.IsIP() || !ProxyUnixStream.IsUnix() {
		t.Error("IsIP/IsUnix")
	}
}

// TestProxyAddrParsers compares the hand-written address parsers with
// net/netip on a table (FuzzProxyAddr does it on random input).
func TestProxyAddrParsers(t *testing.T) {
	for _, s := range []string{
		"1.2.3.4", "0.0.0.0", "255.255.255.255", "01.2.3.4", "1.2.3", "256.1.1.1", "1..2.3", "1.2.3.4.",
		"::", "::1", "1::", "1::2", "::ffff:1.2.3.4", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", ":::", "1:::2", "1::2::3",
		"0000:0000::00000", "abcd::EF01", "g::1", "1:2", ":1::", "1::2:", "::ffff:01.2.3.4", "fe80::1%eth0", "",
	} {
		ref, err := netip.ParseAddr(s)
		want4 := err == nil && ref.Is4()
		want6 := err == nil && ref.Is6() && ref.Zone() == ""
		a4, ok4 := proxyParseIPv4([]byte(s))
		a6, ok6 := proxyParseIPv6([]byte(s))
		if ok4 != want4 || (ok4 && a4 != ref) {
			t.Errorf("IPv4 %q: %v %v, netip %v %v", s, a4, ok4, ref, err)
		}
		if ok6 != want6 || (ok6 && a6 != ref) {
			t.Errorf("IPv6 %q: %v %v, netip %v %v", s, a6, ok6, ref, err)
		}
	}
}
