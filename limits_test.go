package tako_test

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// TestMaxConns checks that no more than Config.MaxConns connections are served at once:
// fasthttp refuses the extra connection with 503, net/http leaves it waiting in the accept
// queue until a slot frees.
func TestMaxConns(t *testing.T) {
	run(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxConns: 1, Logger: discardLogger()})
		app.Get("/", func(c *tako.Ctx) error { return c.Text("hi") })
		h.start()

		first, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(first)
		if r := keepAliveGet(t, first, br, "/"); r.StatusCode != 200 {
			t.Fatalf("first connection: %d", r.StatusCode)
		}

		second, err := net.Dial("tcp", h.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer second.Close()
		io.WriteString(second, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		second.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		line, err := bufio.NewReader(second).ReadString('\n')
		switch h.engine {
		case tako.FastHTTP:
			if line != "HTTP/1.1 503 Service Unavailable\r\n" {
				t.Errorf("second connection over the limit: %q %v", line, err)
			}
		case tako.NetHTTP:
			if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
				t.Errorf("second connection over the limit was served: %q %v", line, err)
			}
			first.Close() // frees the slot: now the waiting connection is served
			second.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, err = bufio.NewReader(second).ReadString('\n')
			if line != "HTTP/1.1 200 OK\r\n" {
				t.Errorf("second connection after the first closed: %q %v", line, err)
			}
		}
		first.Close()
	})
}
