package tako

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tako-go/tako/parse"
)

// Error is an error that carries an HTTP status. Return one from a handler to choose the
// response status; the error handler renders it (by default as RFC 9457
// application/problem+json, see DefaultErrorHandler).
//
// Title defaults to the status text (http.StatusText) and Detail to Err's message when
// empty. Detail is shown to the client, so it must not leak internals; Err is for logs and
// errors.Is/As.
type Error struct {
	Status int    // HTTP status code, 400..599
	Title  string // short, human-readable summary; defaults to http.StatusText(Status)
	Detail string // explanation specific to this occurrence, shown to the client
	Type   string // problem type URI; "about:blank" when empty
	Err    error  // underlying cause, not shown to the client for 5xx statuses
}

// NewError returns an *Error with the given status and client-facing detail message.
func NewError(status int, detail string) *Error {
	return &Error{Status: status, Detail: detail}
}

// Errorf returns an *Error with the given status and a formatted detail message. If the
// arguments contain an error (%w), it becomes Err.
func Errorf(status int, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Status: status, Detail: err.Error(), Err: errors.Unwrap(err)}
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Detail
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if msg == "" {
		msg = e.title()
	}
	return fmt.Sprintf("tako: %d: %s", e.Status, msg)
}

// Unwrap returns the underlying cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

func (e *Error) title() string {
	if e.Title != "" {
		return e.Title
	}
	if t := http.StatusText(e.Status); t != "" {
		return t
	}
	return "Error"
}

// Sentinel errors that the framework returns from Ctx methods; each is an *Error with a 4xx
// status, so the default error handler answers them correctly.
var (
	// ErrBodyTooLarge is returned by Ctx.Body (and the JSON binder) when the request body is
	// larger than Config.MaxBodyBytes. It renders as 413.
	ErrBodyTooLarge = &Error{Status: http.StatusRequestEntityTooLarge, Detail: "request body is larger than the server's limit"}
	// ErrNotFound renders as 404; the default not-found handler returns it.
	ErrNotFound = &Error{Status: http.StatusNotFound, Detail: "no route matches the request path"}
	// ErrMethodNotAllowed renders as 405; the default method-not-allowed handler returns it
	// after setting the Allow header.
	ErrMethodNotAllowed = &Error{Status: http.StatusMethodNotAllowed, Detail: "the route does not accept this method"}
)

// StatusOf returns the HTTP status that err renders with under DefaultErrorHandler: the
// Status of the first *Error in its chain, 400 for a JSON decoding error from package
// parse, 500 for anything else, and 200 for nil. Logging middleware uses it to report the
// status of a request whose handler returned an error.
func StatusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	s, _ := statusOf(err)
	return s
}

// statusOf returns the status an error renders with: the Status of the first *Error in its
// chain, 400 for a JSON decoding error from package parse (returned unwrapped by a handler
// that called parse.Unmarshal itself), or 500.
func statusOf(err error) (int, *Error) {
	var te *Error
	if errors.As(err, &te) && te.Status >= 400 && te.Status <= 599 {
		return te.Status, te
	}
	var je *parse.JSONError
	if errors.As(err, &je) && je.Offset >= 0 {
		errors.As(jsonClientError(err), &te)
		return te.Status, te
	}
	return http.StatusInternalServerError, nil
}
