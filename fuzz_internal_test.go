package tako

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

var discardLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// fuzzApp has a route for each kind of input handling: params, catch-all, query, headers,
// body, JSON binding, streaming and errors. None of them fails on the server's side, so
// any 5xx answer is a bug.
func fuzzApp(e Engine) *App {
	app := New(Config{Engine: e, MaxBodyBytes: 1 << 10, MaxHeaderBytes: 2 << 10,
		ReadTimeout: time.Second, Logger: discardLog})
	app.Get("/", func(c *Ctx) error { return c.Text("root") })
	app.Get("/users/:id/posts/:post", func(c *Ctx) error {
		return c.Text(c.Param("id") + c.RawParam("post") + c.Query("q") + c.Header("X-A") + c.Cookie("k"))
	})
	app.Get("/files/*path", func(c *Ctx) error { return c.Text(c.Param("path")) })
	app.Post("/echo", func(c *Ctx) error {
		b, err := c.Body()
		if err != nil {
			return err
		}
		return c.Bytes("", b)
	})
	app.Post("/stream-in", func(c *Ctx) error {
		n, err := io.Copy(io.Discard, io.LimitReader(c.BodyReader(), 1<<12))
		if err != nil {
			return NewError(400, err.Error())
		}
		return c.JSON(&struct{ N int64 }{n})
	})
	app.Put("/json", func(c *Ctx) error {
		var v map[string]any
		if err := c.BindJSON(&v); err != nil {
			return err
		}
		return c.JSON(v)
	})
	app.Get("/stream", func(c *Ctx) error {
		return c.Stream("text/plain", func(w *StreamWriter) error {
			w.WriteString(c.Query("x"))
			return w.Flush()
		})
	})
	return app
}

// FuzzServeRequest sends arbitrary bytes as a request to a whole App on both engines. The
// App must answer with a well-formed response or close the connection, within the read
// timeout, and never crash.
func FuzzServeRequest(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /users/1/posts/a%20b?q=1 HTTP/1.1\r\nHost: x\r\nX-A: y\r\nCookie: k=v\r\n\r\n",
		"GET /files/a/../b HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping",
		"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n",
		"POST /stream-in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nping\r\n0\r\n\r\n",
		"PUT /json HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"a\":[1]}",
		"PUT /json HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{\"a\":",
		"GET /stream?x=hi HTTP/1.1\r\nHost: x\r\n\r\n",
		"OPTIONS /echo HTTP/1.1\r\nHost: x\r\n\r\n",
		"DELETE /echo HTTP/1.1\r\nHost: x\r\n\r\n",
		"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	apps := map[Engine]*App{FastHTTP: fuzzApp(FastHTTP), NetHTTP: fuzzApp(NetHTTP)}
	f.Fuzz(func(t *testing.T, raw []byte) {
		// fasthttp: the real engine over an in-memory connection.
		srv := apps[FastHTTP].newFastServer()
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			srv.ServeConn(server)
			server.Close()
			close(done)
		}()
		client.SetDeadline(time.Now().Add(5 * time.Second))
		go func() {
			client.Write(raw)
			client.Write([]byte("\r\n\r\n")) // end a truncated header block
		}()
		// The first answer is checked; then the connection is closed (a keep-alive server
		// would otherwise wait for the next request until its idle timeout).
		resp, err := http.ReadResponse(bufio.NewReader(client), nil)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("fasthttp engine: no answer or close within 5s for %q", raw)
			}
		} else {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Errorf("fasthttp engine: %d for %q", resp.StatusCode, raw)
			}
		}
		client.Close()
		<-done

		// net/http: the standard parser, then the App's handler.
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		apps[NetHTTP].ServeHTTP(rec, req)
		if rec.Code < 100 || rec.Code >= 500 {
			t.Errorf("net/http engine: status %d for %q", rec.Code, raw)
		}
	})
}
