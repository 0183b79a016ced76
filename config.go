package tako

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/tako-go/tako/h3"
	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/proxyproto"
	"github.com/tako-go/tako/signals"
)

// Engine selects the HTTP server that App.Listen and App.Serve run. The same handlers run
// unchanged on both.
type Engine uint8

const (
	// FastHTTP serves HTTP/1.1 on github.com/valyala/fasthttp: the zero-allocation path. It is
	// the zero value and the default.
	FastHTTP Engine = iota
	// NetHTTP serves on Go's net/http server: HTTP/1.1 and h2c (HTTP/2 without TLS, through
	// http.Server.Protocols), with everything net/http users rely on.
	NetHTTP
)

// String returns "fasthttp" or "net/http".
func (e Engine) String() string {
	if e == NetHTTP {
		return "net/http"
	}
	return "fasthttp"
}

// Default limits. They are chosen to resist slow-client attacks (slowloris: a client that
// sends its headers or body a byte at a time) while leaving room for ordinary APIs. Each has
// a Config knob.
const (
	DefaultReadTimeout       = 30 * time.Second // whole request, headers and body
	DefaultReadHeaderTimeout = 10 * time.Second // request line and headers (net/http only; fasthttp bounds them with ReadTimeout)
	DefaultWriteTimeout      = 30 * time.Second // writing the response (streaming responses: see Config.WriteTimeout)
	DefaultIdleTimeout       = 60 * time.Second // an idle keep-alive connection
	DefaultMaxHeaderBytes    = 16 << 10         // request line plus headers; more is answered 431
	DefaultMaxBodyBytes      = 4 << 20          // Ctx.Body; more is answered 413
	DefaultMaxConns          = 256 * 1024       // concurrent connections
)

