// Package interop holds no code, only tests: Tako's WebSocket and Server-Sent Events servers
// against real clients that are not written in Go, on both engines. TestNodeWS drives Node's
// ws package (testdata/ws_client.mjs; `npm ci` in testdata installs it) and TestChromium a
// headless Debian Chromium page (testdata/browser_page.html) that round-trips WebSocket
// messages and resumes an EventSource with Last-Event-ID. TestH2Spec runs the h2spec HTTP/2
// conformance suite against a bare net/http HTTP/2 server and against the App, over TLS and
// h2c (H2SPEC.md explains the cases Go's server fails); TestChromiumWebSocketOverHTTP2 checks
// that Chromium opens its WebSocket as an RFC 8441 extended CONNECT on the page's HTTP/2
// connection when the server advertises it (this test binary imports ws/xconnect). Each test skips, saying why, when its
// client is not installed; .ci/run installs them.
//
//	cd interop/testdata && npm ci && cd .. && go test -v .
package interop
