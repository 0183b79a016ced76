// Package playground adapts go-playground/validator to bind.Validator, so
// bind reports its failures like its own: one bind.FieldError per failing
// field, by wire name and location, inside a *bind.Errors.
//
// It is a separate module so that Tako's main module does not require
// go-playground/validator (and its dependencies) unless this adapter is
// used.
//
//	o := bind.Options{Validator: playground.New(nil)}
//	err := o.Bind(src, &in) // `validate` tags checked by go-playground/validator
package playground

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"

	"github.com/tako-go/tako/bind"
)

// Validator is a bind.Validator backed by go-playground/validator.
type Validator struct {
	v *validator.Validate
}

// New returns an adapter around v; nil means a new validator.Validate with
// WithRequiredStructEnabled. v's configuration (custom rules, tag name) is
// used as is.
func New(v *validator.Validate) *Validator {
	if v == nil {
		v = validator.New(validator.WithRequiredStructEnabled())
	}
	return &Validator{v: v}
}

// Validate implements bind.Validator: it runs v.Struct(target) and converts
// validator.ValidationErrors into a *bind.Errors whose fields carry the wire
// name and location bind binds them from (bind.WireName), the failed tag as
// Rule and its parameter as Param. Other errors are returned unchanged.
func (a *Validator) Validate(target any) error {
	err := a.v.Struct(target)
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	t := reflect.TypeOf(target)
	out := &bind.Errors{Fields: make([]bind.FieldError, 0, len(ves))}
	for _, fe := range ves {
		_, path, _ := strings.Cut(fe.StructNamespace(), ".")
		name, in, ok := bind.WireName(t, path)
		if !ok {
			name, in = fe.Field(), bind.InBody
		}
		out.Fields = append(out.Fields, bind.FieldError{
			Field:   name,
			In:      in,
			Rule:    fe.Tag(),
			Param:   fe.Param(),
			Message: message(fe),
			Err:     fe,
		})
	}
	return out
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be a valid email address"
	case "url":
		return "must be a valid URL"
	case "oneof":
		return "must be one of " + strings.Join(strings.Fields(fe.Param()), ", ")
	}
	if fe.Param() != "" {
		return "must satisfy " + fe.Tag() + "=" + fe.Param()
	}
	return "must satisfy " + fe.Tag()
}
