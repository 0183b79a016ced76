package tako_test

import (
	"context"
	"log"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/h3"
)

// One App on HTTP/1.1 (TCP) and HTTP/3 (UDP) on the same port number: TCP responses carry
// Alt-Svc: h3=":8443"; ma=86400, so browsers and curl move to HTTP/3; one Shutdown drains
// both.
func ExampleApp_ServeHTTP3() {
	app := tako.New()
	app.Get("/", func(c *tako.Ctx) error {
		return c.Text("hello over " + c.Protocol()) // "HTTP/3.0" on QUIC
	})
	go func() {
		if err := app.ListenHTTP3(":8443", "cert.pem", "key.pem"); err != nil {
			log.Print(err)
		}
	}()
	done := app.ShutdownOnSignal(10 * time.Second)
	if err := app.Listen(":8443"); err != nil {
		log.Fatal(err)
	}
	<-done
}

// A WebTransport endpoint: each bidirectional stream is echoed, and datagrams are
// answered. Config.WebTransport must be on.
func ExampleCtx_WebTransport() {
	app := tako.New(tako.Config{WebTransport: true})
	u := &h3.Upgrader{Origins: []string{"https://app.example.com"}}
	app.Handle("CONNECT", "/wt", func(c *tako.Ctx) error {
		return c.WebTransport(u, func(s *h3.Session) {
			go func() {
				for {
					str, err := s.AcceptStream(s.Context())
					if err != nil {
						return
					}
					go func() {
						buf := make([]byte, 4096)
						for {
							n, err := str.Read(buf)
							if n > 0 {
								str.Write(buf[:n])
							}
							if err != nil {
								str.Close()
								return
							}
						}
					}()
				}
			}()
			for {
				d, err := s.ReceiveDatagram(context.Background())
				if err != nil {
					return // the client left, or App.Shutdown closed the session
				}
				s.SendDatagram(d)
			}
		})
	})
	_ = app // app.ListenHTTP3(":443", "cert.pem", "key.pem")
}
