package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"
	"github.com/tako-go/tako"
)

func TestShowcase(t *testing.T) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			app := newApp(tako.Config{Engine: e})
			do := func(method, path, body string) (int, string) {
				t.Helper()
				var r io.Reader
				if body != "" {
					r = strings.NewReader(body)
				}
				resp, err := app.Test(httptest.NewRequest(method, path, r))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			check := func(gotStatus int, gotBody string, status int, contains string) {
				t.Helper()
				if gotStatus != status || !strings.Contains(gotBody, contains) {
					t.Errorf("got %d %q, want %d containing %q", gotStatus, gotBody, status, contains)
				}
			}
			s, b := do("POST", "/api/todos", `{"title":"  write tests  "}`)
			check(s, b, 201, `{"id":1,"title":"write tests","done":false}`)
			s, b = do("POST", "/api/todos", `{"title":"ship","done":true}`)
			check(s, b, 201, `"id":2`)
			s, b = do("POST", "/api/todos", `{"title":""}`)
			check(s, b, 422, `"errors":[{"field":"title","in":"body","rule":"required"`)
			s, b = do("POST", "/api/todos", `{"title":"   "}`)
			check(s, b, 422, `must not be blank`)
			s, b = do("POST", "/api/todos", `{"title":`)
			check(s, b, 400, `malformed JSON at offset 9`)
			s, b = do("GET", "/api/todos?done=true", "")
			check(s, b, 200, `[{"id":2,"title":"ship","done":true}]`)
			s, b = do("GET", "/api/todos?limit=zero", "")
			check(s, b, 400, `"field":"limit","in":"query"`)
			s, b = do("GET", "/api/todos?limit=5000", "")
			check(s, b, 422, `"field":"limit","in":"query","rule":"max"`)
			s, b = do("PUT", "/api/todos/1", `{"done":true}`)
			check(s, b, 200, `{"id":1,"title":"write tests","done":true}`)
			s, b = do("GET", "/api/todos/abc", "")
			check(s, b, 400, `not a positive integer`)
			s, b = do("DELETE", "/api/todos/1", "")
			check(s, b, 204, "")
			s, b = do("GET", "/api/todos/1", "")
			check(s, b, 404, `todo 1 does not exist`)
			s, b = do("GET", "/api/error", "")
			check(s, b, 503, `flux capacitor`)
			s, b = do("GET", "/api/panic", "")
			check(s, b, 500, `"status":500`)
			s, b = do("GET", "/api/stream?n=3&every=1ms", "")
			check(s, b, 200, "{\"tick\":1,\"of\":3}\n{\"tick\":2,\"of\":3}\n{\"tick\":3,\"of\":3}\n")
			s, b = do("GET", "/", "")
			check(s, b, 200, "/api/todos/:id")
			var list []Todo
			_, b = do("GET", "/api/todos", "")
			if err := json.Unmarshal([]byte(b), &list); err != nil || len(list) != 1 {
				t.Errorf("list %q: %v", b, err)
			}
		})
	}
}

// TestShowcaseTransports serves the showcase as main does with -https, and asks
// /api/whoami over each protocol with real clients: HTTP/1.1 and h2c on the cleartext
// port, HTTP/2 and HTTP/1.1 over TLS, and HTTP/3 (discovered through Alt-Svc).
func TestShowcaseTransports(t *testing.T) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	app := newApp(tako.Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Serve(ln)
	sa, err := serveSecure(app, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	// The showcase's certificate is self-signed. A fresh config per client: transports
	// write their ALPN protocols into the one they are given.
	insecure := func() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }
	var h1, h2c, tlsH2, tlsH1 http.Protocols
	h1.SetHTTP1(true)
	h2c.SetUnencryptedHTTP2(true)
	tlsH2.SetHTTP2(true)
	tlsH1.SetHTTP1(true)
	h3 := &http3.Transport{TLSClientConfig: insecure()}
	defer h3.Close()
	plain, secure := "http://"+ln.Addr().String(), "https://"+sa.String()
	for _, tc := range []struct {
		name, url string
		rt        http.RoundTripper
		want      string
	}{
		{"HTTP/1.1", plain, &http.Transport{Protocols: &h1}, `{"protocol":"HTTP/1.1","scheme":"http","engine":"fasthttp"`},
		{"h2c", plain, &http.Transport{Protocols: &h2c}, `{"protocol":"HTTP/2.0","scheme":"http","engine":"net/http"`},
		{"HTTP/2 over TLS", secure, &http.Transport{Protocols: &tlsH2, TLSClientConfig: insecure()}, `"protocol":"HTTP/2.0","scheme":"https"`},
		{"HTTP/1.1 over TLS", secure, &http.Transport{Protocols: &tlsH1, TLSClientConfig: insecure()}, `"protocol":"HTTP/1.1","scheme":"https","engine":"fasthttp"`},
		{"HTTP/3", secure, h3, `"protocol":"HTTP/3.0","scheme":"https"`},
	} {
		resp, err := (&http.Client{Transport: tc.rt, Timeout: 5 * time.Second}).Get(tc.url + "/api/whoami")
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), tc.want) {
			t.Errorf("%s: %d %s, want %s", tc.name, resp.StatusCode, b, tc.want)
		}
		if tc.url == secure && tc.rt != http.RoundTripper(h3) && resp.Header.Get("Alt-Svc") != `h3=":`+strconv.Itoa(sa.(*net.TCPAddr).Port)+`"; ma=86400` {
			t.Errorf("%s: Alt-Svc %q does not advertise HTTP/3 on the HTTPS port", tc.name, resp.Header.Get("Alt-Svc"))
		}
	}
}
