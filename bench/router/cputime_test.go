package router_test

import (
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"
)

// threadCPU is the CPU time consumed so far by the calling OS thread.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCPUTime measures each peer on each table in thread CPU time rather
// than wall time, interleaving the peers round by round. On a shared,
// overloaded machine wall-clock ns/op swings by 2x between runs; CPU time of
// the benchmarking thread does not count the time it waits for a core. It
// runs only with TAKO_CPUTIME=1 (rounds: TAKO_CPUTIME_ROUNDS, default 15;
// one table: TAKO_CPUTIME_TABLE=GitHubAll).
func TestCPUTime(t *testing.T) {
	if os.Getenv("TAKO_CPUTIME") != "1" {
		t.Skip("set TAKO_CPUTIME=1 to run")
	}
	rounds := 15
	fmt.Sscan(os.Getenv("TAKO_CPUTIME_ROUNDS"), &rounds)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	only := os.Getenv("TAKO_CPUTIME_TABLE") // run one table, e.g. GitHubAll
	for _, tb := range tables {
		if only != "" && tb.name != only {
			continue
		}
		routes := loadTable(t, tb.file)
		reqRoutes := routes
		if tb.reqs != nil {
			reqRoutes = tb.reqs(routes)
		}
		type run struct {
			name string
			loop func(n int)
			ns   []float64
		}
		var runs []*run
		for _, p := range peers {
			hit := 0
			h, fh := p.build(routes, &hit)
			reqs, fctx := requests(t, reqRoutes)
			w := &nopWriter{h: http.Header{}}
			loop := func(n int) {
				for range n {
					if h != nil {
						for _, r := range reqs {
							h.ServeHTTP(w, r)
						}
					} else {
						for _, c := range fctx {
							fh(c)
						}
					}
				}
			}
			loop(1)
			runs = append(runs, &run{name: p.name, loop: loop})
		}
		for range rounds {
			for _, r := range runs {
				// About 20ms of work per sample.
				n := 1
				for {
					start := threadCPU()
					r.loop(n)
					d := threadCPU() - start
					if d > 20*time.Millisecond {
						r.ns = append(r.ns, float64(d.Nanoseconds())/float64(n))
						break
					}
					n *= 4
				}
			}
		}
		for _, r := range runs {
			sort.Float64s(r.ns)
			t.Logf("%-13s %-11s min %10.0f ns/op  median %10.0f ns/op", tb.name, r.name, r.ns[0], r.ns[len(r.ns)/2])
		}
	}
}
