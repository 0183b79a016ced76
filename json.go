package tako

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tako-go/tako/parse"
)

// JSON writes v encoded as JSON (Content-Type application/json) with the current status,
// through Config.JSON's AppendJSON (package parse) into a buffer kept with the pooled Ctx.
// Pass a pointer: a struct value converted to an interface is copied to the heap. With
// Config.JSON.Mode parse.JSONNever a request that answers with JSON allocates nothing; see
// Config.JSON for the default. An encoding failure is returned as a 500 error
// before anything is sent.
func (c *Ctx) JSON(v any) error {
	b, err := c.app.cfg.JSON.AppendJSON(c.scratch[:0], v)
	if err != nil {
		return &Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: encoding JSON response: %w", err)}
	}
	c.scratch = b
	return c.send(mimeJSON, b, "")
}

// BindJSON decodes the JSON request body into v (a pointer) with Config.JSON's Unmarshal. The body is
// read with Body, so Config.MaxBodyBytes applies (413). Malformed JSON or a value of the
// wrong type is a 400 *Error whose detail names the problem and its byte offset. Decoded
// strings do not alias the request buffer unless Config.JSON.ZeroCopy is set.
func (c *Ctx) BindJSON(v any) error {
	b, err := c.Body()
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return &Error{Status: http.StatusBadRequest, Detail: "request body is empty; expected JSON"}
	}
	if err := c.app.cfg.JSON.Unmarshal(b, v); err != nil {
		return jsonClientError(err)
	}
	return nil
}

// jsonClientError turns a JSON decoding error into a 400 *Error naming the byte offset.
func jsonClientError(err error) error {
	var je *parse.JSONError
	if errors.As(err, &je) && je.Offset >= 0 {
		if je.Field != "" {
			return &Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("invalid JSON for field %q at byte offset %d", je.Field, je.Offset), Err: err}
		}
		return &Error{Status: http.StatusBadRequest, Detail: fmt.Sprintf("invalid JSON at byte offset %d: %v", je.Offset, je.Err), Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Detail: "invalid JSON: " + err.Error(), Err: err}
}
