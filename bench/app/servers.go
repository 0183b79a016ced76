// Package app compares whole-framework request handling: raw fasthttp (hand-written
// handler), Tako, Fiber v3, Gin, Echo and net/http, on three endpoints (plaintext, a small
// JSON struct, a two-parameter route). The servers are built here and used both by the
// in-process benchmarks (app_test.go) and by the loopback server (cmd/benchserver) that
// wrk.sh drives.
package app

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v3"
	"github.com/labstack/echo/v4"
	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"github.com/valyala/fasthttp"
)

// Message is the JSON endpoint's body: {"message":"Hello, World!"}.
type Message struct {
	Message string `json:"message"`
}

const hello = "Hello, World!"

// Framework is one server under test.
type Framework struct {
	Name string
	// Serve serves on ln until it is closed; it returns a stop function.
	Serve func(ln net.Listener) (stop func())
}

// Every server runs with Tako's default timeouts: a production server needs them (they
// are what resists slow clients), and setting connection deadlines has a per-request cost
// that must be the same in every row.
const (
	readTimeout  = tako.DefaultReadTimeout
	writeTimeout = tako.DefaultWriteTimeout
	idleTimeout  = tako.DefaultIdleTimeout
)

// jsonCfg is the JSON encoder of raw fasthttp, Tako, Fiber and net/http: parse with
// encoding/json as the backend, which for this small struct is faster than sonic and
// allocates nothing (parse's default, sonic, allocates 16 B per call).
var jsonCfg = parse.JSON{Mode: parse.JSONNever}

var msgPool = sync.Pool{New: func() any { return new(Message) }}

// Frameworks lists the servers, raw fasthttp first.
var Frameworks = []Framework{
	{"fasthttp", serveFastHTTP},
	{"tako", serveTako},
	{"tako-nethttp", serveTakoNetHTTP},
	{"fiber", serveFiber},
	{"gin", serveGin},
	{"echo", serveEcho},
	{"nethttp", serveNetHTTP},
}

// Lookup returns the framework called name.
func Lookup(name string) (Framework, bool) {
	for _, f := range Frameworks {
		if f.Name == name {
			return f, true
		}
	}
	return Framework{}, false
}

// serveFastHTTP is the baseline: a hand-written fasthttp handler, no framework.
func serveFastHTTP(ln net.Listener) func() {
	buf := sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}
	h := func(ctx *fasthttp.RequestCtx) {
		path := string(ctx.Path()) // no allocation: converted only for the comparisons
		switch {
		case path == "/plaintext":
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.SetBodyString(hello)
		case path == "/json":
			m := msgPool.Get().(*Message)
			m.Message = hello
			bp := buf.Get().(*[]byte)
			b, _ := jsonCfg.AppendJSON((*bp)[:0], m)
			ctx.SetContentType("application/json")
			ctx.SetBody(b)
			*bp = b
			buf.Put(bp)
			msgPool.Put(m)
		case strings.HasPrefix(path, "/user/"):
			// /user/:id/post/:post
			rest := ctx.Path()[len("/user/"):]
			i := indexByte(rest, '/')
			if i < 0 || !hasPrefix(rest[i:], "/post/") {
				ctx.SetStatusCode(404)
				return
			}
			ctx.SetContentType("text/plain; charset=utf-8")
			ctx.Response.AppendBody(rest[:i])
			ctx.Response.AppendBodyString(" ")
			ctx.Response.AppendBody(rest[i+len("/post/"):])
		default:
			ctx.SetStatusCode(404)
		}
	}
	srv := &fasthttp.Server{Handler: h, NoDefaultServerHeader: true,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout}
	go srv.Serve(ln)
	return func() { srv.Shutdown() }
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

func serveTako(ln net.Listener) func() { return serveTakoEngine(ln, tako.FastHTTP) }

// serveTakoNetHTTP is the same Tako App on its net/http engine: the cost of the facade
// over plain net/http.
func serveTakoNetHTTP(ln net.Listener) func() { return serveTakoEngine(ln, tako.NetHTTP) }

func serveTakoEngine(ln net.Listener, e tako.Engine) func() {
	app := tako.New(tako.Config{JSON: jsonCfg, Engine: e})
	app.Get("/plaintext", func(c *tako.Ctx) error { return c.Text(hello) })
	app.Get("/json", func(c *tako.Ctx) error {
		m := msgPool.Get().(*Message)
		m.Message = hello
		err := c.JSON(m)
		msgPool.Put(m)
		return err
	})
	app.Get("/user/:id/post/:post", func(c *tako.Ctx) error {
		c.SetHeader("Content-Type", "text/plain; charset=utf-8")
		c.WriteString(c.Param("id"))
		c.WriteString(" ")
		c.WriteString(c.Param("post"))
		return nil
	})
	go app.Serve(ln)
	return func() { app.Shutdown(context.Background()) }
}

func serveFiber(ln net.Listener) func() {
	// Fiber gets the same JSON encoder as Tako, so the comparison measures the framework.
	app := fiber.New(fiber.Config{JSONEncoder: jsonCfg.Marshal,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout})
	app.Get("/plaintext", func(c fiber.Ctx) error { return c.SendString(hello) })
	app.Get("/json", func(c fiber.Ctx) error {
		m := msgPool.Get().(*Message)
		m.Message = hello
		err := c.JSON(m)
		msgPool.Put(m)
		return err
	})
	app.Get("/user/:id/post/:post", func(c fiber.Ctx) error {
		c.WriteString(c.Params("id"))
		c.WriteString(" ")
		c.WriteString(c.Params("post"))
		return nil
	})
	go app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true})
	return func() { app.Shutdown() }
}

func serveGin(ln net.Listener) func() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/plaintext", func(c *gin.Context) { c.String(200, hello) })
	r.GET("/json", func(c *gin.Context) {
		m := msgPool.Get().(*Message)
		m.Message = hello
		c.JSON(200, m)
		msgPool.Put(m)
	})
	r.GET("/user/:id/post/:post", func(c *gin.Context) {
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.Writer.WriteString(c.Param("id"))
		c.Writer.WriteString(" ")
		c.Writer.WriteString(c.Param("post"))
	})
	return serveStd(ln, r)
}

func serveEcho(ln net.Listener) func() {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/plaintext", func(c echo.Context) error { return c.String(200, hello) })
	e.GET("/json", func(c echo.Context) error {
		m := msgPool.Get().(*Message)
		m.Message = hello
		err := c.JSON(200, m)
		msgPool.Put(m)
		return err
	})
	e.GET("/user/:id/post/:post", func(c echo.Context) error {
		c.Response().Header().Set("Content-Type", "text/plain; charset=utf-8")
		c.Response().WriteHeader(200)
		c.Response().Write([]byte(c.Param("id")))
		c.Response().Write([]byte(" "))
		c.Response().Write([]byte(c.Param("post")))
		return nil
	})
	return serveStd(ln, e)
}

func serveNetHTTP(ln net.Listener) func() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(hello))
	})
	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) {
		m := msgPool.Get().(*Message)
		m.Message = hello
		b, _ := jsonCfg.Marshal(m)
		msgPool.Put(m)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	mux.HandleFunc("GET /user/{id}/post/{post}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte(r.PathValue("id") + " " + r.PathValue("post")))
	})
	return serveStd(ln, mux)
}

func serveStd(ln net.Listener, h http.Handler) func() {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: tako.DefaultReadHeaderTimeout,
		ReadTimeout: readTimeout, WriteTimeout: writeTimeout, IdleTimeout: idleTimeout}
	go srv.Serve(ln)
	return func() { srv.Close() }
}
