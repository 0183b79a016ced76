package app

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"

	"github.com/valyala/fasthttp/fasthttputil"
)

// client is a keep-alive HTTP/1.1 client over one connection that allocates nothing: a
// pre-built request, the response read into a reused buffer. All frameworks face the same
// client, so its cost is the same in every row.
type client struct {
	conn net.Conn
	buf  []byte
}

func (c *client) roundTrip(tb testing.TB, req []byte) []byte {
	if _, err := c.conn.Write(req); err != nil {
		tb.Fatal(err)
	}
	n := 0
	for {
		if n == len(c.buf) {
			tb.Fatal("response larger than the client buffer")
		}
		m, err := c.conn.Read(c.buf[n:])
		n += m
		if err != nil {
			tb.Fatal(err)
		}
		end := bytes.Index(c.buf[:n], []byte("\r\n\r\n"))
		if end < 0 {
			continue
		}
		head := c.buf[:end]
		i := bytes.Index(head, []byte("Content-Length: "))
		if i < 0 {
			tb.Fatalf("no Content-Length in %q", head)
		}
		j := bytes.IndexByte(head[i:], '\r')
		if j < 0 {
			j = len(head) - i
		}
		cl, err := strconv.Atoi(string(head[i+len("Content-Length: ") : i+j]))
		if err != nil {
			tb.Fatal(err)
		}
		total := end + 4 + cl
		if total > n {
			if _, err := io.ReadFull(c.conn, c.buf[n:total]); err != nil {
				tb.Fatal(err)
			}
		}
		if !bytes.HasPrefix(c.buf, []byte("HTTP/1.1 200 OK\r\n")) {
			tb.Fatalf("response %q", c.buf[:total])
		}
		return c.buf[end+4 : total]
	}
}

func start(tb testing.TB, f Framework) *client {
	ln := fasthttputil.NewInmemoryListener()
	stop := f.Serve(ln)
	conn, err := ln.Dial()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.Close()
		stop()
		ln.Close()
	})
	return &client{conn: conn, buf: make([]byte, 4096)}
}

// cpuTime returns the user plus system CPU time of the process, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

var cases = []struct{ name, req, body string }{
	{"plaintext", "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n", "Hello, World!"},
	{"json", "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n", `{"message":"Hello, World!"}`},
	{"params", "GET /user/123/post/456 HTTP/1.1\r\nHost: localhost\r\n\r\n", "123 456"},
}

// TestWiring checks that every framework answers every case correctly, so the benchmarks
// compare equal work.
func TestWiring(t *testing.T) {
	for _, f := range Frameworks {
		t.Run(f.Name, func(t *testing.T) {
			c := start(t, f)
			for _, tc := range cases {
				for range 3 {
					if got := c.roundTrip(t, []byte(tc.req)); string(bytes.TrimSuffix(got, []byte("\n"))) != tc.body { // Echo ends JSON with a newline
						t.Errorf("%s: body %q, want %q", tc.name, got, tc.body)
					}
				}
			}
		})
	}
}

// BenchmarkInMemory runs one keep-alive connection per framework over an in-memory
// listener: ns/op is one full request (client write, server parse/route/handle/write,
// client read) and allocs/op counts the whole process.
func BenchmarkInMemory(b *testing.B) {
	for _, tc := range cases {
		for _, f := range Frameworks {
			b.Run(tc.name+"/"+f.Name, func(b *testing.B) {
				c := start(b, f)
				req := []byte(tc.req)
				for range 100 {
					c.roundTrip(b, req)
				}
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cpuTime()
				for b.Loop() {
					c.roundTrip(b, req)
				}
				// Process CPU time per request (client and server together): unlike ns/op it
				// does not count time spent waiting for a CPU on a busy machine.
				b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}
