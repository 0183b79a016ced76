package h3_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/quic-go/webtransport-go"
	"github.com/tako-go/tako/h3"
)

// echoSession serves a WebTransport session: bidirectional streams are echoed, each
// unidirectional stream is answered, in upper case, on a new unidirectional stream, and
// datagrams are echoed with a "re:" prefix.
func echoSession(sess *h3.Session) {
	ctx := sess.Context()
	go func() {
		for {
			str, err := sess.AcceptStream(ctx)
			if err != nil {
				return
			}
			go func() {
				io.Copy(str, str)
				str.Close()
			}()
		}
	}()
	go func() {
		for {
			str, err := sess.AcceptUniStream(ctx)
			if err != nil {
				return
			}
			go func() {
				b, _ := io.ReadAll(str)
				out, err := sess.OpenUniStreamSync(ctx)
				if err != nil {
					return
				}
				out.Write(bytes.ToUpper(b))
				out.Close()
			}()
		}
	}()
	for {
		d, err := sess.ReceiveDatagram(ctx)
		if err != nil {
			return
		}
		sess.SendDatagram(append([]byte("re:"), d...))
	}
}

func wtServer(t *testing.T, u *h3.Upgrader) (string, *x509.CertPool, *h3.Server) {
	tlsConf, pool := testPKI(t)
	// The request timeouts must not end sessions (TestWebTransport waits past them).
	srv := &h3.Server{TLSConfig: tlsConf, WebTransport: true, ReadTimeout: 50 * time.Millisecond, WriteTimeout: 50 * time.Millisecond}
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/wt" {
			io.WriteString(w, "plain "+r.Proto)
			return
		}
		sess, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		echoSession(sess)
	})
	return serve(t, srv), pool, srv
}

