// Command h3load sends GET requests over HTTP/3 with quic-go's client: -c goroutines over
// -conns connections (one http3.Transport each) for -d, after a one-second warm-up, and
// prints "requests N errors E seconds S rps R"; with -pid it adds the CPU time (user +
// system, from /proc/PID/stat) that process spent per request in the counted window:
// "cpu_ns_per_req C".
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	h3bench "github.com/tako-go/tako/bench/h3"
)

func main() {
	url := flag.String("url", "https://127.0.0.1:18443/plaintext", "URL")
	conns := flag.Int("conns", 2, "QUIC connections")
	workers := flag.Int("c", 32, "concurrent requests")
	d := flag.Duration("d", 5*time.Second, "duration")
	warm := flag.Duration("warmup", time.Second, "warm-up (not counted)")
	pid := flag.Int("pid", 0, "server process whose CPU time to report")
	hz := flag.Int("hz", 100, "clock ticks per second (getconf CLK_TCK)")
	flag.Parse()
	cs, closeAll := h3bench.Clients(*conns)
	defer closeAll()
	for _, c := range cs {
		if err := h3bench.Get(c, *url, make([]byte, 64)); err != nil {
			log.Fatal(err)
		}
	}
	var count, errs atomic.Int64
	var counting atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range *workers {
		wg.Go(func() {
			c, buf := cs[w%len(cs)], make([]byte, 64)
			for {
				select {
				case <-stop:
					return
				default:
				}
				err := h3bench.Get(c, *url, buf)
				if counting.Load() {
					if err != nil {
						errs.Add(1)
					} else {
						count.Add(1)
					}
				}
			}
		})
	}
	time.Sleep(*warm)
	t0 := cpuTicks(*pid)
	counting.Store(true)
	start := time.Now()
	time.Sleep(*d)
	counting.Store(false)
	t1 := cpuTicks(*pid)
	secs := time.Since(start).Seconds()
	n := count.Load()
	close(stop)
	wg.Wait()
	fmt.Printf("requests %d errors %d seconds %.3f rps %.0f", n, errs.Load(), secs, float64(n)/secs)
	if *pid != 0 && n > 0 {
		fmt.Printf(" cpu_ns_per_req %.0f", float64(t1-t0)*1e9/float64(*hz)/float64(n))
	}
	fmt.Println()
}

// cpuTicks returns utime + stime of process pid in clock ticks (0 for pid 0).
func cpuTicks(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		log.Fatal(err)
	}
	// Fields after the command name (which may hold spaces) start at field 3.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	u, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	s, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return u + s
}
