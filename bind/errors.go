package bind

import (
	"strconv"
	"strings"
)

// Rule names in [FieldError.Rule] that are not validation rules.
const (
	// RuleType: the value could not be converted to the field's type
	// ("x" for an int, a bad time, malformed JSON at a field).
	RuleType = "type"
	// RuleSyntax: the body is not well-formed (JSON syntax, form or
	// multipart syntax).
	RuleSyntax = "syntax"
	// RuleMediaType: the body's Content-Type is not one the target can
	// bind (a JSON target with a text/plain body).
	RuleMediaType = "media-type"
	// RuleSize: a multipart part is over its limit.
	RuleSize = "size"
)

// FieldError is one failing field: its wire name (the tag name, never the Go
// field name), where it came from, the rule that failed and a message.
type FieldError struct {
	// Field is the wire name: "user_id" for `query:"user_id"`, the dotted
	// JSON path ("address.zip") for body fields. Empty for a whole-body
	// error (syntax, media type).
	Field string
	// In is where the field comes from.
	In Location
	// Rule is the rule that failed: a validation rule ("required", "min",
	// "max", "len", "oneof", "pattern", "email", "url", ...) or RuleType,
	// RuleSyntax, RuleMediaType, RuleSize.
	Rule string
	// Param is the rule's parameter ("3" for min=3), if any.
	Param string
	// Message is a human-readable sentence for clients, without the field
	// name: `"x" is not an integer`, "is required", "must be at least 3
	// characters long".
	Message string
	// Err is the underlying error, if any (a strconv, time or JSON error).
	Err error
}

// Malformed reports whether the error is about malformed input (a type
// conversion, body syntax, media type or size: HTTP 400) rather than a
// validation rule that a well-formed value failed (HTTP 422).
func (e *FieldError) Malformed() bool {
	switch e.Rule {
	case RuleType, RuleSyntax, RuleMediaType, RuleSize:
		return true
	}
	return false
}

// Error returns `bind: query "page": "x" is not an integer`.
func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString("bind: ")
	e.write(&b)
	return b.String()
}

func (e *FieldError) write(b *strings.Builder) {
	b.WriteString(e.In.String())
	if e.Field != "" {
		b.WriteByte(' ')
		b.WriteString(strconv.Quote(e.Field))
	}
	b.WriteString(": ")
	b.WriteString(e.Message)
}

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }

// Errors is the error Bind returns for bad client input: every failing
// field, in struct order. A server renders it as a problem document with a
// field list: status 400 when [Errors.Malformed], 422 otherwise.
type Errors struct {
	Fields []FieldError
}

// Error lists every field: `bind: query "page": "x" is not an integer;
// body "email": is required`.
func (e *Errors) Error() string {
	var b strings.Builder
	b.WriteString("bind: ")
	for i := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		e.Fields[i].write(&b)
	}
	return b.String()
}

// Malformed reports whether any field error is about malformed input (see
// [FieldError.Malformed]): the request deserves a 400. When it is false
// every failure is a validation rule: 422.
func (e *Errors) Malformed() bool {
	for i := range e.Fields {
		if e.Fields[i].Malformed() {
			return true
		}
	}
	return false
}

// Unwrap returns the field errors, so errors.As finds a *FieldError.
func (e *Errors) Unwrap() []error {
	errs := make([]error, len(e.Fields))
	for i := range e.Fields {
		errs[i] = &e.Fields[i]
	}
	return errs
}

func (e *Errors) add(fe FieldError) {
	e.Fields = append(e.Fields, fe)
}
