package compress_test

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"github.com/tako-go/tako"
	tcompress "github.com/tako-go/tako/compress"
	"github.com/tako-go/tako/middleware/compress"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

var body = bytes.Repeat([]byte(`{"id":12345,"name":"tako","tags":["a","b"],"ok":true}`), 100)

func decode(t *testing.T, enc string, data []byte) []byte {
	t.Helper()
	var r io.Reader
	var err error
	switch enc {
	case "":
		return data
	case "gzip":
		r, err = stdgzip.NewReader(bytes.NewReader(data))
	case "br":
		r = brotli.NewReader(bytes.NewReader(data))
	case "zstd":
		r, err = zstd.NewReader(bytes.NewReader(data))
	default:
		e, ok := tcompress.ParseEncoding(enc)
		if !ok {
			t.Fatalf("unknown Content-Encoding %q", enc)
		}
		r, err = tcompress.NewReader(bytes.NewReader(data), e, -1)
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func newApp(engine tako.Engine) *tako.App {
	app := tako.New(tako.Config{Engine: engine})
	app.Use(compress.New(compress.Config{}))
	app.Get("/json", func(c *tako.Ctx) error { return c.Bytes("application/json", body) })
	app.Get("/small", func(c *tako.Ctx) error { return c.Text("hello") })
	app.Get("/png", func(c *tako.Ctx) error { return c.Bytes("image/png", body) })
	app.Get("/etag", func(c *tako.Ctx) error {
		c.SetHeader("ETag", `"v1"`)
		return c.Bytes("application/json", body)
	})
	app.Get("/nt", func(c *tako.Ctx) error {
		c.SetHeader("Cache-Control", "no-transform")
		return c.Bytes("application/json", body)
	})
	app.Get("/err", func(c *tako.Ctx) error { return tako.NewError(404, "nothing here") })
	return app
}

func run(t *testing.T, f func(t *testing.T, engine tako.Engine)) {
	for _, e := range []struct {
		name string
		e    tako.Engine
	}{{"fasthttp", tako.FastHTTP}, {"nethttp", tako.NetHTTP}} {
		t.Run(e.name, func(t *testing.T) { f(t, e.e) })
	}
}

func get(t *testing.T, app *tako.App, method, path string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := app.Test(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, raw
}

func TestCompresses(t *testing.T) {
	run(t, func(t *testing.T, engine tako.Engine) {
		app := newApp(engine)
		for ae, want := range map[string]string{
			"gzip": "gzip", "br": "br", "zstd": "zstd", "deflate": "deflate",
			"gzip, deflate, br, zstd": "zstd", "gzip;q=1, br;q=0.5": "gzip",
		} {
			res, raw := get(t, app, "GET", "/json", map[string]string{"Accept-Encoding": ae})
			if got := res.Header.Get("Content-Encoding"); got != want {
				t.Errorf("%q: Content-Encoding %q, want %q", ae, got, want)
				continue
			}
			if !bytes.Equal(decode(t, want, raw), body) {
				t.Errorf("%q: decoded body differs", ae)
			}
			if len(raw) > len(body)/4 {
				t.Errorf("%q: %d bytes on the wire", ae, len(raw))
			}
			if res.Header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%q: Vary %q", ae, res.Header.Get("Vary"))
			}
		}
	})
}

func TestSkips(t *testing.T) {
	run(t, func(t *testing.T, engine tako.Engine) {
		app := newApp(engine)
		gz := map[string]string{"Accept-Encoding": "gzip"}
		for _, tc := range []struct {
			method, path string
			hdr          map[string]string
		}{
			{"GET", "/json", nil},
			{"GET", "/json", map[string]string{"Accept-Encoding": "identity"}},
			{"HEAD", "/json", gz},
			{"GET", "/json", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-9"}},
			{"GET", "/small", gz},
			{"GET", "/png", gz},
			{"GET", "/nt", gz},
			{"GET", "/err", gz},
		} {
			res, _ := get(t, app, tc.method, tc.path, tc.hdr)
			if ce := res.Header.Get("Content-Encoding"); ce != "" {
				t.Errorf("%s %s %v: Content-Encoding %q", tc.method, tc.path, tc.hdr, ce)
			}
		}
	})
}

func TestETag(t *testing.T) {
	run(t, func(t *testing.T, engine tako.Engine) {
		res, raw := get(t, newApp(engine), "GET", "/etag", map[string]string{"Accept-Encoding": "br"})
		if res.Header.Get("Content-Encoding") != "br" || res.Header.Get("Etag") != `W/"v1"` {
			t.Fatalf("Content-Encoding %q, ETag %q", res.Header.Get("Content-Encoding"), res.Header.Get("Etag"))
		}
		if !bytes.Equal(decode(t, "br", raw), body) {
			t.Fatal("body differs")
		}
	})
}

// TestSSE: a Ctx.Stream SSE endpoint is compressed and each event reaches a
// real client before the next is written, on both engines.
func TestSSE(t *testing.T) {
	run(t, func(t *testing.T, engine tako.Engine) {
		for _, enc := range []string{"gzip", "br", "zstd", "deflate"} {
			t.Run(enc, func(t *testing.T) { testSSE(t, engine, enc) })
		}
	})
}

func testSSE(t *testing.T, engine tako.Engine, enc string) {
	app := tako.New(tako.Config{Engine: engine})
	app.Use(compress.New(compress.Config{}))
	next := make(chan struct{})
	const events = 4
	app.Get("/sse", func(c *tako.Ctx) error {
		return c.Stream("text/event-stream", func(w *tako.StreamWriter) error {
			for i := range events {
				if i > 0 {
					<-next
				}
				w.WriteString("data: " + strconv.Itoa(i) + "\n\n")
				if err := w.Flush(); err != nil {
					return err
				}
			}
			return nil
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(ln)
	defer app.Shutdown(context.Background())
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/sse", nil)
	req.Header.Set("Accept-Encoding", enc)
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != enc {
		t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	e, _ := tcompress.ParseEncoding(enc)
	zr, err := tcompress.NewReader(res.Body, e, 0)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(zr)
	for i := range events {
		line, err := br.ReadString('\n')
		if err != nil || line != "data: "+strconv.Itoa(i)+"\n" {
			t.Fatalf("event %d: %q, %v", i, line, err)
		}
		br.ReadString('\n')
		if i < events-1 {
			next <- struct{}{}
		}
	}
}

// TestFastHTTPAllocs: a compressed response through the whole fasthttp
// engine (server and client in this process over an in-memory connection)
// allocates nothing in steady state.
func TestFastHTTPAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("pools drop items under the race detector")
	}
	for _, enc := range []string{"gzip", "br", "zstd", "deflate"} {
		t.Run(enc, func(t *testing.T) {
			app := newApp(tako.FastHTTP)
			ln := fasthttputil.NewInmemoryListener()
			done := make(chan struct{})
			go func() { defer close(done); app.Serve(ln) }()
			conn, err := ln.Dial()
			if err != nil {
				t.Fatal(err)
			}
			defer func() { conn.Close(); app.Shutdown(t.Context()); <-done }()
			req := []byte("GET /json HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: " + enc + "\r\n\r\n")
			br := bufio.NewReader(conn)
			var res fasthttp.Response
			roundTrip := func() {
				if _, err := conn.Write(req); err != nil {
					t.Fatal(err)
				}
				res.Reset()
				if err := res.Read(br); err != nil {
					t.Fatal(err)
				}
			}
			for range 50 {
				roundTrip()
			}
			if got := string(res.Header.ContentEncoding()); got != enc {
				t.Fatalf("Content-Encoding %q", got)
			}
			if !bytes.Equal(decode(t, enc, res.Body()), body) {
				t.Fatal("body differs")
			}
			if n := testing.AllocsPerRun(200, roundTrip); n != 0 {
				t.Fatalf("%v allocs per compressed request, want 0", n)
			}
		})
	}
}
