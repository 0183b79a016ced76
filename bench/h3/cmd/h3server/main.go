// Command h3server serves one of the h3bench servers over HTTP/3 on a UDP address until
// killed; h3bench.sh runs it pinned to one CPU.
package main

import (
	"flag"
	"log"
	"net"
	"os"
	"os/signal"

	h3bench "github.com/tako-go/tako/bench/h3"
)

func main() {
	name := flag.String("server", "tako", "quicgo, h3 or tako")
	addr := flag.String("addr", "127.0.0.1:18443", "UDP address")
	flag.Parse()
	s, ok := h3bench.Lookup(*name)
	if !ok {
		log.Fatalf("h3server: unknown server %q", *name)
	}
	pc, err := net.ListenPacket("udp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	stop := s.Serve(pc, h3bench.TLSConfig())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	stop()
}
