package tako_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

func TestBody(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxBodyBytes: 1 << 10, Logger: discardLogger()})
		app.Post("/echo", func(c *tako.Ctx) error {
			b, err := c.Body()
			if err != nil {
				return err
			}
			return c.Bytes("application/octet-stream", b)
		})
		// A large upload streams through BodyReader and is never held in memory whole.
		app.Post("/upload", func(c *tako.Ctx) error {
			sum := sha256.New()
			n, err := io.Copy(sum, c.BodyReader())
			if err != nil {
				return err
			}
			return c.Text(fmt.Sprintf("%d %x", n, sum.Sum(nil)))
		})
		h.start()
		expect(t, h.do("POST", "/echo", strings.NewReader("ping")), 200, "ping")
		small := strings.Repeat("a", 1<<10)
		expect(t, h.do("POST", "/echo", strings.NewReader(small)), 200, small)

		// Over the limit with Content-Length: 413 without reading it.
		r := h.do("POST", "/echo", strings.NewReader(small+"b"))
		if r.status != 413 || !strings.Contains(r.body, `"status":413`) {
			t.Errorf("oversize body: %d %q", r.status, r.body)
		}
		// Over the limit, chunked (no Content-Length): 413 after reading the limit.
		r = h.do("POST", "/echo", io.MultiReader(strings.NewReader(small), strings.NewReader("b")))
		if r.status != 413 {
			t.Errorf("oversize chunked body: %d %q", r.status, r.body)
		}

		big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB, 4096 x the limit
		want := sha256.Sum256(big)
		expect(t, h.do("POST", "/upload", bytes.NewReader(big)), 200, fmt.Sprintf("%d %s", len(big), hex.EncodeToString(want[:])))
		// Chunked too.
		expect(t, h.do("POST", "/upload", io.MultiReader(bytes.NewReader(big))), 200, fmt.Sprintf("%d %s", len(big), hex.EncodeToString(want[:])))
		expect(t, h.do("POST", "/echo", strings.NewReader("still serving")), 200, "still serving")
	})
}

func TestStream(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		release := make(chan struct{})
		app.Get("/stream", func(c *tako.Ctx) error {
			name := c.Query("name")
			return c.Stream("text/event-stream", func(w *tako.StreamWriter) error {
				fmt.Fprintf(w, "data: hello %s\n\n", name)
				if err := w.Flush(); err != nil {
					return err
				}
				<-release // the client must have the first event before we go on
				w.WriteString("data: bye\n\n")
				return w.Flush()
			})
		})
		h.start()
		resp, err := h.client.Get(h.url("/stream?name=ann"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Errorf("Content-Type %q", resp.Header.Get("Content-Type"))
		}
		br := bufio.NewReader(resp.Body)
		line, err := br.ReadString('\n')
		if err != nil || line != "data: hello ann\n" {
			t.Fatalf("first event %q %v", line, err)
		}
		close(release)
		rest, err := io.ReadAll(br)
		if err != nil || string(rest) != "\ndata: bye\n\n" {
			t.Fatalf("rest %q %v", rest, err)
		}
	})
}

// TestPoisonBuffersCatchesEscapedValue shows the debug mode at work: a handler keeps a
// zero-copy value past its return (a bug); with PoisonBuffers the kept value turns to
// garbage as soon as the request ends, so a test sees it at once. With Immutable the same
// code is correct.
func TestPoisonBuffersCatchesEscapedValue(t *testing.T) {
	for _, mode := range []string{"poison", "immutable"} {
		t.Run(mode, func(t *testing.T) {
			runAll(t, func(t *testing.T, h *harness) {
				if mode == "poison" && raceEnabled && h.tr.name == "h3" {
					// The test reads memory the server overwrites once it has answered (the
					// deliberate bug); over quic-go's UDP path the race detector sees no
					// ordering between the two and reports that race.
					t.Skip("the deliberate race is reported by the race detector over HTTP/3")
				}
				cfg := tako.Config{PoisonBuffers: mode == "poison", Immutable: mode == "immutable"}
				app := h.newApp(cfg)
				var mu sync.Mutex // orders the handler's write of kept before the test's read
				var kept struct {
					param, header, query string
					body                 []byte
				}
				app.Post("/items/:id", func(c *tako.Ctx) error {
					mu.Lock()
					defer mu.Unlock()
					body, err := c.Body()
					if err != nil {
						return err
					}
					// BUG (deliberate): these alias request buffers and escape the handler.
					kept.param, kept.header, kept.query, kept.body = c.Param("id"), c.Header("X-Trace"), c.Query("q"), body
					return c.Text("ok")
				})
				h.start()
				expect(t, h.do("POST", "/items/item42?q=needle", strings.NewReader("payload"), "X-Trace: trace-7"), 200, "ok")
				mu.Lock()
				got := []string{kept.param, kept.header, kept.query, string(kept.body)}
				keptBody := string(kept.body)
				mu.Unlock()
				want := []string{"item42", "trace-7", "needle", "payload"}
				for i := range got {
					intact := got[i] == want[i]
					switch {
					case mode == "immutable" && !intact:
						t.Errorf("Immutable: kept value %q changed, want %q", got[i], want[i])
					case mode == "poison" && h.requestEngine() == tako.FastHTTP && intact:
						t.Errorf("PoisonBuffers: escaped value %q still looks valid", got[i])
					case mode == "poison" && h.requestEngine() == tako.FastHTTP && got[i] != strings.Repeat("\xde", len(want[i])):
						t.Errorf("PoisonBuffers: escaped value %q, want 0xDE bytes", got[i])
					}
				}
				// net/http hands out immutable strings, so only the body can be poisoned there.
				if mode == "poison" && h.requestEngine() == tako.NetHTTP && keptBody == "payload" {
					t.Errorf("PoisonBuffers: escaped body %q still looks valid", keptBody)
				}
			})
		})
	}
}

func TestContextCancelledOnShutdown(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		started := make(chan struct{})
		app.Get("/wait", func(c *tako.Ctx) error {
			close(started)
			select {
			case <-c.Context().Done():
				return c.Text("cancelled: " + c.Context().Err().Error())
			case <-time.After(5 * time.Second):
				return c.Text("timeout")
			}
		})
		h.start()
		got := make(chan response, 1)
		go func() { got <- h.get("/wait") }()
		<-started
		go app.Shutdown(t.Context())
		expect(t, <-got, 200, "cancelled: context canceled")
	})
}

func TestHandlerTimeout(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{HandlerTimeout: 20 * time.Millisecond})
		app.Get("/slow", func(c *tako.Ctx) error {
			<-c.Context().Done()
			return tako.NewError(http.StatusServiceUnavailable, c.Context().Err().Error())
		})
		h.start()
		r := h.get("/slow")
		if r.status != 503 || !strings.Contains(r.body, "deadline exceeded") {
			t.Errorf("got %d %q", r.status, r.body)
		}
	})
}
