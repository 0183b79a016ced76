// Command h2server serves one server of package h2 (Tako's App or bare net/http, /plaintext
// answering "Hello, World!") over HTTP/2 for h2load.sh: TLS with ALPN h2 (-tls, with a
// fresh self-signed certificate) or h2c with prior knowledge.
//
//	h2server -server tako -tls -addr 127.0.0.1:18443
//
// With -cpuprofile it writes a CPU profile of the whole run when it is stopped.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"

	"github.com/tako-go/tako/bench/h2"
)

func main() {
	name := flag.String("server", "tako", "tako or nethttp")
	addr := flag.String("addr", "127.0.0.1:18443", "listen address")
	useTLS := flag.Bool("tls", false, "serve TLS (ALPN h2) instead of h2c")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	var cert *tls.Certificate
	if *useTLS {
		var err error
		if cert, err = h2.SelfSigned(); err != nil {
			fail(err)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fail(err)
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	stop, err := h2.Serve(*name, ln, cert)
	if err != nil {
		fail(err)
	}
	fmt.Printf("h2server: %s on %s (tls %v)\n", *name, ln.Addr(), *useTLS)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	stop()
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "h2server: %v\n", err)
	os.Exit(1)
}
