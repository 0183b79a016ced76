package h3

import (
	"net/http"
	"sync/atomic"
	"time"
)

// dateHeader is the Date response header value for one second, shared by the responses of
// that second. quic-go formats a Date for every response that has none; formatting it once
// a second instead saves that work and, on the deep call stacks of frameworks, the stack
// growth it causes in the fresh goroutine quic-go runs each request on (bench/h3: about a
// tenth of the server's CPU per request for a hello-world Tako App).
type dateHeader struct {
	unix int64
	v    []string // capacity 1: an Add copies, a Set replaces
}

var currentDate atomic.Pointer[dateHeader]

// date returns the Date header value for now.
func date(now time.Time) []string {
	sec := now.Unix()
	if d := currentDate.Load(); d != nil && d.unix == sec {
		return d.v
	}
	d := &dateHeader{unix: sec, v: []string{now.UTC().Format(http.TimeFormat)}}
	currentDate.Store(d)
	return d.v
}
