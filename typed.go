package tako

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"unsafe"

	"github.com/tako-go/tako/bind"
	"github.com/tako-go/tako/parse"
	"google.golang.org/protobuf/proto"
)

// Struct binding (package bind) on the Ctx, the typed handler form, and the per-route JSON
// configuration.

// bindSource adapts a Ctx to bind.Source. It is one pointer, so storing it in the interface
// does not allocate.
type bindSource struct{ c *Ctx }

var _ bind.Source = bindSource{}

// Value implements bind.Source.
func (s bindSource) Value(loc bind.Location, name string, i int) (string, bool) {
	c := s.c
	n := 0
	found := ""
	ok := false
	s.Visit(loc, func(k, v string) bool {
		if k != name && (loc != bind.InHeader || !parse.EqualFold(k, name)) {
			return true
		}
		if n == i {
			found, ok = v, true
			return false
		}
		n++
		return true
	})
	if loc == bind.InPath && ok {
		if u, err := c.params.UnescapedValue(n); err == nil {
			found = c.aliasParam(u)
		}
	}
	return found, ok
}

// Visit implements bind.Source. Path values are visited raw; Value unescapes them.
func (s bindSource) Visit(loc bind.Location, fn func(key, value string) bool) {
	c := s.c
	switch loc {
	case bind.InPath:
		for i := range c.params.Len() {
			v, err := c.params.UnescapedValue(i)
			if err != nil {
				v = c.params.Value(i)
			}
			if !fn(c.params.Name(i), c.aliasParam(v)) {
				return
			}
		}
	case bind.InQuery:
		if c.engine == FastHTTP {
			for k, v := range c.fc.QueryArgs().All() {
				if !fn(c.str(k), c.str(v)) {
					return
				}
			}
			return
		}
		if c.query == nil {
			c.query = c.r.URL.Query()
		}
		for k, vs := range c.query {
			for _, v := range vs {
				if !fn(k, v) {
					return
				}
			}
		}
	case bind.InHeader:
		for k, v := range c.Headers() {
			if !fn(k, v) {
				return
			}
		}
	case bind.InCookie:
		for k, v := range c.Cookies() {
			if !fn(k, v) {
				return
			}
		}
	}
}

// Body implements bind.Source: Ctx.Body, limited by Config.MaxBodyBytes.
func (s bindSource) Body() ([]byte, error) { return s.c.Body() }

// ContentType implements bind.Source.
func (s bindSource) ContentType() string { return s.c.Header("Content-Type") }

// BindSource returns c as a bind.Source, for bind.Options of your own.
func (c *Ctx) BindSource() bind.Source { return bindSource{c} }

// Bind fills the struct v points to from the request with package bind: path parameters,
// query, headers, cookies, forms and the JSON body as v's tags say, then validation (see
// package bind). Bound strings are copies. The request's JSON configuration (JSONConfig)
// decodes the body. Client mistakes become an *Error: 400 for malformed input, 415 for a
// body of the wrong media type, 413 for a body or part over its limit, 422 when only
// validation rules failed; the detail lists every failing field by its wire name.
func (c *Ctx) Bind(v any) error {
	return bindError(c.bindOptions().Bind(bindSource{c}, v))
}

// appBindOptions is the App state holding the bind.Options of routes without WithJSON.
type appBindOptions struct{ o bind.Options }

// bindOptions returns the request's bind.Options, built once per App and per WithJSON (a
// bind.Options made per request would escape to the heap through Options.Bind).
func (c *Ctx) bindOptions() *bind.Options {
	if c.ext.bind != nil {
		return c.ext.bind
	}
	if ab, ok := StateOf[*appBindOptions](c.app); ok {
		return &ab.o
	}
	ab := &appBindOptions{o: bind.Options{JSON: c.app.cfg.JSON}}
	v, _ := c.app.state.LoadOrStore(stateKey[*appBindOptions]{}, ab)
	return &v.(*appBindOptions).o
}

// BindInto binds a new T from the request; see Ctx.Bind.
func BindInto[T any](c *Ctx) (T, error) {
	var v T
	err := c.Bind(&v)
	return v, err
}

// bindError turns a bind error into a client *Error.
func bindError(err error) error {
	if err == nil {
		return nil
	}
	var be *bind.Errors
	if errors.As(err, &be) {
		status := http.StatusUnprocessableEntity
		if be.Malformed() {
			status = http.StatusBadRequest
		}
		for _, f := range be.Fields {
			switch f.Rule {
			case bind.RuleMediaType:
				status = http.StatusUnsupportedMediaType
			case bind.RuleSize:
				status = http.StatusRequestEntityTooLarge
			}
		}
		return &Error{Status: status, Detail: strings.TrimPrefix(be.Error(), "bind: "), Err: err}
	}
	var te *Error
	if errors.As(err, &te) {
		return err // the body's own error (413, 408, 400)
	}
	return &Error{Status: http.StatusInternalServerError, Err: err} // a tag or type mistake
}

// WithJSON returns route (or group) middleware that replaces Config.JSON for the routes it
// wraps: BindJSON, Bind, Handle and JSON responses use cfg. For example
// parse.JSON{Mode: parse.JSONAlways} forces the SIMD backends (sonic, simdjson-go) at every
// size, parse.JSON{Mode: parse.JSONNever} forces encoding/json, and DisallowUnknownFields
// rejects unknown keys. Bind ignores cfg.ZeroCopy (bound strings are copies).
//
//	app.Post("/ingest", tako.Handle(ingest), tako.WithJSON(parse.JSON{Mode: parse.JSONAlways}))
func WithJSON(cfg parse.JSON) Middleware {
	p := &cfg // one pointer, shared: storing it per request does not allocate
	bo := &bind.Options{JSON: cfg}
	return func(next Handler) Handler {
		return func(c *Ctx) error {
			c.ext.json, c.ext.bind = p, bo
			return next(c)
		}
	}
}

