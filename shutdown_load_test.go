package tako_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// TestShutdownUnderLoadEachTransport starts Shutdown while a bounded load runs over every transport
// (HTTP/1.1 on both engines, and HTTP/2 and HTTP/3 where their test files add them) and
// checks that no request the server accepted fails: every request whose handler started is
// answered in full with 200 and the right body. Requests that the client could not get
// accepted (connection refused after the listener closed, a stream the server refused with
// GOAWAY and the client could not retry) are allowed to fail; they never reached a handler.
func TestShutdownUnderLoadEachTransport(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		var started, finished, answered atomic.Int64
		app.Get("/work/:n", func(c *tako.Ctx) error {
			started.Add(1)
			defer finished.Add(1)
			// Long enough that many requests are in flight when Shutdown begins; the
			// handler ignores Context on purpose, it must be allowed to finish.
			time.Sleep(20 * time.Millisecond)
			return c.Text("done " + c.Param("n"))
		})
		h.start()

		const workers = 16
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var clientErrs sync.Map // error text -> count, for the log
		var wrong atomic.Int64
		var seq atomic.Int64
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					n := strconv.FormatInt(seq.Add(1), 10)
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					req, _ := http.NewRequestWithContext(ctx, "GET", h.url("/work/"+n), nil)
					resp, err := h.client.Do(req)
					if err != nil {
						cancel()
						msg := err.Error()
						if i := strings.LastIndex(msg, ": "); i >= 0 {
							msg = msg[i+2:]
						}
						v, _ := clientErrs.LoadOrStore(msg, new(atomic.Int64))
						v.(*atomic.Int64).Add(1)
						// After Shutdown the client can only fail to get in.
						time.Sleep(time.Millisecond)
						continue
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					cancel()
					if err != nil || resp.StatusCode != 200 || string(b) != "done "+n {
						wrong.Add(1)
						t.Errorf("request %s: %d %q (read error %v)", n, resp.StatusCode, b, err)
						continue
					}
					answered.Add(1)
				}
			}()
		}

		// Let the load run, then shut down in the middle of it.
		deadline := time.Now().Add(5 * time.Second)
		for started.Load() < 4*workers && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		before := started.Load()
		inflight := before - finished.Load()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := app.Shutdown(ctx)
		cancel()
		if err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		close(stop)
		wg.Wait()

		s, a := started.Load(), answered.Load()
		var errs []string
		clientErrs.Range(func(k, v any) bool {
			errs = append(errs, k.(string)+" ×"+strconv.FormatInt(v.(*atomic.Int64).Load(), 10))
			return true
		})
		t.Logf("%s: %d handlers started (%d before Shutdown, about %d of them in flight then), %d answered; client errors after Shutdown: %v",
			h.tr.name, s, before, inflight, a, errs)
		if inflight <= 0 {
			t.Fatal("no request was in flight when Shutdown began")
		}
		if s != a || wrong.Load() != 0 {
			t.Errorf("%d requests reached a handler but only %d were answered correctly (%d wrong)", s, a, wrong.Load())
		}
	})
}
