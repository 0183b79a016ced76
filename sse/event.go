package sse

import (
	"bytes"
	"strconv"
	"strings"
	"time"
)

// Event is one server-sent event. The zero value of each field leaves the
// field out of the stream.
type Event struct {
	// ID sets the client's last event ID (sent back as Last-Event-ID when it
	// reconnects). CR, LF and NUL are removed: they would end the field or
	// make the client ignore it.
	ID string
	// Event is the event type (the EventSource listener name); "" means
	// "message". CR and LF are removed.
	Event string
	// Data is the payload. It may hold any number of lines, separated by
	// CR, LF or CRLF: each becomes its own "data:" field and the client
	// joins them with LF. An event with empty Data is not dispatched by
	// clients (only its ID and retry take effect).
	Data []byte
	// Retry sets the client's reconnection delay (rounded down to
	// milliseconds); 0 leaves it unchanged.
	Retry time.Duration
	// Comment is sent as comment lines (": ..."), ignored by clients.
	Comment string
}

// appendField appends "name: value\n" with CR, LF (and NUL when dropNUL) removed
// from value, so a value cannot start a new field.
func appendField(dst []byte, name, value string, dropNUL bool) []byte {
	dst = append(dst, name...)
	dst = append(dst, ": "...)
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' || (dropNUL && c == 0) {
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, '\n')
}

// appendLines appends one "prefix line\n" per line of v, splitting on CR,
// LF and CRLF as the event stream parser does.
func appendLines(dst []byte, prefix string, v []byte) []byte {
	for {
		i := bytes.IndexAny(v, "\r\n")
		if i < 0 {
			break
		}
		dst = append(dst, prefix...)
		dst = append(dst, v[:i]...)
		dst = append(dst, '\n')
		if v[i] == '\r' && i+1 < len(v) && v[i+1] == '\n' {
			i++
		}
		v = v[i+1:]
	}
	dst = append(dst, prefix...)
	dst = append(dst, v...)
	return append(dst, '\n')
}

// appendCommentLines is appendLines for the comment string.
func appendCommentLines(dst []byte, v string) []byte {
	for {
		i := strings.IndexAny(v, "\r\n")
		if i < 0 {
			break
		}
		dst = append(dst, ": "...)
		dst = append(dst, v[:i]...)
		dst = append(dst, '\n')
		if v[i] == '\r' && i+1 < len(v) && v[i+1] == '\n' {
			i++
		}
		v = v[i+1:]
	}
	dst = append(dst, ": "...)
	dst = append(dst, v...)
	return append(dst, '\n')
}

// AppendEvent appends the wire form of e, ending with the blank line that
// dispatches it, to dst. It allocates only to grow dst.
func AppendEvent(dst []byte, e *Event) []byte {
	if e.Comment != "" {
		dst = appendCommentLines(dst, e.Comment)
	}
	if e.ID != "" {
		dst = appendField(dst, "id", e.ID, true)
	}
	if e.Event != "" {
		dst = appendField(dst, "event", e.Event, false)
	}
	if e.Retry > 0 {
		dst = append(dst, "retry: "...)
		dst = strconv.AppendInt(dst, e.Retry.Milliseconds(), 10)
		dst = append(dst, '\n')
	}
	if len(e.Data) > 0 {
		dst = appendLines(dst, "data: ", e.Data)
	}
	return append(dst, '\n')
}

// heartbeat is a comment and a blank line: it keeps proxies from timing the
// stream out and lets the server notice a dead client, and clients ignore it.
const heartbeat = ":\n\n"
