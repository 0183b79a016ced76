// Package ws implements WebSocket (RFC 6455) servers and clients with
// permessage-deflate (RFC 7692), zero allocations per message on the
// uncompressed path.
//
//	var up ws.Upgrader // zero value: same-origin check, no compression
//
//	http.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
//		c, err := up.Upgrade(w, r) // a bad handshake is answered for you
//		if err != nil {
//			return
//		}
//		defer c.Close()
//		var buf []byte
//		for {
//			op, msg, err := c.AppendMessage(buf[:0]) // reuses buf: no allocation
//			if err != nil {
//				return // *ws.CloseError when the peer closed
//			}
//			buf = msg
//			if err := c.WriteMessage(op, msg); err != nil {
//				return
//			}
//		}
//	})
//
// # Layers
//
// Like gobwas/ws, the package has layers usable alone:
//
//   - frames: [Header], [ParseHeader], [ReadHeader], [AppendHeader],
//     [WriteHeader], [Cipher] (masking), [AppendClosePayload],
//     [ParseClosePayload]. No state, no buffers: for proxies and tools that
//     handle frames themselves.
//   - handshake: [Request] with [Request.Check], [ParseRequest] for raw
//     connections, [AcceptKey], [SameOrigin]; [Upgrader] answers it from a
//     net/http handler ([Upgrader.Upgrade], hijacking through
//     http.ResponseController), from a fasthttp handler
//     ([Upgrader.UpgradeFastHTTP], through ctx.Hijack) or from a raw
//     net.Conn ([Upgrader.UpgradeConn]); [Dialer] is the client.
//   - connection: [Conn] with a streaming API ([Conn.NextReader],
//     [Conn.NextWriter]) and a message API ([Conn.AppendMessage],
//     [Conn.ReadMessage], [Conn.WriteMessage]), control frames
//     ([Conn.Ping], [Conn.WriteControl], [Conn.WriteClose]), and
//     [PreparedMessage] for broadcasts (framed once, written as-is by every
//     uncompressed server connection).
//
// # What a Conn enforces
//
// Reading validates everything RFC 6455 asks a receiver to validate and
// fails the connection (close frame with the matching code, then the
// transport is closed) on the first violation: masking direction, reserved
// bits (RSV1 only on the first frame of a data message when
// permessage-deflate was negotiated), reserved opcodes, control frames
// fragmented or over 125 bytes, continuation frames outside a message and
// data frames inside one, non-minimal or 64-bit-MSB lengths (1002); text
// that is not UTF-8 (1007), checked incrementally so an invalid byte fails
// the connection as soon as it arrives, even mid-message and mid-sequence;
// frames or messages over their limits (1009); close frames with a 1-byte
// payload, a code not allowed on the wire or a non-UTF-8 reason (1002).
// Pings are answered with pongs by the reading goroutine, between fragments
// of a message too; a close frame is echoed with its code and the transport
// is closed (the server closes first, RFC 6455 section 7.1.1). The conformance
// tests in conformance_test.go mirror the Autobahn TestSuite's server case
// groups 1-7, 9 and 12 against a raw-frame client.
//
// Limits have safe defaults and knobs in [Options]: MaxMessageSize (16 MiB,
// checked before any payload is read, and against the decompressed size
// for compressed messages, so a deflate bomb stops at the limit),
// MaxFrameSize (the message limit by default), buffer sizes (4 KiB).
// Deadlines are the net.Conn's ([Conn.SetReadDeadline],
// [Conn.SetWriteDeadline]); control frames sent by the Conn itself carry
// their own short deadline.
//
// # Concurrency
//
// One goroutine reads. Any number of goroutines write: every write takes
// the Conn's write mutex, so messages never interleave on the wire; a
// writer from NextWriter holds it until Close, so an automatic pong waits
// for a streamed message to end: keep streamed messages short-lived.
//
// # Zero copy, zero allocations
//
// The read and write buffers come from a [pool.Bytes] and go back to it
// when the connection ends. A frame is parsed in place in the read buffer;
// payload is copied once, from the read buffer (or straight from the
// socket for reads larger than the buffer) into the caller's slice, and
// unmasked there by [Cipher], which XORs eight bytes at a time with the key
// rotated to the frame offset (24-35x the byte loop at 1 KiB, see
// BenchmarkCipher). A server writes a message that fits the write buffer
// with one Write call (header and payload together) and a larger one as a
// header write followed by the caller's slice, uncopied. A client masks into
// the write buffer chunk by chunk, so the caller's slice is never modified.
// TestEchoAllocs proves 0 allocations per echoed message for both APIs.
//
// # Compression
//
// permessage-deflate is negotiated when [Upgrader.Compression] (or
// [Dialer.Compression]) is set: the first acceptable offer wins; offers
// with unknown, repeated or out-of-range parameters are declined, not
// failed. server_max_window_bits is honoured with klauspost/compress's
// custom-window writer; client_max_window_bits is echoed (the reader
// decodes any window). With context takeover the compressor lives for the
// connection and the decompressor keeps the last 32 KiB of output as its
// dictionary; with no_context_takeover, compressors and decompressors come
// from pools per message. Messages under MinSize (128 bytes) are sent
// uncompressed. The flate source is buffered inside the connection's
// deflate state, so flate does not wrap it in a new bufio.Reader per
// message; TestEchoAllocsDeflate proves 0 allocations per compressed 1 KiB
// echo (no context takeover, pooled compressors), and BenchmarkEchoTCP
// shows 0 allocs/op with context takeover too.
//
// # WebSocket over HTTP/2
//
// [Upgrader.Upgrade] also answers RFC 8441's extended CONNECT, the
// WebSocket handshake over HTTP/2: a CONNECT request with the :protocol
// pseudo-header "websocket" (net/http passes it in r.Header[":protocol"];
// [Request.ConnectProtocol] holds it) and Sec-WebSocket-Version 13, with
// no Sec-WebSocket-Key. It is answered with 200 and the negotiated
// Sec-WebSocket-Protocol and Sec-WebSocket-Extensions, and the Conn then
// runs on that one stream: frames from the client are read from the
// request body, frames to it are written to the ResponseWriter and flushed
// at once, deadlines go through http.ResponseController (the server's
// ReadTimeout and WriteTimeout are cleared, as for a hijacked HTTP/1.1
// connection). Framing and masking are RFC 6455's unchanged. Unlike a
// hijacked connection, the stream ends when the handler returns: use the
// Conn inside the handler and Close it before returning. Writes from other
// goroutines after Close fail with net.ErrClosed instead of reaching
// net/http; a write stuck on HTTP/2 flow control makes Close reset the
// stream after a second. The Conn allocates nothing per message here either;
// net/http's HTTP/2 server allocates once per DATA frame it reads and once
// per frame it writes (BenchmarkEchoHTTP2: a 16-byte echo is 3 allocations
// in all, client included, all in net/http and golang.org/x/net).
//
// Go 1.26's HTTP/2 server has extended CONNECT off unless the process
// starts with GODEBUG=http2xconnect=1 (Go issue 71128): without it the
// server does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL and resets
// such requests before any handler runs, so clients fall back to
// HTTP/1.1. Importing [github.com/tako-go/tako/ws/xconnect] for its side
// effect sets it from inside the program.
//
// [Dialer.DialHTTP2] is the client side, over golang.org/x/net/http2's
// Transport (net/http's Transport does not pass :protocol on in Go 1.26).
//
// # Not here yet
//
// The client sends compressed messages and reads them; it does not honour a
// server's client_max_window_bits below 15 beyond passing it to the
// custom-window writer.
package ws