func dialWT(t *testing.T, pool *x509.CertPool, url, origin string) (*http.Response, *webtransport.Session, error) {
	d := &webtransport.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(func() { d.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	return d.Dial(ctx, url, hdr)
}

func TestWebTransport(t *testing.T) {
	addr, pool, _ := wtServer(t, &h3.Upgrader{})
	c, _ := client(t, pool)
	if _, body := get(t, c, "https://"+addr+"/plain"); body != "plain HTTP/3.0" {
		t.Errorf("plain request next to WebTransport: %q", body)
	}

	rsp, sess, err := dialWT(t, pool, "https://"+addr+"/wt", "https://"+addr)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer sess.CloseWithError(0, "")
	if rsp.StatusCode != 200 {
		t.Fatalf("status %d", rsp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	time.Sleep(150 * time.Millisecond) // past the server's ReadTimeout and WriteTimeout

	// Bidirectional stream: echo.
	str, err := sess.OpenStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msg := bytes.Repeat([]byte("bidi-"), 10000)
	go func() { str.Write(msg); str.Close() }()
	got, err := io.ReadAll(str)
	if err != nil || !bytes.Equal(got, msg) {
		t.Errorf("bidi echo: %d bytes (err %v), want %d", len(got), err, len(msg))
	}

	// Unidirectional streams: one out, one back.
	ustr, err := sess.OpenUniStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ustr.Write([]byte("uni stream"))
	ustr.Close()
	back, err := sess.AcceptUniStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(back); err != nil || string(b) != "UNI STREAM" {
		t.Errorf("uni stream back: %q, %v", b, err)
	}

	// Datagrams: unreliable, so send until one answer arrives.
	dctx, dcancel := context.WithTimeout(ctx, 3*time.Second)
	defer dcancel()
	go func() {
		for dctx.Err() == nil {
			sess.SendDatagram([]byte("ping"))
			time.Sleep(20 * time.Millisecond)
		}
	}()
	d, err := sess.ReceiveDatagram(dctx)
	if err != nil || string(d) != "re:ping" {
		t.Errorf("datagram: %q, %v", d, err)
	}
}

func TestWebTransportOrigin(t *testing.T) {
	for _, tc := range []struct {
		name   string
		u      *h3.Upgrader
		origin string // "SELF" is replaced by the server's origin
		want   int
	}{
		{"same-origin", &h3.Upgrader{}, "SELF", 200},
		{"no-origin", &h3.Upgrader{}, "", 200},
		{"cross-origin", &h3.Upgrader{}, "https://evil.example", 403},
		{"listed", &h3.Upgrader{Origins: []string{"https://app.example"}}, "https://APP.example", 200},
		{"not-listed", &h3.Upgrader{Origins: []string{"https://app.example"}}, "https://evil.example", 403},
		{"wildcard", &h3.Upgrader{Origins: []string{"*"}}, "https://any.example", 200},
		{"func", &h3.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "null" }}, "null", 200},
		{"func-refuses", &h3.Upgrader{CheckOrigin: func(r *http.Request) bool { return false }}, "SELF", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, pool, _ := wtServer(t, tc.u)
			origin := tc.origin
			if origin == "SELF" {
				origin = "https://" + addr
			}
			rsp, sess, err := dialWT(t, pool, "https://"+addr+"/wt", origin)
			if tc.want == 200 {
				if err != nil {
					t.Fatalf("Dial: %v", err)
				}
				sess.CloseWithError(0, "")
				return
			}
			if err == nil {
				sess.CloseWithError(0, "")
				t.Fatal("refused origin got a session")
			}
			if rsp == nil || rsp.StatusCode != tc.want {
				t.Fatalf("response %v, err %v; want status %d", rsp, err, tc.want)
			}
		})
	}
}

func TestWebTransportShutdownClosesSessions(t *testing.T) {
	addr, pool, srv := wtServer(t, &h3.Upgrader{})
	_, sess, err := dialWT(t, pool, "https://"+addr+"/wt", "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case <-sess.Context().Done():
	case <-ctx.Done():
		t.Fatal("the client's session is still open after Shutdown")
	}
	_, err = sess.AcceptStream(ctx)
	var se *webtransport.SessionError
	if !errors.As(err, &se) || se.ErrorCode != h3.CodeGoingAway {
		t.Errorf("session ended with %v, want a SessionError with code CodeGoingAway", err)
	}
}

func TestWebTransportNotEnabled(t *testing.T) {
	tlsConf, pool := testPKI(t)
	got := make(chan error, 1)
	srv := &h3.Server{TLSConfig: tlsConf, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := (&h3.Upgrader{}).Upgrade(w, r)
		got <- err
	})}
	addr := serve(t, srv)
	c, _ := client(t, pool)
	if resp, _ := get(t, c, "https://"+addr+"/"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a plain GET upgraded: status %d, want 400", resp.StatusCode)
	}
	var ue *h3.UpgradeError
	if err := <-got; !errors.As(err, &ue) || ue.Status != http.StatusBadRequest {
		t.Errorf("Upgrade error %v, want UpgradeError 400", err)
	}
}

// unwrapper is middleware's response writer wrapper with Unwrap; opaque has none.
type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

type opaque struct{ http.ResponseWriter }

func TestWebTransportThroughWrappedWriter(t *testing.T) {
	tlsConf, pool := testPKI(t)
	u := &h3.Upgrader{}
	errs := make(chan error, 1)
	srv := &h3.Server{TLSConfig: tlsConf, WebTransport: true, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/opaque" {
			w = opaque{w}
		} else {
			w = unwrapper{unwrapper{w}}
		}
		sess, err := u.Upgrade(w, r)
		errs <- err
		if err == nil {
			echoSession(sess)
		}
	})}
	addr := serve(t, srv)
	_, sess, err := dialWT(t, pool, "https://"+addr+"/wrapped", "")
	if err != nil || <-errs != nil {
		t.Fatalf("through Unwrap: %v", err)
	}
	sess.CloseWithError(0, "")
	rsp, _, err := dialWT(t, pool, "https://"+addr+"/opaque", "")
	if err == nil || rsp == nil || rsp.StatusCode != 500 {
		t.Errorf("opaque wrapper: response %v, err %v; want 500", rsp, err)
	}
	if err := <-errs; err == nil {
		t.Error("Upgrade through an opaque wrapper returned no error")
	}
}