// Config configures an App. The zero value works: every zero field takes the documented
// default.
type Config struct {
	// Engine is the server that Listen and Serve run. Default FastHTTP. App.Handler (and
	// App.ServeHTTP) always serve through net/http regardless of Engine.
	Engine Engine

	// ReadTimeout bounds reading one request, headers and body. Default 30s. Negative
	// disables it (not recommended on a public port).
	ReadTimeout time.Duration
	// ReadHeaderTimeout bounds reading the request line and headers on the NetHTTP engine.
	// Default 10s. The fasthttp engine reads headers under ReadTimeout.
	ReadHeaderTimeout time.Duration
	// WriteTimeout bounds writing one response. Default 30s. A long-lived streaming
	// response (Ctx.Stream) needs a larger value or a negative one (disabled).
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its next request.
	// Default 60s.
	IdleTimeout time.Duration
	// MaxHeaderBytes limits the request line plus headers. Default 16 KiB. Requests over the
	// limit are answered 431 Request Header Fields Too Large.
	MaxHeaderBytes int
	// MaxBodyBytes limits the body that Ctx.Body (and BindJSON) will read into memory.
	// Default 4 MiB. Ctx.Body returns ErrBodyTooLarge (413) beyond it. Ctx.BodyReader is
	// not limited: it streams, so a handler that accepts large uploads reads from it.
	MaxBodyBytes int64
	// MaxConns limits concurrent connections when the App runs its own server (Listen,
	// Serve). Default 262144.
	MaxConns int
	// HandlerTimeout, when positive, gives Ctx.Context a deadline this long after the
	// request starts. Go cannot stop a running handler, so handlers honour it by watching
	// the context. Creating that context allocates, which happens only when a handler calls
	// Context. Default 0: no deadline (the context still ends on shutdown).
	HandlerTimeout time.Duration

	// JSON configures Ctx.JSON and Ctx.BindJSON (package parse: backend, strictness,
	// zero-copy decoding). The zero value is parse's default: output identical to
	// encoding/json, decoded strings copied, and responses encoded by the size of the
	// type's latest encoding: under 128 bytes with encoding/json through parse's pooled
	// encoder (no allocation), from there with sonic (16 B per call, as sonic boxes its
	// argument, and 2x to 5x faster on larger values).
	JSON parse.JSON

	// Immutable makes every string and byte slice that Ctx returns a private copy, so it
	// stays valid after the handler returns. It costs an allocation per accessor call.
	// Default false: values alias request buffers, valid until the handler returns.
	Immutable bool
	// PoisonBuffers, for tests and debugging, overwrites the request memory that Ctx handed
	// out (params, query values, headers, cookies, body) with 0xDE bytes once the handler
	// returns, so a value that escaped its handler shows up as garbage at once instead of
	// as a rare wrong answer in production.
	PoisonBuffers bool

	// ErrorHandler renders an error that a handler returned (or a recovered panic). Default
	// DefaultErrorHandler: RFC 9457 application/problem+json.
	ErrorHandler func(c *Ctx, err error)
	// NotFound handles requests that match no route. Default: ErrNotFound (404) through
	// ErrorHandler. App middleware runs around it.
	NotFound Handler
	// MethodNotAllowed handles requests whose path matches routes of other methods only.
	// The Allow header is already set when it runs. Default: ErrMethodNotAllowed (405).
	MethodNotAllowed Handler
	// DisableAutoOptions turns off the automatic OPTIONS answer (204 with Allow) for paths
	// without an explicit OPTIONS route.
	DisableAutoOptions bool

	// Logger receives recovered panics, errors with 5xx status and server errors. Default
	// slog.Default().
	Logger *slog.Logger

	// Signals is the bus on which the App publishes its lifecycle and request signals
	// (TopicStarted, TopicStopping, TopicStopped, TopicRequest; see App.Signals), shared
	// with the rest of the application. Default nil: App.Signals creates one on demand.
	Signals *signals.Bus

	// Raw servers and prefork

	// TCPMaxConns limits the connections open at once on each raw TCP server (ServeTCP,
	// ListenTCP); at the cap, Accept waits and new connections queue in the kernel's
	// backlog. Default MaxConns.
	TCPMaxConns int
	// UDPWorkers is the number of handlers that run at once on each UDP server (ServeUDP,
	// ListenUDP). Default 4 * GOMAXPROCS; handlers that block (on a database, say) need
	// more.
	UDPWorkers int
	// UDPQueue is the number of datagrams that may wait for a free worker on each UDP
	// server. A datagram that arrives to a full queue is dropped and counted
	// (UDPStats.Dropped). Default 1024.
	UDPQueue int
	// UDPMaxDatagram is the largest datagram a UDP server accepts, PROXY header included;
	// larger ones are dropped and counted (UDPStats.Oversize). Default 64 KiB, which
	// holds any UDP datagram; the read buffer of each server has this size.
	UDPMaxDatagram int
	// UDPProxy, when set, makes UDP servers read the PROXY protocol v2 header that a
	// balancer puts in front of each datagram, from the peers in UDPProxy.Trusted only
	// (see proxyproto.SplitDatagram; ReadHeaderTimeout and BufferSize do not apply).
	// Datagram.From is then the client's address. Default nil: datagrams are taken as
	// they come.
	UDPProxy *proxyproto.Config

	// PreforkChildren is the number of child processes ListenPrefork starts. Default
	// GOMAXPROCS.
	PreforkChildren int
	// PreforkGrace bounds a child's graceful shutdown (its App.Shutdown deadline) when
	// the parent forwards SIGINT or SIGTERM; the parent kills a child still running
	// PreforkGrace plus 5 seconds later. Default 10s.
	PreforkGrace time.Duration
	// PreforkRestarts is how many times in a row a child that dies soon after its start
	// (within 10 seconds) is restarted, with a backoff from 100ms doubling to 5s, before
	// the parent gives up, stops the other children and returns an error. A child that
	// ran longer is restarted with a fresh count. Default 5; negative: no restarts, the
	// first child that dies stops them all.
	PreforkRestarts int

	// HTTP/3

	// HTTP3MaxStreams limits the concurrent requests one HTTP/3 connection may have open
	// (ServeHTTP3). Default 100. The connection limit, idle timeout, header size and the
	// read and write timeouts come from MaxConns, IdleTimeout, MaxHeaderBytes, ReadTimeout
	// and WriteTimeout.
	HTTP3MaxStreams int64
	// HTTP3HandshakeTimeout bounds the QUIC and TLS handshake. Default 10s.
	HTTP3HandshakeTimeout time.Duration
	// HTTP3Allow0RTT accepts 0-RTT requests from resuming clients, saving a round trip.
	// Default false: early data can be replayed by an attacker, so enable it only when every
	// route is safe to run twice (see h3.Server.Allow0RTT).
	HTTP3Allow0RTT bool
	// HTTP3AltSvcPort is the UDP port that the Alt-Svc header of TCP responses advertises
	// while HTTP/3 is served. Default: the port ServeHTTP3 listens on (set it when a load
	// balancer maps another public port to it).
	HTTP3AltSvcPort int
	// HTTP3AltSvcMaxAge is how long clients may remember the Alt-Svc advertisement. Default
	// 24h. Negative: no Alt-Svc header (clients then find HTTP/3 only through DNS HTTPS
	// records or configuration).
	HTTP3AltSvcMaxAge time.Duration
	// WebTransport accepts WebTransport sessions on HTTP/3 (Ctx.WebTransport). Default
	// false. With it on, HTTP/3 shutdown refuses new requests and drains running ones but
	// sends no GOAWAY frame (see h3.Server.WebTransport).
	WebTransport bool

	// TLS and HTTP/2

	// TLSConfig is the base TLS configuration of ListenTLS, which clones it and adds the
	// certificate files it is given (with hot reload, see Certificates). Set ClientCAs and
	// ClientAuth here for mutual TLS (tls.RequireAndVerifyClientCert, or
	// tls.VerifyClientCertIfGiven for optional client certificates; Ctx.TLS returns the
	// verified chain). Default nil: TLS 1.2 minimum and Go's defaults. ServeTLS takes its
	// own *tls.Config and does not read this field.
	TLSConfig *tls.Config
	// TLSHandshakeTimeout bounds the TLS handshake of each new connection on ListenTLS and
	// ServeTLS. Handshakes run on their own goroutines, so a slow or stuck client holds up
	// nobody else; this bounds how long it holds its connection. Default 10s; negative
	// disables it (not recommended on a public port).
	TLSHandshakeTimeout time.Duration
	// DisableH2C turns off HTTP/2 with prior knowledge (h2c) on the FastHTTP engine's
	// cleartext listeners (Listen, Serve). By default the first bytes of each new
	// connection are checked for the HTTP/2 connection preface; a connection that starts
	// with it is handed to Go's HTTP/2 server, any other stays on fasthttp. The check reads
	// into fasthttp's own buffer on the connection's goroutine, under fasthttp's
	// ReadTimeout, so HTTP/1.1 pays one comparison per connection and no allocation, and a
	// client that stalls part-way through the preface is dropped like any slow client.
	// Responses larger than fasthttp's write buffer lose its single writev through the
	// wrapper (about 5% on a 64 KiB response over loopback): set DisableH2C if that
	// matters more than h2c. Connections that are already TLS (a tls.Listener given to Serve) are left
	// alone, as HTTP/1.1; ServeTLS serves HTTP/2 over TLS. The NetHTTP engine always serves
	// h2c. The HTTP/1.1 "Upgrade: h2c" handshake is not supported (RFC 9113 deprecates it
	// and net/http dropped it).
	DisableH2C bool
	// HTTP2 configures Go's HTTP/2 server, which serves HTTP/2 on both engines (ALPN "h2"
	// on ListenTLS and ServeTLS, h2c on cleartext listeners). Zero fields take Tako's
	// defaults: MaxConcurrentStreams 250 per connection, MaxReadFrameSize 1 MiB,
	// MaxReceiveBufferPerConnection and MaxReceiveBufferPerStream 1 MiB, WriteByteTimeout
	// the WriteTimeout (a client that stops reading is dropped), PingTimeout 15s. A
	// negative duration disables that timeout. The header list limit is MaxHeaderBytes.
	// Against rapid reset floods (CVE-2023-44487) Go's server runs at most
	// MaxConcurrentStreams handlers per connection and ends with GOAWAY
	// ENHANCE_YOUR_CALM a connection that opens and cancels streams faster than they finish
	// (TestHTTP2RapidReset).
	HTTP2 http.HTTP2Config
}

