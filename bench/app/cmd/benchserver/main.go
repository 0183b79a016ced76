// Command benchserver serves one framework of package app (plaintext at /plaintext, JSON at
// /json, a two-parameter route at /user/:id/post/:post) on a TCP address, for wrk.sh.
//
//	benchserver -framework tako -addr 127.0.0.1:8080
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/tako-go/tako/bench/app"
)

func main() {
	name := flag.String("framework", "tako", "fasthttp, tako, tako-nethttp, fiber, gin, echo or nethttp")
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	f, ok := app.Lookup(*name)
	if !ok {
		fmt.Fprintf(os.Stderr, "benchserver: unknown framework %q\n", *name)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchserver: %v\n", err)
		os.Exit(1)
	}
	stop := f.Serve(ln)
	fmt.Printf("benchserver: %s on %s\n", f.Name, ln.Addr())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	stop()
}
