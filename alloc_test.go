package tako_test

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"testing"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/pool"
	"github.com/valyala/fasthttp/fasthttputil"
)

type message struct {
	Message string `json:"message"`
}

var messages pool.Of[message]

// allocApp is the App the allocation tests and benchmarks serve: plaintext, a small JSON
// struct, and a two-parameter route.
func allocApp(cfg tako.Config) *tako.App {
	app := tako.New(cfg)
	app.Get("/plaintext", func(c *tako.Ctx) error { return c.Text("Hello, World!") })
	app.Get("/json", func(c *tako.Ctx) error {
		m := messages.Get() // a reused value: a fresh &message{} would escape (1 alloc)
		m.Message = "Hello, World!"
		err := c.JSON(m)
		messages.Put(m)
		return err
	})
	app.Get("/user/:id/post/:post", func(c *tako.Ctx) error {
		c.SetHeader("Content-Type", "text/plain; charset=utf-8")
		c.WriteString(c.Param("id"))
		c.WriteString(" ")
		c.WriteString(c.Param("post"))
		return nil
	})
	return app
}

// rawClient is a keep-alive HTTP/1.1 client over one connection that allocates nothing: it
// sends a pre-built request and reads the response into a reused buffer.
type rawClient struct {
	conn net.Conn
	buf  []byte
}

// roundTrip sends req and reads one response (headers and Content-Length body), returning
// the body, which aliases c.buf.
func (c *rawClient) roundTrip(tb testing.TB, req []byte) []byte {
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
		if _, err := io.ReadFull(c.conn, c.buf[n:total]); err != nil && total > n {
			tb.Fatal(err)
		}
		if !bytes.HasPrefix(c.buf, []byte("HTTP/1.1 200 OK\r\n")) {
			tb.Fatalf("response %q", c.buf[:total])
		}
		return c.buf[end+4 : total]
	}
}

// serveInMemory serves app (FastHTTP engine) on an in-memory listener and returns a client.
func serveInMemory(tb testing.TB, app *tako.App) *rawClient {
	ln := fasthttputil.NewInmemoryListener()
	done := make(chan struct{})
	go func() {
		defer close(done)
		app.Serve(ln)
	}()
	conn, err := ln.Dial()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn.Close()
		app.Shutdown(tb.Context())
		<-done
	})
	return &rawClient{conn: conn, buf: make([]byte, 4096)}
}

// appendJSONAllocs measures AppendJSON alone on the message the JSON route encodes.
func appendJSONAllocs(j parse.JSON) float64 {
	m := &message{Message: "Hello, World!"}
	dst := make([]byte, 0, 256)
	return testing.AllocsPerRun(1000, func() { dst, _ = j.AppendJSON(dst[:0], m) })
}

var allocCases = []struct {
	name, req, body string
	json            parse.JSON
}{
	{"plaintext", "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n", "Hello, World!", parse.JSON{}},
	{"json", "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n", `{"message":"Hello, World!"}`, parse.JSON{Mode: parse.JSONNever}},
	{"json-sonic", "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n", `{"message":"Hello, World!"}`, parse.JSON{}},
	{"params", "GET /user/123/post/456 HTTP/1.1\r\nHost: localhost\r\n\r\n", "123 456", parse.JSON{}},
}

// TestZeroAllocFastHTTP proves that a whole request through the fasthttp engine (server and
// client in this process, one keep-alive connection) allocates nothing in steady state.
func TestZeroAllocFastHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, tc := range allocCases {
		t.Run(tc.name, func(t *testing.T) {
			c := serveInMemory(t, allocApp(tako.Config{Logger: discardLogger(), JSON: tc.json}))
			req := []byte(tc.req)
			for range 100 { // warm the pools
				if got := c.roundTrip(t, req); string(got) != tc.body {
					t.Fatalf("body %q, want %q", got, tc.body)
				}
			}
			allocs := testing.AllocsPerRun(1000, func() { c.roundTrip(t, req) })
			want := 0.0
			if tc.name == "json-sonic" {
				// parse's default (sonic) encoder allocates on its own; the facade must add
				// nothing to that.
				want = appendJSONAllocs(tc.json)
				t.Logf("parse's default AppendJSON alone allocates %v per call; the request must cost exactly that", want)
			}
			if allocs != want {
				t.Errorf("%s: %v allocs per request, want %v", tc.name, allocs, want)
			}
		})
	}
}

func BenchmarkFastHTTPInMemory(b *testing.B) {
	for _, tc := range allocCases {
		b.Run(tc.name, func(b *testing.B) {
			c := serveInMemory(b, allocApp(tako.Config{Logger: discardLogger(), JSON: tc.json}))
			req := []byte(tc.req)
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}
