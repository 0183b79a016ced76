package tako_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// engines are the two engines every behaviour test runs on, the way net/http's own tests
// run each case over HTTP/1 and HTTP/2.
var engines = []tako.Engine{tako.FastHTTP, tako.NetHTTP}

// A transport is one way of serving an App to a real client: the engine plus the wire
// protocol (HTTP/1.1 on each engine here; HTTP/2 over TLS, h2c and HTTP/3 are appended to
// transports by the test files of those transports).
type transport struct {
	name   string      // subtest name
	engine tako.Engine // the App's Config.Engine
	// listen starts serving app on a fresh loopback listener. It returns the address
	// (host:port) and URL scheme the client uses, a client for it (redirects not followed,
	// compression off), and serve, which blocks serving until app.Shutdown.
	listen func(t *testing.T, app *tako.App) (addr, scheme string, client *http.Client, serve func() error)
	// lacks names the features (see harness.needs) this transport does not have.
	lacks []string
}

// transports are those runAll runs a test over; the first len(engines) are HTTP/1.1 on each
// engine, those that run uses.
var transports = []transport{
	{name: "fasthttp", engine: tako.FastHTTP, listen: listenHTTP1},
	{name: "nethttp", engine: tako.NetHTTP, listen: listenHTTP1},
}

// listenHTTP1 serves app with app.Serve on a TCP listener and the net/http client.
func listenHTTP1(t *testing.T, app *tako.App) (string, string, *http.Client, func() error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return ln.Addr().String(), "http", noRedirects(tr), func() error { return app.Serve(ln) }
}

// noRedirects returns a client on rt that hands redirects back to the test.
func noRedirects(rt http.RoundTripper) *http.Client {
	return &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// harness serves one App over one transport on loopback; requests come from a real client
// (the net/http client, or quic-go's for HTTP/3).
type harness struct {
	t      *testing.T
	engine tako.Engine
	tr     *transport // nil: HTTP/1.1 on engine
	app    *tako.App
	addr   string // host:port
	scheme string // "http" or "https"
	client *http.Client
	served chan error
}

// run runs body once per engine over HTTP/1.1, as subtests named after the engine.
func run(t *testing.T, body func(t *testing.T, h *harness)) {
	t.Helper()
	runOver(t, transports[:len(engines)], body)
}

// runAll runs body once per transport (every engine and protocol), as subtests named after
// the transport.
func runAll(t *testing.T, body func(t *testing.T, h *harness)) {
	t.Helper()
	runOver(t, transports, body)
}

func runOver(t *testing.T, trs []transport, body func(t *testing.T, h *harness)) {
	t.Helper()
	for i := range trs {
		tr := &trs[i]
		t.Run(tr.name, func(t *testing.T) {
			body(t, &harness{t: t, engine: tr.engine, tr: tr})
		})
	}
}

// needs skips the test on a transport that lacks feature, one of:
//
//	"http1" HTTP/1.x on the wire (Connection and Transfer-Encoding headers, chunked
//	        framing, Expect: 100-continue, Upgrade, WebSocket handshakes)
//	"tcp"   the server listens on TCP (not so for HTTP/3, on UDP)
//
// Transports declare what they lack in transport.lacks; HTTP/2 lacks "http1", HTTP/3 both.
func (h *harness) needs(feature string) {
	h.t.Helper()
	if h.tr != nil && slices.Contains(h.tr.lacks, feature) {
		h.t.Skipf("transport %s lacks %s", h.tr.name, feature)
	}
}

// requestEngine is the engine that serves the harness's requests, as Ctx.Engine reports it:
// Go's net/http (or quic-go's http3, also through App.ServeHTTP) serves HTTP/2 and HTTP/3
// for an App on either engine.
func (h *harness) requestEngine() tako.Engine {
	if h.tr != nil && slices.Contains(h.tr.lacks, "http1") {
		return tako.NetHTTP
	}
	return h.engine
}

// newApp returns an App for the harness's engine; cfg may override limits.
func (h *harness) newApp(cfg ...tako.Config) *tako.App {
	var c tako.Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	c.Engine = h.engine
	h.app = tako.New(c)
	return h.app
}

// start serves h.app over the harness's transport and shuts it down when the test ends.
func (h *harness) start() {
	h.t.Helper()
	tr := h.tr
	if tr == nil {
		tr = &transport{engine: h.engine, listen: listenHTTP1}
	}
	addr, scheme, client, serve := tr.listen(h.t, h.app)
	h.addr, h.scheme, h.client = addr, scheme, client
	h.served = make(chan error, 1)
	go func() { h.served <- serve() }()
	h.t.Cleanup(func() {
		// Idle client connections go first: an HTTP/2 server waits a second after its
		// GOAWAY for the client to hang up.
		h.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.app.Shutdown(ctx); err != nil {
			h.t.Errorf("Shutdown: %v", err)
		}
		select {
		case err := <-h.served:
			if err != nil {
				h.t.Errorf("Serve returned %v", err)
			}
		case <-time.After(5 * time.Second):
			h.t.Errorf("Serve did not return after Shutdown")
		}
	})
}

func (h *harness) url(path string) string { return h.scheme + "://" + h.addr + path }

// response is a fully read response.
type response struct {
	status  int
	header  http.Header
	body    string
	proto   string
	trailer http.Header // trailers, read after the body
}

// do sends a request; hdr holds "Name: value" strings.
func (h *harness) do(method, path string, body io.Reader, hdr ...string) response {
	h.t.Helper()
	req, err := http.NewRequest(method, h.url(path), body)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, kv := range hdr {
		k, v, _ := strings.Cut(kv, ":")
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: string(b), proto: resp.Proto, trailer: resp.Trailer}
}

func (h *harness) get(path string, hdr ...string) response {
	h.t.Helper()
	return h.do("GET", path, nil, hdr...)
}

// expect checks status and body.
func expect(t *testing.T, r response, status int, body string) {
	t.Helper()
	if r.status != status || r.body != body {
		t.Errorf("got %d %q, want %d %q", r.status, r.body, status, body)
	}
}
