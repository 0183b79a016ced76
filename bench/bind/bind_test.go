// Package bind compares binding a struct from path parameters, query,
// headers and a small JSON body, with validation, in Tako's bind package
// and in the binders of Fiber v3, Gin and Echo.
//
// Every case serves the same request through its framework's own router and
// context (so each binder sees the request the way its users' handlers do),
// and a "noop" case per framework serves the same request with an empty
// handler: the difference is the cost of binding. Validation runs once per
// request in every case: Tako's built-in rules; go-playground/validator
// (the binders' usual choice) with the same rules for the others.
package bind

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/bytedance/sonic"
	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v3"
	"github.com/labstack/echo/v4"
	"github.com/valyala/fasthttp"

	"github.com/tako-go/tako/bind"
)

const (
	target = "/orgs/42/users/1815?page=3&limit=50&sort=name&tag=math&tag=poetry"
	trace  = "4bf92f3577b34da6a3ce929d0e0e4736"
)

var body = []byte(`{"name":"Ada Lovelace","email":"ada@example.com","age":36,"admin":true}`)

type takoIn struct {
	OrgID  int64    `path:"org"`
	UserID int64    `path:"user"`
	Page   int      `query:"page" validate:"min=1"`
	Limit  int      `query:"limit" validate:"max=100"`
	Sort   string   `query:"sort" validate:"oneof=name date"`
	Tags   []string `query:"tag"`
	Trace  string   `header:"X-Trace-Id" validate:"required"`
	Name   string   `json:"name" validate:"required"`
	Email  string   `json:"email" validate:"required,email"`
	Age    int      `json:"age" validate:"gte=0,lte=150"`
	Admin  bool     `json:"admin"`
}

type ginIn struct {
	OrgID  int64    `uri:"org"`
	UserID int64    `uri:"user"`
	Page   int      `form:"page" validate:"min=1"`
	Limit  int      `form:"limit" validate:"max=100"`
	Sort   string   `form:"sort" validate:"oneof=name date"`
	Tags   []string `form:"tag"`
	Trace  string   `header:"X-Trace-Id" validate:"required"`
	Name   string   `json:"name" validate:"required"`
	Email  string   `json:"email" validate:"required,email"`
	Age    int      `json:"age" validate:"gte=0,lte=150"`
	Admin  bool     `json:"admin"`
}

type echoIn struct {
	OrgID  int64    `param:"org"`
	UserID int64    `param:"user"`
	Page   int      `query:"page" validate:"min=1"`
	Limit  int      `query:"limit" validate:"max=100"`
	Sort   string   `query:"sort" validate:"oneof=name date"`
	Tags   []string `query:"tag"`
	Trace  string   `header:"X-Trace-Id" validate:"required"`
	Name   string   `json:"name" validate:"required"`
	Email  string   `json:"email" validate:"required,email"`
	Age    int      `json:"age" validate:"gte=0,lte=150"`
	Admin  bool     `json:"admin"`
}

type fiberIn struct {
	OrgID  int64    `uri:"org"`
	UserID int64    `uri:"user"`
	Page   int      `query:"page" validate:"min=1"`
	Limit  int      `query:"limit" validate:"max=100"`
	Sort   string   `query:"sort" validate:"oneof=name date"`
	Tags   []string `query:"tag"`
	Trace  string   `header:"X-Trace-Id" validate:"required"`
	Name   string   `json:"name" validate:"required"`
	Email  string   `json:"email" validate:"required,email"`
	Age    int      `json:"age" validate:"gte=0,lte=150"`
	Admin  bool     `json:"admin"`
}

// playground is go-playground/validator with the `validate` tag.
type playground struct{ v *validator.Validate }

func (p playground) Validate(out any) error { return p.v.Struct(out) }

var pg = playground{validator.New(validator.WithRequiredStructEnabled())}

// --- net/http based: Tako bind over *http.Request, Gin, Echo ---

// resetBody is a request body that can be rewound without allocating.
type resetBody struct{ bytes.Reader }

func (*resetBody) Close() error { return nil }

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}

func newRequest() (*http.Request, *resetBody) {
	rb := &resetBody{}
	rb.Reset(body)
	r, err := http.NewRequest("POST", target, rb)
	if err != nil {
		panic(err)
	}
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Trace-Id", trace)
	return r, rb
}

func serveNetHTTP(b *testing.B, h http.Handler) {
	r, rb := newRequest()
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		rb.Reset(body)
		h.ServeHTTP(w, r)
	}
}

func takoNetHTTP(b *testing.B, o *bind.Options, noop bool) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orgs/{org}/users/{user}", func(w http.ResponseWriter, r *http.Request) {
		if noop {
			return
		}
		var in takoIn
		if err := o.Bind(bind.Request{R: r}, &in); err != nil || in.Email == "" || len(in.Tags) != 2 || in.UserID != 1815 {
			b.Fatal(err, in)
		}
	})
	serveNetHTTP(b, mux)
}

func ginEngine(noop, validate bool, b *testing.B) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.POST("/orgs/:org/users/:user", func(c *gin.Context) {
		if noop {
			return
		}
		var in ginIn
		// Gin validates after every ShouldBind*; the struct has no
		// `binding` tags, so those passes find no rules, and the rules run
		// once, below.
		if err := c.ShouldBindUri(&in); err != nil {
			b.Fatal(err)
		}
		if err := c.ShouldBindQuery(&in); err != nil {
			b.Fatal(err)
		}
		if err := c.ShouldBindHeader(&in); err != nil {
			b.Fatal(err)
		}
		if err := c.ShouldBindWith(&in, binding.JSON); err != nil {
			b.Fatal(err)
		}
		if validate {
			if err := pg.Validate(&in); err != nil {
				b.Fatal(err)
			}
		}
		if in.Email == "" || len(in.Tags) != 2 || in.UserID != 1815 {
			b.Fatal(in)
		}
	})
	return e
}

