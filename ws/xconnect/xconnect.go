// Package xconnect turns on RFC 8441 extended CONNECT (WebSocket over
// HTTP/2) in Go's HTTP/2 server and client when imported for its side
// effect:
//
//	import _ "github.com/tako-go/tako/ws/xconnect"
//
// Go 1.26's net/http (and golang.org/x/net/http2) ship the server side
// off: the server does not send SETTINGS_ENABLE_CONNECT_PROTOCOL and
// resets any request carrying :protocol, because browsers that see the
// setting send their WebSockets over HTTP/2, which WebSocket packages that
// hijack HTTP/1.1 connections cannot answer (Go issue 71128). The switch is
// GODEBUG=http2xconnect=1, read from the environment once, when net/http
// is initialised; a //go:debug directive does not reach it.
//
// This package adds http2xconnect=1 to the GODEBUG environment variable in
// its init function, which runs before net/http's: package initialisation
// (Go 1.21 and later) takes packages in import-path order among those whose
// imports are ready, this package needs only os and strings, which net/http
// needs too, and "github.com/..." sorts before "golang.org/..." and
// "net/...". An explicit GODEBUG=http2xconnect=0 is left alone.
//
// Import it only if every WebSocket endpoint the process serves over
// HTTP/2 accepts RFC 8441 (ws.Upgrader.Upgrade does, and so does
// tako.Ctx.Upgrade on the net/http engine): a browser connected over
// HTTP/2 then opens every WebSocket to that origin as an extended CONNECT.
// Child processes inherit the variable.
package xconnect

import (
	"os"
	"strings"
)

// Setting is the GODEBUG setting this package adds.
const Setting = "http2xconnect=1"

func init() {
	g := os.Getenv("GODEBUG")
	if strings.Contains(g, "http2xconnect=") {
		return
	}
	if g != "" {
		g += ","
	}
	os.Setenv("GODEBUG", g+Setting)
}

// Enabled reports whether GODEBUG turns extended CONNECT on for this
// process (it does after importing this package, unless the environment
// said http2xconnect=0).
func Enabled() bool {
	return strings.Contains(os.Getenv("GODEBUG"), Setting)
}
