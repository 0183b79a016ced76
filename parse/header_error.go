package parse

import "strconv"

// HeaderError reports malformed header input: which grammar, what was
// wrong and the byte offset into the header value where it was found.
// Iterators build one only when their Err method is called, so the happy
// path never allocates.
type HeaderError struct {
	Header string // grammar, such as "accept" or "range"
	Offset int    // byte offset into the header value
	Reason string // what was wrong
}

// Error implements error: "parse: accept: bad weight at offset 12".
func (e *HeaderError) Error() string {
	return "parse: " + e.Header + ": " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// httpErrState is the first syntax error an iterator met, kept as plain
// fields so that recording it allocates nothing.
type httpErrState struct {
	reason string
	off    int
}

func (e *httpErrState) set(reason string, off int) {
	if e.reason == "" {
		e.reason, e.off = reason, off
	}
}

func (e *httpErrState) err(header string) error {
	if e.reason == "" {
		return nil
	}
	return &HeaderError{Header: header, Offset: e.off, Reason: e.reason}
}
