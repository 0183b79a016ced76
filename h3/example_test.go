package h3_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net/http"
	"time"

	"github.com/tako-go/tako/h3"
)

// An HTTP/3 server next to a TCP one that advertises it with Alt-Svc.
func ExampleServer() {
	var cert tls.Certificate // loaded with tls.LoadX509KeyPair
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello over "+r.Proto)
	})
	srv := &h3.Server{
		Handler:   mux,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
	}
	go func() {
		if err := srv.ListenAndServe(":8443"); err != http.ErrServerClosed {
			log.Print(err)
		}
	}()
	altSvc := h3.AltSvc(8443, 0)
	tcp := &http.Server{Addr: ":8443", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Alt-Svc", altSvc)
		mux.ServeHTTP(w, r)
	})}
	_ = tcp // tcp.ListenAndServeTLS(certFile, keyFile)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}

// The Alt-Svc value for HTTP/3 on port 443, remembered for a day.
func ExampleAltSvc() {
	fmt.Println(h3.AltSvc(443, 24*time.Hour))
	// Output: h3=":443"; ma=86400
}

// A WebTransport endpoint that echoes bidirectional streams.
func ExampleUpgrader() {
	u := &h3.Upgrader{Origins: []string{"https://app.example.com"}}
	http.HandleFunc("/wt", func(w http.ResponseWriter, r *http.Request) {
		sess, err := u.Upgrade(w, r)
		if err != nil {
			return // answered: 400, 403, 501 or 503
		}
		defer sess.CloseWithError(0, "bye")
		for {
			str, err := sess.AcceptStream(sess.Context())
			if err != nil {
				return
			}
			go func() {
				io.Copy(str, str)
				str.Close()
			}()
		}
	})
	// Serve with &h3.Server{Handler: http.DefaultServeMux, TLSConfig: ..., WebTransport: true}.
}
