package tako

import (
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"unicode/utf8"
)

// DefaultErrorHandler renders err as an RFC 9457 problem document
// (Content-Type application/problem+json):
//
//	{"type":"about:blank","title":"Not Found","status":404,"detail":"no route matches the request path"}
//
// The status comes from the first *Error in err's chain (errors.As); malformed JSON given to
// BindJSON is a 400 naming the byte offset; anything else is a 500 whose detail is not shown
// to the client. Errors with a 5xx status are logged with Config.Logger. If the response was
// already sent (a stream had begun), the error is only logged.
func DefaultErrorHandler(c *Ctx, err error) {
	status, te := statusOf(err)
	var pe panicError
	if status >= 500 && !errors.As(err, &pe) {
		c.app.cfg.Logger.Error("tako: handler error", "method", c.Method(), "path", c.Path(),
			"route", c.Route(), "status", status, "err", err)
	}
	if c.Committed() {
		if status < 500 {
			c.app.cfg.Logger.Warn("tako: error after the response was sent", "path", c.Path(), "err", err)
		}
		return
	}
	title, detail, typ := http.StatusText(status), "", ""
	if te != nil {
		title, detail, typ = te.title(), te.Detail, te.Type
		if detail == "" && status < 500 && te.Err != nil {
			detail = te.Err.Error()
		}
	}
	c.WriteProblem(status, typ, title, detail)
}

// WriteProblem writes an RFC 9457 problem+json response. typ defaults to "about:blank";
// empty title and detail are omitted.
func (c *Ctx) WriteProblem(status int, typ, title, detail string) {
	c.resetResponse()
	if typ == "" {
		typ = "about:blank"
	}
	b := append(c.scratch[:0], `{"type":`...)
	b = appendJSONString(b, typ)
	if title != "" {
		b = append(b, `,"title":`...)
		b = appendJSONString(b, title)
	}
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	if detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, detail)
	}
	b = append(b, '}')
	c.scratch = b
	c.status = status
	_ = c.send(mimeProblem, b, "")
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal, escaping what RFC 8259 requires
// plus <, >, & (as encoding/json does) and replacing invalid UTF-8 with U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		ch := s[i]
		if ch < utf8.RuneSelf {
			switch {
			case ch == '"' || ch == '\\':
				b = append(b, '\\', ch)
			case ch == '\n':
				b = append(b, '\\', 'n')
			case ch == '\r':
				b = append(b, '\\', 'r')
			case ch == '\t':
				b = append(b, '\\', 't')
			case ch < 0x20 || ch == '<' || ch == '>' || ch == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[ch>>4], hexDigits[ch&0xF])
			default:
				b = append(b, ch)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// panicError is the cause of the 500 answered for a recovered panic; it is logged (with the
// stack) where it is recovered, not again by DefaultErrorHandler.
type panicError struct{ val any }

func (p panicError) Error() string { return fmt.Sprintf("panic: %v", p.val) }

// recovered handles a panic from a handler: logged with its stack, answered with 500.
func (a *App) recovered(c *Ctx, rec any) {
	if rec == http.ErrAbortHandler && c.engine == NetHTTP {
		panic(rec) // net/http's way to abort a response; let the server do it
	}
	a.cfg.Logger.Error("tako: panic in handler", "method", c.Method(), "path", c.Path(),
		"route", c.Route(), "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
	err := &Error{Status: http.StatusInternalServerError, Err: panicError{rec}}
	if c.Committed() {
		return
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				a.cfg.Logger.Error("tako: panic in error handler", "panic", fmt.Sprint(r))
				c.WriteProblem(http.StatusInternalServerError, "", "Internal Server Error", "")
			}
		}()
		a.cfg.ErrorHandler(c, err)
	}()
}
