package h2

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"testing"
)

// TestServersAnswerOverHTTP2 checks that every server answers /plaintext identically over
// HTTP/2, on TLS (ALPN h2) and h2c, so h2load measures the same work on each.
func TestServersAnswerOverHTTP2(t *testing.T) {
	cert, err := SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Servers {
		for _, useTLS := range []bool{true, false} {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var c *tls.Certificate
			tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
			var p http.Protocols
			url := "http://" + ln.Addr().String() + "/plaintext"
			if useTLS {
				c = cert
				p.SetHTTP2(true)
				url = "https://" + ln.Addr().String() + "/plaintext"
			} else {
				p.SetUnencryptedHTTP2(true)
			}
			tr.Protocols = &p
			stop, err := Serve(name, ln, c)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := (&http.Client{Transport: tr}).Get(url)
			if err != nil {
				t.Fatalf("%s tls=%v: %v", name, useTLS, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.ProtoMajor != 2 || resp.StatusCode != 200 || string(body) != hello ||
				resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("%s tls=%v: %s %d %q %q", name, useTLS, resp.Proto, resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
			tr.CloseIdleConnections()
			stop()
		}
	}
}
