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
