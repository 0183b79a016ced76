package h3

import (
	"net/http"
	"sync"
	"time"

	"github.com/quic-go/quic-go/http3"
	"golang.org/x/net/http/httpguts"
)

// responseWriter wraps quic-go's response writer to drop invalid header fields before the
// header is sent, as net/http's HTTP/2 server does: quic-go encodes a value holding CR or
// LF as it is, and clients then reject the whole response. It forwards the interfaces of
// quic-go's writer (http.Flusher, http3.HTTPStreamer, http3.Settingser, deadlines for
// http.ResponseController).
type responseWriter struct {
	w    http.ResponseWriter
	sent bool // the final header has been written
}

var rwPool = sync.Pool{New: func() any { return new(responseWriter) }}

// scrub drops header fields with an invalid name or value.
func (rw *responseWriter) scrub() {
	h := rw.w.Header()
	for k, vs := range h {
		if !httpguts.ValidHeaderFieldName(k) {
			delete(h, k)
			continue
		}
		dropped := false
		for i := 0; i < len(vs); i++ {
			if !httpguts.ValidHeaderFieldValue(vs[i]) {
				vs = append(vs[:i:i], vs[i+1:]...) // copy: the slice may be shared
				i--
				dropped = true
			}
		}
		switch {
		case !dropped:
			// A key with no values stays: it suppresses a default (Date: nil).
		case len(vs) == 0:
			delete(h, k)
		default:
			h[k] = vs
		}
	}
}

func (rw *responseWriter) Header() http.Header { return rw.w.Header() }

func (rw *responseWriter) WriteHeader(code int) {
	if !rw.sent {
		rw.scrub()
		rw.sent = code >= 200
	}
	rw.w.WriteHeader(code)
}

func (rw *responseWriter) Write(p []byte) (int, error) {
	if !rw.sent {
		rw.scrub()
		rw.sent = true
	}
	return rw.w.Write(p)
}

func (rw *responseWriter) Flush() {
	if !rw.sent {
		rw.scrub()
		rw.sent = true
	}
	rw.w.(http.Flusher).Flush()
}

// Unwrap returns quic-go's writer, for http.ResponseController.
func (rw *responseWriter) Unwrap() http.ResponseWriter { return rw.w }

// HTTPStream takes over the request stream (http3.HTTPStreamer).
func (rw *responseWriter) HTTPStream() *http3.Stream {
	return rw.w.(http3.HTTPStreamer).HTTPStream()
}

// ReceivedSettings is closed once the client's SETTINGS frame has arrived
// (http3.Settingser).
func (rw *responseWriter) ReceivedSettings() <-chan struct{} {
	return rw.w.(http3.Settingser).ReceivedSettings()
}

// Settings returns the client's SETTINGS (http3.Settingser).
func (rw *responseWriter) Settings() *http3.Settings { return rw.w.(http3.Settingser).Settings() }

// SetReadDeadline sets the deadline for reading the request body.
func (rw *responseWriter) SetReadDeadline(t time.Time) error {
	return http.NewResponseController(rw.w).SetReadDeadline(t)
}

// SetWriteDeadline sets the deadline for writing the response.
func (rw *responseWriter) SetWriteDeadline(t time.Time) error {
	return http.NewResponseController(rw.w).SetWriteDeadline(t)
}
