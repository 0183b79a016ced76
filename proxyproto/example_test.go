package proxyproto_test

import (
	"fmt"
	"io"
	"net"
	"net/netip"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
)

func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	pl := proxyproto.Listen(ln, proxyproto.Config{
		Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, // the balancer
	})
	defer pl.Close()

	// The balancer's side: a v1 header, then the client's bytes.
	go func() {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			return
		}
		defer c.Close()
		h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyTCP4,
			Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:80")}
		b, _ := parse.AppendProxyV1(nil, &h)
		c.Write(append(b, "hello"...))
	}()

	c, err := pl.Accept()
	if err != nil {
		panic(err)
	}
	defer c.Close()
	data, _ := io.ReadAll(c)
	fmt.Println(c.RemoteAddr(), string(data))
	// Output: 203.0.113.7:4711 hello
}

// A datagram relayed by a balancer that speaks the PROXY protocol over UDP: the v2
// header in front of the payload names the client.
func ExampleSplitDatagram() {
	cfg := &proxyproto.Config{Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	h := parse.ProxyHeader{Command: parse.ProxyCommandProxy, Transport: parse.ProxyUDP4,
		Source: netip.MustParseAddrPort("203.0.113.7:4711"), Dest: netip.MustParseAddrPort("198.51.100.1:53")}
	datagram, _ := parse.AppendProxyV2(nil, &h)
	datagram = append(datagram, "query"...)

	hdr, payload, ok, err := proxyproto.SplitDatagram(cfg, netip.MustParseAddr("10.1.2.3"), datagram)
	fmt.Println(hdr.Source, string(payload), ok, err)
	// The same datagram from a sender outside Trusted is a spoofing attempt.
	_, _, _, err = proxyproto.SplitDatagram(cfg, netip.MustParseAddr("192.0.2.1"), datagram)
	fmt.Println(err)
	// Output:
	// 203.0.113.7:4711 query true <nil>
	// proxyproto: PROXY header from an untrusted peer
}