func echoServer(noop, validate bool, b *testing.B) *echo.Echo {
	e := echo.New()
	e.Validator = pg
	binder := &echo.DefaultBinder{}
	e.POST("/orgs/:org/users/:user", func(c echo.Context) error {
		if noop {
			return nil
		}
		var in echoIn
		// echo's Bind skips the query for POST; bind each source.
		if err := binder.BindPathParams(c, &in); err != nil {
			b.Fatal(err)
		}
		if err := binder.BindQueryParams(c, &in); err != nil {
			b.Fatal(err)
		}
		if err := binder.BindHeaders(c, &in); err != nil {
			b.Fatal(err)
		}
		if err := binder.BindBody(c, &in); err != nil {
			b.Fatal(err)
		}
		if validate {
			if err := c.Validate(&in); err != nil {
				b.Fatal(err)
			}
		}
		if in.Email == "" || len(in.Tags) != 2 || in.UserID != 1815 {
			b.Fatal(in)
		}
		return nil
	})
	return e
}

// --- fasthttp based: Tako bind over a fasthttp request, Fiber ---

func newFastCtx() *fasthttp.RequestCtx {
	c := &fasthttp.RequestCtx{}
	c.Request.Header.SetMethod("POST")
	c.Request.SetRequestURI(target)
	c.Request.Header.SetContentType("application/json")
	c.Request.Header.Set("X-Trace-Id", trace)
	c.Request.SetBody(body)
	return c
}

func serveFast(b *testing.B, h fasthttp.RequestHandler) {
	c := newFastCtx()
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		h(c)
		c.Response.Reset()
	}
}

func takoFast(b *testing.B, o *bind.Options, noop bool) {
	src := &fastSource{}
	serveFast(b, func(c *fasthttp.RequestCtx) {
		// The "router": split /orgs/{org}/users/{user}, as a radix router
		// would, into parameter values aliasing the path.
		if !src.route(c) {
			b.Fatal("no route")
		}
		if noop {
			return
		}
		var in takoIn
		if err := o.Bind(src, &in); err != nil || in.Email == "" || len(in.Tags) != 2 || in.UserID != 1815 {
			b.Fatal(err, in)
		}
	})
}

func fiberApp(noop, validate bool, b *testing.B, cfg fiber.Config) *fiber.App {
	if validate {
		cfg.StructValidator = pg
	}
	app := fiber.New(cfg)
	app.Post("/orgs/:org/users/:user", func(c fiber.Ctx) error {
		if noop {
			return nil
		}
		var in fiberIn
		bd := c.Bind().SkipValidation(true)
		if err := bd.URI(&in); err != nil {
			b.Fatal(err)
		}
		if err := bd.Query(&in); err != nil {
			b.Fatal(err)
		}
		if err := bd.Header(&in); err != nil {
			b.Fatal(err)
		}
		if err := bd.SkipValidation(false).JSON(&in); err != nil || in.Email == "" || len(in.Tags) != 2 || in.UserID != 1815 {
			b.Fatal(err, in)
		}
		return nil
	})
	return app
}

// noValidation replaces bind's built-in rules with nothing, for the
// binding-only rows.
type noValidation struct{}

func (noValidation) Validate(any) error { return nil }

func BenchmarkBind(b *testing.B) {
	sonicCfg := fiber.Config{JSONDecoder: sonic.ConfigStd.Unmarshal}
	for _, validate := range []bool{true, false} {
		name := "validate"
		safe, zc := &bind.Options{}, &bind.Options{ZeroCopy: true}
		if !validate {
			name = "novalidate"
			safe.Validator, zc.Validator = noValidation{}, noValidation{}
		}
		b.Run(name, func(b *testing.B) {
			b.Run("tako-fasthttp-zerocopy", func(b *testing.B) { takoFast(b, zc, false) })
			b.Run("tako-fasthttp-safe", func(b *testing.B) { takoFast(b, safe, false) })
			b.Run("fiber", func(b *testing.B) { serveFast(b, fiberApp(false, validate, b, fiber.Config{}).Handler()) })
			b.Run("fiber-sonic", func(b *testing.B) { serveFast(b, fiberApp(false, validate, b, sonicCfg).Handler()) })
			b.Run("tako-nethttp-zerocopy", func(b *testing.B) { takoNetHTTP(b, zc, false) })
			b.Run("tako-nethttp-safe", func(b *testing.B) { takoNetHTTP(b, safe, false) })
			b.Run("gin", func(b *testing.B) { serveNetHTTP(b, ginEngine(false, validate, b)) })
			b.Run("echo", func(b *testing.B) { serveNetHTTP(b, echoServer(false, validate, b)) })
		})
	}
	b.Run("noop", func(b *testing.B) {
		b.Run("tako-fasthttp", func(b *testing.B) { takoFast(b, &bind.Options{}, true) })
		b.Run("fiber", func(b *testing.B) { serveFast(b, fiberApp(true, false, b, fiber.Config{}).Handler()) })
		b.Run("tako-nethttp", func(b *testing.B) { takoNetHTTP(b, &bind.Options{}, true) })
		b.Run("gin", func(b *testing.B) { serveNetHTTP(b, ginEngine(true, false, b)) })
		b.Run("echo", func(b *testing.B) { serveNetHTTP(b, echoServer(true, false, b)) })
	})
}
