package sse

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// SetHeaders sets the response headers of an event stream: the
// text/event-stream content type, no caching, and X-Accel-Buffering: no so
// nginx-style proxies pass events through at once.
func SetHeaders(h http.Header) {
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	h.Del("Content-Length")
}

// LastEventID returns the Last-Event-ID a reconnecting EventSource sends
// (the header; for clients that cannot set headers, the lastEventId query
// parameter as a fallback).
func LastEventID(r *http.Request) string {
	if v := r.Header.Get("Last-Event-ID"); v != "" {
		return v
	}
	return r.URL.Query().Get("lastEventId")
}

// Writer writes an event stream to an http.ResponseWriter, flushing after
// every event. It reuses one encoding buffer: Send allocates nothing once
// the buffer has grown to the largest event.
type Writer struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	buf     []byte
	timeout time.Duration
}

// NewWriter sets the stream headers, sends the 200 status and flushes, so
// the client sees the stream open at once. It fails when w cannot flush.
// A non-zero writeTimeout bounds every Send (through
// http.ResponseController.SetWriteDeadline, where the server supports it).
func NewWriter(w http.ResponseWriter, writeTimeout time.Duration) (*Writer, error) {
	rc := http.NewResponseController(w)
	SetHeaders(w.Header())
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return nil, fmt.Errorf("sse: response writer cannot flush: %w", err)
	}
	return &Writer{w: w, rc: rc, timeout: writeTimeout}, nil
}

// Send writes one event and flushes it.
func (w *Writer) Send(e *Event) error {
	w.buf = AppendEvent(w.buf[:0], e)
	return w.WriteRaw(w.buf)
}

// Heartbeat writes a comment line (ignored by clients) and flushes.
func (w *Writer) Heartbeat() error { return w.writeString(heartbeat) }

func (w *Writer) writeString(s string) error {
	w.buf = append(w.buf[:0], s...)
	return w.WriteRaw(w.buf)
}

// WriteRaw writes bytes already in event stream form (as a [Hub] encodes
// them) and flushes.
func (w *Writer) WriteRaw(p []byte) error {
	if w.timeout > 0 {
		if err := w.rc.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
	}
	if _, err := w.w.Write(p); err != nil {
		return err
	}
	return w.rc.Flush()
}
