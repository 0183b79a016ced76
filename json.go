package tako

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// TEMPORARY: encoding/json stands in for the parse package (branch json) until it lands.

// jsonEnc is a per-Ctx encoder writing into a reused buffer, so encoding allocates nothing
// in steady state for types encoding/json has already seen.
type jsonEnc struct {
	buf bytes.Buffer
	enc *json.Encoder
}

// JSON writes v encoded as JSON (Content-Type application/json) with the current status.
// An encoding failure is returned as a 500 error before anything is sent.
func (c *Ctx) JSON(v any) error {
	if c.jenc == nil {
		c.jenc = &jsonEnc{}
		c.jenc.enc = json.NewEncoder(&c.jenc.buf)
		c.jenc.enc.SetEscapeHTML(false)
	}
	c.jenc.buf.Reset()
	if err := c.jenc.enc.Encode(v); err != nil {
		return &Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: encoding JSON response: %w", err)}
	}
	b := c.jenc.buf.Bytes()
	b = b[:len(b)-1] // Encode appends '\n'
	return c.send(mimeJSON, b, "")
}

// BindJSON decodes the JSON request body into v (a pointer). The body is read with Body, so
// Config.MaxBodyBytes applies (413). Malformed JSON or a value of the wrong type is a 400
// *Error whose detail names the problem and its byte offset.
func (c *Ctx) BindJSON(v any) error {
	b, err := c.Body()
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return &Error{Status: http.StatusBadRequest, Detail: "request body is empty; expected JSON"}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return jsonClientError(err)
	}
	return nil
}

// jsonClientError turns a JSON decoding error into a 400 *Error naming the byte offset.
func jsonClientError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("invalid JSON at byte offset %d: %s", se.Offset, se.Error()), Err: err}
	case errors.As(err, &te):
		return &Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("JSON value at byte offset %d: cannot use %s as %s for field %q", te.Offset, te.Value, te.Type, te.Field), Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Detail: "invalid JSON: " + err.Error(), Err: err}
}
