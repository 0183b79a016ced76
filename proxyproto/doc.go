// Package proxyproto wraps a net.Listener so that connections relayed by a load
// balancer speaking the PROXY protocol (v1 text or v2 binary, as sent by HAProxy,
// AWS NLB, nginx and others) report the original client's address.
//
//	ln, _ := net.Listen("tcp", ":8080")
//	pl := proxyproto.Listen(ln, proxyproto.Config{
//		Trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
//	})
//	app.Serve(pl) // c.RemoteIP() is now the client behind the balancer
//
// # Lazy header
//
// Accept never reads: the header is read on the accepted connection's first Read,
// RemoteAddr or LocalAddr call (the server's per-connection goroutine, in practice),
// under Config.ReadHeaderTimeout, so a client that sends nothing holds its own
// goroutine for at most that long and never blocks Accept. Exactly the header's bytes
// are consumed; what follows reaches Read unchanged.
//
// # Trust
//
// Only peers whose address is in Config.Trusted may speak the protocol. For them, a
// PROXY command replaces the addresses, a LOCAL command (a balancer's health check)
// keeps the real ones, and a connection without a header is served as it is unless
// Config.Required is set, in which case it is closed. A malformed header closes the
// connection.
//
// A peer outside Config.Trusted (a peer without an IP address, such as a Unix socket
// peer, is always outside) is handled by Config.Policy:
//
//   - Reject (the zero value): the first bytes are checked, and a connection that starts
//     with a PROXY signature is closed as a spoofing attempt; any other connection is
//     served as it is, with its real addresses. Clients that connect directly are still
//     served.
//   - PassThrough: nothing is read or checked; the bytes reach the application
//     unchanged, so a PROXY header from such a peer is data, which an HTTP server
//     refuses as a malformed request.
//
// A failed header read closes the connection, and Read returns the error (wrapping
// ErrUntrusted, ErrNoHeader, os.ErrDeadlineExceeded, io.EOF or the parse package's
// *ProxyError).
//
// HeaderOf (or Conn.ProxyHeader) gives the parsed header, TLVs included, to code that
// holds the connection.
//
// # Datagrams
//
// A balancer relaying UDP puts a v2 header in front of every datagram. SplitDatagram
// applies the same Config (Trusted, Policy, Required) to one datagram and its sender,
// returning the header and the payload without copying or allocating; tako's UDP
// server (Config.UDPProxy) calls it for each datagram it reads.
package proxyproto
