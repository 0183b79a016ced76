package tako_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// engines are the two engines every behaviour test runs on, the way net/http's own tests
// run each case over HTTP/1 and HTTP/2.
var engines = []tako.Engine{tako.FastHTTP, tako.NetHTTP}

// harness serves one App on a loopback listener with one engine; requests come from the
// net/http client, a real peer.
type harness struct {
	t      *testing.T
	engine tako.Engine
	app    *tako.App
	addr   string // host:port
	client *http.Client
	served chan error
}

// run runs body once per engine, as subtests named after the engine.
func run(t *testing.T, body func(t *testing.T, h *harness)) {
	t.Helper()
	for _, e := range engines {
		name := "fasthttp"
		if e == tako.NetHTTP {
			name = "nethttp"
		}
		t.Run(name, func(t *testing.T) {
			body(t, &harness{t: t, engine: e})
		})
	}
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

// start serves h.app on 127.0.0.1 and shuts it down when the test ends.
func (h *harness) start() {
	h.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	h.addr = ln.Addr().String()
	h.served = make(chan error, 1)
	go func() { h.served <- h.app.Serve(ln) }()
	tr := &http.Transport{DisableCompression: true}
	h.client = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	h.t.Cleanup(func() {
		tr.CloseIdleConnections()
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

func (h *harness) url(path string) string { return "http://" + h.addr + path }

// response is a fully read response.
type response struct {
	status int
	header http.Header
	body   string
	proto  string
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
	return response{status: resp.StatusCode, header: resp.Header, body: string(b), proto: resp.Proto}
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
