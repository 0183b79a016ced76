package sse

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"strings"
)

// received is an event as an EventSource dispatches it.
type received struct {
	typ, data, lastID string
	retry             int // -1 when not set
}

// streamParser implements the HTML Living Standard's event stream
// interpretation (section 9.2.6), to check what a browser would see.
type streamParser struct {
	r                 *bufio.Reader
	typ, data, lastID string
	retry             int
	pendingCR         bool
}

func newStreamParser(r io.Reader) *streamParser {
	return &streamParser{r: bufio.NewReader(r), retry: -1}
}

// line reads one line ending in CRLF, LF or CR.
func (p *streamParser) line() (string, error) {
	var b []byte
	for {
		if p.pendingCR {
			p.pendingCR = false
			if c, err := p.r.Peek(1); err == nil && c[0] == '\n' {
				p.r.ReadByte()
			}
		}
		if _, err := p.r.Peek(1); err != nil {
			return string(b), err
		}
		buf, _ := p.r.Peek(p.r.Buffered())
		i := bytes.IndexAny(buf, "\r\n")
		if i < 0 {
			b = append(b, buf...)
			p.r.Discard(len(buf))
			continue
		}
		b = append(b, buf[:i]...)
		p.pendingCR = buf[i] == '\r'
		p.r.Discard(i + 1)
		return string(b), nil
	}
}

// next returns the next dispatched event.
func (p *streamParser) next() (received, error) {
	for {
		l, err := p.line()
		if err != nil {
			return received{}, err
		}
		if l == "" {
			if p.data == "" {
				p.typ = ""
				continue
			}
			ev := received{typ: p.typ, data: strings.TrimSuffix(p.data, "\n"), lastID: p.lastID, retry: p.retry}
			if ev.typ == "" {
				ev.typ = "message"
			}
			p.typ, p.data = "", ""
			return ev, nil
		}
		if l[0] == ':' {
			continue
		}
		field, value, _ := strings.Cut(l, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			p.typ = value
		case "data":
			p.data += value + "\n"
		case "id":
			if !strings.Contains(value, "\x00") {
				p.lastID = value
			}
		case "retry":
			if n, err := strconv.Atoi(value); err == nil && n >= 0 && !strings.ContainsAny(value, "+-") {
				p.retry = n
			}
		}
	}
}
