package h3bench

import (
	"net"
	"sync"
	"testing"
)

// TestServersAnswer checks that every server answers hello over HTTP/3.
func TestServersAnswer(t *testing.T) {
	for _, s := range Servers {
		t.Run(s.Name, func(t *testing.T) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			stop := s.Serve(pc, TLSConfig())
			defer stop()
			cs, closeAll := Clients(1)
			defer closeAll()
			if err := Get(cs[0], "https://"+pc.LocalAddr().String()+"/plaintext", make([]byte, 64)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// BenchmarkHTTP3 runs client and server in this process: ns/op and allocs/op are the sum
// of both sides, so the difference between rows is the server's. 16 goroutines share 2
// connections.
func BenchmarkHTTP3(b *testing.B) {
	const conns, workers = 2, 16
	for _, s := range Servers {
		b.Run(s.Name, func(b *testing.B) {
			pc, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer pc.Close()
			stop := s.Serve(pc, TLSConfig())
			defer stop()
			cs, closeAll := Clients(conns)
			defer closeAll()
			url := "https://" + pc.LocalAddr().String() + "/plaintext"
			for _, c := range cs { // handshakes out of the timing
				if err := Get(c, url, make([]byte, 64)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			var mu sync.Mutex
			next := 0
			for w := range workers {
				wg.Go(func() {
					c, buf := cs[w%conns], make([]byte, 64)
					for {
						mu.Lock()
						if next >= b.N {
							mu.Unlock()
							return
						}
						next++
						mu.Unlock()
						if err := Get(c, url, buf); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