func (cfg *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		} else if *d < 0 {
			*d = 0
		}
	}
	def(&cfg.ReadTimeout, DefaultReadTimeout)
	def(&cfg.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	def(&cfg.WriteTimeout, DefaultWriteTimeout)
	def(&cfg.IdleTimeout, DefaultIdleTimeout)
	if cfg.MaxHeaderBytes <= 0 {
		cfg.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxConns <= 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ErrorHandler == nil {
		cfg.ErrorHandler = DefaultErrorHandler
	}
	if cfg.TCPMaxConns <= 0 {
		cfg.TCPMaxConns = cfg.MaxConns
	}
	if cfg.UDPWorkers <= 0 {
		cfg.UDPWorkers = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.UDPQueue <= 0 {
		cfg.UDPQueue = DefaultUDPQueue
	}
	if cfg.UDPMaxDatagram <= 0 {
		cfg.UDPMaxDatagram = DefaultUDPMaxDatagram
	}
	if cfg.PreforkChildren <= 0 {
		cfg.PreforkChildren = runtime.GOMAXPROCS(0)
	}
	if cfg.PreforkGrace <= 0 {
		cfg.PreforkGrace = DefaultPreforkGrace
	}
	if cfg.PreforkRestarts == 0 {
		cfg.PreforkRestarts = DefaultPreforkRestarts
	}
	if cfg.HTTP3MaxStreams == 0 {
		cfg.HTTP3MaxStreams = h3.DefaultMaxIncomingStreams
	}
	def(&cfg.HTTP3HandshakeTimeout, h3.DefaultHandshakeTimeout)
	if cfg.HTTP3AltSvcMaxAge == 0 {
		cfg.HTTP3AltSvcMaxAge = h3.DefaultAltSvcMaxAge
	}
	def(&cfg.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	h2 := &cfg.HTTP2
	if h2.MaxConcurrentStreams <= 0 {
		h2.MaxConcurrentStreams = DefaultHTTP2MaxConcurrentStreams
	}
	if h2.MaxReadFrameSize <= 0 {
		h2.MaxReadFrameSize = DefaultHTTP2MaxReadFrameSize
	}
	if h2.MaxReceiveBufferPerConnection <= 0 {
		h2.MaxReceiveBufferPerConnection = DefaultHTTP2ReceiveBuffer
	}
	if h2.MaxReceiveBufferPerStream <= 0 {
		h2.MaxReceiveBufferPerStream = DefaultHTTP2ReceiveBuffer
	}
	def(&h2.WriteByteTimeout, cfg.WriteTimeout)
	def(&h2.PingTimeout, 15*time.Second)
	if h2.SendPingTimeout < 0 {
		h2.SendPingTimeout = 0
	}
}

// Defaults of the TLS and HTTP/2 settings in Config.
const (
	DefaultTLSHandshakeTimeout       = 10 * time.Second
	DefaultHTTP2MaxConcurrentStreams = 250     // streams per connection, as Go's server
	DefaultHTTP2MaxReadFrameSize     = 1 << 20 // as Go's server
	DefaultHTTP2ReceiveBuffer        = 1 << 20 // flow-control window, per connection and per stream
)
