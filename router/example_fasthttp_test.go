package router_test

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/tako-go/tako/router"
	"github.com/valyala/fasthttp"
)

// Under fasthttp, look up the raw request path without copying it: the
// parameters then alias fasthttp's buffers and are valid until the handler
// returns.
func Example_fasthttp() {
	type handler func(ctx *fasthttp.RequestCtx, ps *router.Params)
	r := router.New[handler]()
	r.MustHandle("GET", "/users/:id", func(ctx *fasthttp.RequestCtx, ps *router.Params) {
		fmt.Fprintf(ctx, "user %s", ps.Get("id"))
	})

	serve := func(ctx *fasthttp.RequestCtx) {
		var ps router.Params // in a real server, keep it in a pooled context
		method, path := ctx.Method(), ctx.URI().PathOriginal()
		res := r.Lookup(unsafe.String(unsafe.SliceData(method), len(method)),
			unsafe.String(unsafe.SliceData(path), len(path)), &ps)
		switch {
		case res.OK:
			res.Handler(ctx, &ps)
		case res.Allow != "":
			ctx.Response.Header.Set("Allow", res.Allow)
			ctx.SetStatusCode(fasthttp.StatusMethodNotAllowed)
		default:
			ctx.SetStatusCode(fasthttp.StatusNotFound)
		}
	}

	for _, req := range []string{"GET /users/42?x=1", "POST /users/42", "GET /nope"} {
		var ctx fasthttp.RequestCtx
		var method, uri string
		fmt.Sscan(req, &method, &uri)
		ctx.Request.Header.SetMethod(method)
		ctx.Request.SetRequestURI(uri)
		serve(&ctx)
		fmt.Println(strings.TrimSpace(fmt.Sprintln(req, ctx.Response.StatusCode(),
			string(ctx.Response.Header.Peek("Allow")), string(ctx.Response.Body()))))
	}
	// Output:
	// GET /users/42?x=1 200  user 42
	// POST /users/42 405 GET, HEAD, OPTIONS
	// GET /nope 404
}
