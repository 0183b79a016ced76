// Package tako is the facade of Tako for Go: a web framework whose handlers run unchanged on
// two engines, fasthttp for zero-allocation HTTP/1.1 and Go's net/http for HTTP/2 (h2c),
// httptest and the net/http ecosystem. It combines the kit's leaf packages: router (the
// radix router), parse (JSON) and pool (buffers).
//
// # Hello world
//
//	package main
//
//	import "github.com/tako-go/tako"
//
//	func main() {
//		app := tako.New()
//		app.Get("/hello/:name", func(c *tako.Ctx) error {
//			return c.Text("hello " + c.Param("name"))
//		})
//		app.Listen(":8080")
//	}
//
// # Engines
//
// App.Listen and App.Serve run Config.Engine: FastHTTP (the default; HTTP/1.1, no
// allocations per request in steady state, h2c handed to Go's HTTP/2 server) or NetHTTP
// (HTTP/1.1 and h2c). App.Handler
// (the App itself is an http.Handler) serves through any net/http server, httptest
// included, and App.NewHTTPServer builds a configured *http.Server for TLS and HTTP/2.
// App.Test runs one request in memory through the configured engine. One Ctx type serves
// both engines; the difference shows only in the escape hatches Ctx.FastHTTP and Ctx.HTTP.
//
// # Transports: TLS, HTTP/2, h2c
//
// App.ListenTLS (certificate files, reloaded when they change; see Certificates) and
// App.ServeTLS (any *tls.Config) serve HTTP/2 and HTTP/1.1 on one TLS port: each handshake
// runs on its own goroutine under Config.TLSHandshakeTimeout, then ALPN "h2" goes to Go's
// HTTP/2 server and anything else to the App's engine, with the same handlers (on the
// FastHTTP engine an HTTP/2 request reaches its Ctx through net/http: Ctx.Engine says
// NetHTTP). Config.TLSConfig adds client certificates (mutual TLS); Ctx.TLS returns the
// connection state with the verified chain. On cleartext listeners the FastHTTP engine
// also serves h2c with prior knowledge: a connection opening with the HTTP/2 preface is
// handed to the HTTP/2 server, with no allocation per HTTP/1.1 request (Config.DisableH2C
// turns it off; the "Upgrade: h2c" dance is not supported, as RFC 9113 deprecates it).
// Config.HTTP2
// holds the HTTP/2 limits (concurrent streams, frame size, flow-control windows; the header
// list is bounded by MaxHeaderBytes); Go's server resists rapid-reset floods. Ctx.Stream
// streams over HTTP/2 too, Ctx.BodyReader reads request bodies as they arrive, and
// Ctx.SetTrailer and StreamWriter.SetTrailer send trailers on every protocol. Ctx.Upgrade
// takes WebSockets over HTTP/2 too (RFC 8441 extended CONNECT, which the GET route serves;
// see Ctx.Upgrade for the net/http opt-in).
//
// # HTTP/3 and WebTransport
//
// App.ListenHTTP3 and App.ServeHTTP3 serve the same App over HTTP/3 on quic-go (package
// h3), with 0-RTT off unless Config.HTTP3Allow0RTT; while one serves, every TCP response
// carries Alt-Svc so browsers and curl find it. With Config.WebTransport, Ctx.WebTransport
// upgrades a request to a WebTransport session (bidirectional and unidirectional streams,
// datagrams, an origin check).
//
// App.Shutdown drains every listener at once, under one deadline: HTTP/1.1 finishes its
// requests, HTTP/2 and HTTP/3 connections get GOAWAY and finish their streams, WebSockets
// get close 1001, event streams end, raw servers stop.
//
// # Routes
//
// Patterns are router patterns: static segments, ":name" or "{name}" for one segment,
// "*name" or "{name...}" for the rest of the path. GET routes answer HEAD too; a path that
// matches routes of other methods answers OPTIONS with 204 and Allow, and other methods with
// 405 and Allow; a path that would match with its trailing slash toggled, or once cleaned,
// is redirected there (301 for GET, 308 otherwise). Groups share a prefix and
// middleware; Mount attaches a sub-App or any http.Handler under a prefix.
//
//	api := app.Group("/api", auth)
//	api.Get("/users/:id", getUser)
//	api.Post("/users", createUser, audit) // route middleware
//	app.Mount("/debug", http.DefaultServeMux)
//
// # Middleware
//
// A Middleware is func(Handler) Handler. Chains are composed once, when the App starts
// serving, in the order app (Use), group, route; a request pays no chain bookkeeping.
// WrapMiddleware adapts func(http.Handler) http.Handler middleware, and WrapHTTP any
// http.Handler.
//
// # Errors
//
// Handlers return errors. An *Error (NewError, Errorf) carries the status; anything else is
// a 500 whose message stays in the log. The default ErrorHandler renders RFC 9457
// application/problem+json:
//
//	{"type":"about:blank","title":"Not Found","status":404,"detail":"no route matches the request path"}
//
// Client mistakes are 4xx with a clear detail: malformed JSON names the byte offset (400),
// an oversize body is 413, oversize headers 431, a body that does not arrive in time 408.
// A panicking handler is recovered, logged with log/slog and answered 500; the server keeps
// serving.
//
// # Zero-copy contract
//
// Strings and byte slices returned by Ctx (Path, Param, Query, Header, Cookie, Body, ...)
// alias the request's buffers, which fasthttp reuses for the next request on the
// connection. They are valid until the handler returns; every such accessor says so. To keep
// a value, copy it (strings.Clone, the *Copy accessors), or set Config.Immutable to make
// every accessor copy. Config.PoisonBuffers overwrites the memory handed out once the
// handler returns, so that a value which escaped shows up as garbage in tests.
//
// # State
//
// Application state and request-scoped values are typed by their Go type, with no string
// keys and no interface{} casts in user code:
//
//	tako.SetState(app, db)          // at start-up
//	db := tako.State[*DB](c)        // in a handler
//	tako.SetLocal(c, user)          // in a middleware
//	user, ok := tako.Local[User](c) // later in the chain
//
// # Limits and shutdown
//
// Config holds the server limits, each with a documented default chosen to resist slow
// clients: ReadTimeout 30s, ReadHeaderTimeout 10s, WriteTimeout 30s, IdleTimeout 60s,
// MaxHeaderBytes 16 KiB (431 beyond), MaxBodyBytes 4 MiB for Ctx.Body (413 beyond; a
// streaming Ctx.BodyReader is not limited), MaxConns 262144. App.Shutdown stops accepting,
// closes idle keep-alive connections at once, lets in-flight requests finish and returns
// when they have, or when its context ends; App.ShutdownOnSignal wires it to SIGINT and
// SIGTERM.
//
// # Raw TCP and UDP, prefork
//
// Non-HTTP protocols share the App's lifecycle: App.ServeTCP runs func(ctx, net.Conn) per
// connection (capped by Config.TCPMaxConns, panics recovered; behind a proxyproto
// listener RemoteAddr is the client's), and App.ServeUDP runs func(ctx, *Datagram) on a
// bounded pool of workers with pooled buffers, a bounded queue that drops and counts
// when full, no allocation per datagram, and PROXY protocol v2 per datagram
// (Config.UDPProxy). Shutdown stops them with the rest, under the same deadline.
// App.ListenPrefork serves from several processes sharing the port with SO_REUSEPORT
// (Linux), restarting children that die and stopping them gracefully on SIGTERM.
//
// # Extractors, typed handlers and files
//
// Beyond the accessors above, Ctx has typed extractors (EXTRACTORS.md lists them): Bind and
// BindInto fill a struct from path, query, header, cookie, form, JSON and multipart with
// validation (package bind), and Handle turns func(*Ctx, In) (Out, error) into a Handler
// that binds In, validates it and encodes Out. Cookies come plain, signed (CookieSigner,
// HMAC-SHA256) or private (CookieCipher, AES-GCM), both with key rotation; BasicAuth,
// BearerToken, APIKeyAuth and JWT cover authentication; Negotiate, NegotiateLanguage,
// Range, ClientIP (forwarded headers only from App.TrustProxies), Multipart and BindProto
// the rest. App.Static and Ctx.SendFile serve files with ranges, conditional requests and
// precompressed variants.
//
// # Signals
//
// App.Signals returns an in-process bus (package signals) on which the App publishes
// TopicStarted, TopicStopping, TopicStopped (AppEvent) and, after every request,
// TopicRequest (RequestEvent: method, route pattern, status, duration). With no subscriber
// the request signal costs two atomic loads; with synchronous subscribers it allocates
// nothing. A job queue or a metrics exporter subscribes to stop with the App or to count
// requests:
//
//	signals.Subscribe(app.Signals(), tako.TopicRequest, func(ctx context.Context, m signals.Message[tako.RequestEvent]) {
//		latency.Observe(m.Value.Route, m.Value.Duration)
//	})
package tako
