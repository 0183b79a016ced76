package xconnect_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/net/http2"

	"github.com/tako-go/tako/ws/xconnect"
)

// TestServerAdvertisesExtendedConnect checks the init-order claim: net/http,
// initialised after this package, read GODEBUG with http2xconnect=1 in it,
// so its HTTP/2 server sends SETTINGS_ENABLE_CONNECT_PROTOCOL and lets a
// :protocol request through to the handler.
func TestServerAdvertisesExtendedConnect(t *testing.T) {
	if !xconnect.Enabled() {
		t.Fatal("Enabled() is false after import")
	}
	got := make(chan string, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Method + " " + r.Header.Get(":protocol")
	}))
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &p
	srv.Start()
	defer srv.Close()
	tr := &http2.Transport{AllowHTTP: true, DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodConnect, srv.URL, http.NoBody)
	req.Header[":protocol"] = []string{"websocket"}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("extended CONNECT: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if s := <-got; s != "CONNECT websocket" {
		t.Fatalf("handler saw %q, want CONNECT websocket", s)
	}
}
