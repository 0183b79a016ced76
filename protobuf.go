package tako

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tako-go/tako/parse"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Protocol Buffers bodies (google.golang.org/protobuf), binary wire format.

// MIMEProtobuf is the content type Proto writes. BindProto also accepts
// "application/protobuf" (the IANA-registered name) and "application/vnd.google.protobuf".
const MIMEProtobuf = "application/x-protobuf"

// BindProto decodes the protobuf request body into m. The body is read with Body, so
// Config.MaxBodyBytes applies (413). A Content-Type other than application/x-protobuf,
// application/protobuf or application/vnd.google.protobuf is a 415 *Error; a body that is
// not a valid encoding of m (or lacks its required fields, for proto2) is a 400 *Error.
// Decoded strings and bytes are copies: m may be kept.
func (c *Ctx) BindProto(m proto.Message) error {
	mt, err := parse.ParseMediaType(c.Header("Content-Type"))
	if err != nil || !isProtobufType(mt) {
		return &Error{Status: http.StatusUnsupportedMediaType, Detail: "expected an application/x-protobuf body"}
	}
	b, err := c.Body()
	if err != nil {
		return err
	}
	if err := (proto.UnmarshalOptions{}).Unmarshal(b, m); err != nil {
		return &Error{Status: http.StatusBadRequest, Detail: "invalid protobuf body: " + err.Error(), Err: err}
	}
	return nil
}

func isProtobufType(mt parse.MediaType) bool {
	return mt.Is("application/x-protobuf") || mt.Is("application/protobuf") ||
		mt.Is("application/vnd.google.protobuf")
}

// Proto writes m in the protobuf binary format (Content-Type application/x-protobuf) with
// the current status, encoded into a buffer kept with the pooled Ctx. An encoding failure
// is returned as a 500 error before anything is sent.
func (c *Ctx) Proto(m proto.Message) error {
	b, err := (proto.MarshalOptions{}).MarshalAppend(c.scratch[:0], m)
	if err != nil {
		return &Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: encoding protobuf response: %w", err)}
	}
	c.scratch = b
	return c.send(MIMEProtobuf, b, "")
}

// bindProtoOrJSON decodes m from a protobuf body, or from a JSON body with protojson
// (unknown fields rejected), by Content-Type.
func (c *Ctx) bindProtoOrJSON(m proto.Message) error {
	mt, err := parse.ParseMediaType(c.Header("Content-Type"))
	if err == nil && isProtobufType(mt) {
		return c.BindProto(m)
	}
	if c.Header("Content-Type") != "" && (err != nil || !(mt.Is(mimeJSON) || parse.EqualFold(mt.Subtype, "json") ||
		strings.HasSuffix(strings.ToLower(mt.Subtype), "+json"))) {
		return &Error{Status: http.StatusUnsupportedMediaType, Detail: "expected an application/x-protobuf or application/json body"}
	}
	b, err := c.Body()
	if err != nil {
		return err
	}
	if err := protojson.Unmarshal(b, m); err != nil {
		return &Error{Status: http.StatusBadRequest, Detail: "invalid JSON body: " + err.Error(), Err: err}
	}
	return nil
}

// protoOfferings are the representations of a protobuf response, JSON first (the default).
var protoOfferings = []string{mimeJSON, MIMEProtobuf, "application/protobuf"}

// protoOrJSON writes m as protobuf when the request's Accept prefers it, else as protojson.
func (c *Ctx) protoOrJSON(m proto.Message) error {
	if best, _ := c.Negotiate(protoOfferings...); best != mimeJSON {
		return c.Proto(m)
	}
	b, err := protojson.MarshalOptions{}.MarshalAppend(c.scratch[:0], m)
	if err != nil {
		return &Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: encoding protobuf response as JSON: %w", err)}
	}
	c.scratch = b
	return c.send(mimeJSON, b, "")
}
