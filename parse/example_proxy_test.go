package parse_test

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/tako-go/tako/parse"
)

func ExampleParseProxy() {
	in := []byte("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n")
	h, n, err := parse.ParseProxy(in)
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Version, h.Transport, h.Source, h.Dest)
	fmt.Printf("%q\n", in[n:])

	// Too little input: ErrProxyShort says how much to wait for.
	_, need, err := parse.ParseProxy(in[:10])
	fmt.Println(err == parse.ErrProxyShort, need)

	// Output:
	// 1 TCP4 192.168.0.1:56324 192.168.0.11:443
	// "GET / HTTP/1.1\r\n"
	// true 15
}

func ExampleReadProxy() {
	// A load balancer's v2 header with an AUTHORITY TLV and a checksum,
	// followed by the client's request.
	hdr, err := parse.AppendProxyV2(nil, &parse.ProxyHeader{
		Command:   parse.ProxyCommandProxy,
		Transport: parse.ProxyTCP6,
		Source:    netip.MustParseAddrPort("[2001:db8::1]:51234"),
		Dest:      netip.MustParseAddrPort("[2001:db8::2]:443"),
	}, parse.ProxyTLV{Type: parse.ProxyTLVAuthority, Value: []byte("example.com")},
		parse.ProxyTLV{Type: parse.ProxyTLVCRC32C})
	if err != nil {
		panic(err)
	}
	r := bufio.NewReader(strings.NewReader(string(hdr) + "GET / HTTP/1.1\r\n"))

	h, err := parse.ReadProxy(r)
	switch {
	case errors.Is(err, parse.ErrNoProxy):
		fmt.Println("no PROXY header: reject, or serve the connection as is")
		return
	case err != nil:
		fmt.Println("bad header:", err)
		return
	}
	if h.Relayed() {
		fmt.Println("client", h.Source, "to", h.Dest)
	}
	for tlv := range h.TLVs.All() {
		fmt.Println(tlv.Type, len(tlv.Value), "bytes")
	}
	line, _ := r.ReadString('\n')
	fmt.Printf("%q\n", line)

	// Output:
	// client [2001:db8::1]:51234 to [2001:db8::2]:443
	// AUTHORITY 11 bytes
	// CRC32C 4 bytes
	// "GET / HTTP/1.1\r\n"
}

func ExampleAppendProxyV1() {
	h := parse.ProxyHeader{
		Command:   parse.ProxyCommandProxy,
		Transport: parse.ProxyTCP4,
		Source:    netip.MustParseAddrPort("203.0.113.7:40000"),
		Dest:      netip.MustParseAddrPort("10.0.0.1:8080"),
	}
	b, _ := parse.AppendProxyV1(nil, &h)
	fmt.Printf("%q\n", b)
	// Output: "PROXY TCP4 203.0.113.7 10.0.0.1 40000 8080\r\n"
}