// jsonCfg returns the request's JSON configuration: the route's (WithJSON), else
// Config.JSON.
func (c *Ctx) jsonCfg() *parse.JSON {
	if c.ext.json != nil {
		return c.ext.json
	}
	return &c.app.cfg.JSON
}

// JSONConfig returns the JSON configuration in force for the request: the route's
// (WithJSON), else Config.JSON.
func (c *Ctx) JSONConfig() parse.JSON { return *c.jsonCfg() }

// Handle turns a typed function into a Handler: it binds a new In from the request with
// Ctx.Bind (path, query, headers, cookies, form and JSON body, as In's tags say, then
// validation), calls fn, and encodes the Out it returns as JSON with the current status
// (fn may call c.Status(201)). An error from binding or from fn goes to the error handler.
// In may be a struct or a pointer to one; an In of struct{} binds nothing; an Out of
// struct{} answers 204 No Content.
//
// Protocol Buffers messages work too: an In that is a generated message (*pb.CreateUser) is
// decoded from an application/x-protobuf body (Ctx.BindProto), or from JSON with protojson;
// an Out that is one is sent as protobuf when the Accept header prefers it over JSON, and
// as protojson JSON otherwise.
//
//	type CreateUser struct {
//		Name  string `json:"name" validate:"required,max=50"`
//		Email string `json:"email" validate:"required,email"`
//	}
//	app.Post("/users", tako.Handle(func(c *tako.Ctx, in CreateUser) (User, error) {
//		return users.Create(c.Context(), in)
//	}))
//
// The handler keeps In and Out: TypesOf reports them for a Handler made here, and
// App.Operations lists them for every route, for OpenAPI generation. Call Handle when
// registering routes, not per request: each call records its types for good.
func Handle[In, Out any](fn func(c *Ctx, in In) (Out, error)) Handler {
	inT, outT := reflect.TypeFor[In](), reflect.TypeFor[Out]()
	bindIn := inT != reflect.TypeFor[struct{}]()
	// A pointer In (*CreateUser) is bound into a new value; a protobuf message In
	// (*pb.CreateUser) is decoded from a protobuf or JSON (protojson) body.
	ptrIn := inT.Kind() == reflect.Pointer && inT.Elem().Kind() == reflect.Struct
	protoIn := ptrIn && inT.Implements(protoMessageType)
	protoOut := outT.Implements(protoMessageType)
	noContent := outT == reflect.TypeFor[struct{}]()
	var h Handler = func(c *Ctx) error {
		var in In
		switch {
		case protoIn:
			in = reflect.New(inT.Elem()).Interface().(In)
			if err := c.bindProtoOrJSON(any(in).(proto.Message)); err != nil {
				return err
			}
		case ptrIn:
			in = reflect.New(inT.Elem()).Interface().(In)
			if err := c.Bind(in); err != nil {
				return err
			}
		case bindIn:
			if err := c.Bind(&in); err != nil {
				return err
			}
		}
		out, err := fn(c, in)
		if err != nil {
			return err
		}
		switch {
		case noContent:
			return c.NoContent()
		case protoOut:
			return c.protoOrJSON(any(out).(proto.Message))
		}
		return c.JSON(&out)
	}
	typedHandlers.Store(funcID(h), HandlerTypes{In: inT, Out: outT})
	return h
}

var protoMessageType = reflect.TypeFor[proto.Message]()

// HandlerTypes are the input and output types of a typed handler (Handle).
type HandlerTypes struct {
	In, Out reflect.Type
}

// typedHandlers maps each Handler made by Handle, by funcID, to its types.
var typedHandlers sync.Map

// funcID identifies a func value: a Go func value is a pointer to its closure record, which
// is allocated anew each time a closure capturing variables is created, so every Handler
// that Handle returns has its own. (reflect's Value.Pointer gives the code pointer, shared
// by every closure of one generic instantiation, so it cannot tell them apart.)
func funcID(h Handler) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&h))
}

// TypesOf returns the input and output types of a Handler made by Handle, and false for
// any other Handler (including one wrapped by middleware).
func TypesOf(h Handler) (HandlerTypes, bool) {
	if h == nil {
		return HandlerTypes{}, false
	}
	v, ok := typedHandlers.Load(funcID(h))
	if !ok {
		return HandlerTypes{}, false
	}
	return v.(HandlerTypes), true
}

// Operation is a registered route with the types of its typed handler, if any.
type Operation struct {
	Method, Pattern string
	// Types holds In and Out when the route's handler was made by Handle; both are nil
	// otherwise.
	Types HandlerTypes
}

// Operations returns every route registered on the App directly or through groups, in
// registration order, with the input and output types of typed handlers (Handle): the
// material for generating an OpenAPI document. Routes of mounted sub-Apps are listed with
// their full pattern.
func (a *App) Operations() []Operation {
	var ops []Operation
	var walk func(prefix string, src *App)
	walk = func(prefix string, src *App) {
		for _, r := range src.regs {
			if r.sub != nil {
				walk(prefix+r.pattern, r.sub)
				continue
			}
			t, _ := TypesOf(r.h)
			ops = append(ops, Operation{Method: r.method, Pattern: prefix + r.pattern, Types: t})
		}
	}
	walk("", a)
	return ops
}
