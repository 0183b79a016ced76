// Package interop holds no code, only tests: Tako's WebSocket and Server-Sent Events servers
// against real clients that are not written in Go, on both engines. TestNodeWS drives Node's
// ws package (testdata/ws_client.mjs; `npm ci` in testdata installs it) and TestChromium a
// headless Debian Chromium page (testdata/browser_page.html) that round-trips WebSocket
// messages and resumes an EventSource with Last-Event-ID. Each test skips, saying why, when
// its client is not installed; .ci/run installs both.
//
//	cd interop/testdata && npm ci && cd .. && go test -v .
package interop
