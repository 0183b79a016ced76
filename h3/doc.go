// Package h3 serves HTTP/3 (RFC 9114) and WebTransport on quic-go, for any http.Handler.
//
//	srv := &h3.Server{
//		Handler:   mux,
//		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
//	}
//	go srv.ListenAndServe(":443") // UDP
//	// On the TCP server, advertise it: w.Header().Set("Alt-Svc", h3.AltSvc(443, 0))
//	...
//	srv.Shutdown(ctx) // GOAWAY, running requests finish, connections close
//
// Server wraps quic-go's http3.Server with safe limits (connections, concurrent streams per
// connection, idle and handshake timeouts, header size, request read and write deadlines), each with a knob, 0-RTT off unless asked for
// (early data can be replayed; see Server.Allow0RTT), and a Shutdown that returns as soon as
// the running requests are done instead of waiting for clients to close their connections,
// which RFC 9114 lets them put off. Responses are checked the way net/http's HTTP/2 server
// checks them (header fields with CR, LF or other invalid bytes are dropped; quic-go would
// send them and clients would reject the response), and the Date header is formatted once
// a second rather than per response.
//
// With Server.WebTransport on, an Upgrader turns an extended CONNECT request into a
// WebTransport session (webtransport-go) with bidirectional and unidirectional streams and
// datagrams, after an origin check (same origin by default, or a list, or a function):
//
//	u := &h3.Upgrader{Origins: []string{"https://app.example.com"}}
//	mux.HandleFunc("/wt", func(w http.ResponseWriter, r *http.Request) {
//		sess, err := u.Upgrade(w, r) // a refused request is answered 403, 400, ...
//		if err != nil {
//			return
//		}
//		defer sess.CloseWithError(0, "")
//		str, err := sess.AcceptStream(r.Context())
//		...
//	})
//
// Versions: quic-go is pinned at v0.64.1 because v0.65.0 breaks webtransport-go v0.13.0's
// build.
package h3
