package bind

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"

	"github.com/tako-go/tako/parse"
)

// multipart gets the multipart form: from a MultipartSource, or parsed here
// from the body. bind's own parse keeps every part in memory (the body is
// in memory already), so it never leaves temporary files behind.
func (b *binder) multipart(mt parse.MediaType) error {
	if ms, ok := b.src.(MultipartSource); ok {
		form, err := ms.MultipartForm()
		if err != nil {
			b.bodyBad = true
			b.errs = append(b.errs, FieldError{In: InForm, Rule: RuleSyntax, Message: "malformed multipart body: " + err.Error(), Err: err})
			return nil
		}
		b.mform, b.formKind = form, 2
		return nil
	}
	boundary := mt.Boundary()
	if boundary == "" {
		b.bodyBad = true
		b.errs = append(b.errs, FieldError{In: InForm, Rule: RuleMediaType, Message: "multipart/form-data without a boundary"})
		return nil
	}
	data, err := b.src.Body()
	if err != nil {
		return fmt.Errorf("bind: body: %w", err)
	}
	maxTotal, maxPart := b.o.MaxMultipartSize, b.o.MaxPartSize
	if maxTotal <= 0 {
		maxTotal = DefaultMaxMultipartSize
	}
	if maxPart <= 0 {
		maxPart = DefaultMaxPartSize
	}
	if int64(len(data)) > maxTotal {
		b.bodyBad = true
		b.errs = append(b.errs, FieldError{In: InForm, Rule: RuleSize, Param: fmt.Sprint(maxTotal),
			Message: fmt.Sprintf("multipart body of %d bytes is over the limit of %d", len(data), maxTotal)})
		return nil
	}
	// The whole body fits in maxMemory, so ReadForm keeps files in memory.
	form, err := multipart.NewReader(bytes.NewReader(data), boundary).ReadForm(int64(len(data)) + 1)
	if err != nil {
		b.bodyBad = true
		fe := FieldError{In: InForm, Rule: RuleSyntax, Message: "malformed multipart body: " + err.Error(), Err: err}
		if errors.Is(err, multipart.ErrMessageTooLarge) {
			fe.Rule = RuleSize
		}
		b.errs = append(b.errs, fe)
		return nil
	}
	for name, vs := range form.Value {
		for _, v := range vs {
			if int64(len(v)) > maxPart {
				b.errs = append(b.errs, FieldError{Field: name, In: InForm, Rule: RuleSize, Param: fmt.Sprint(maxPart),
					Message: fmt.Sprintf("part of %d bytes is over the limit of %d", len(v), maxPart)})
				delete(form.Value, name)
			}
		}
	}
	for name, fhs := range form.File {
		for _, fh := range fhs {
			if fh.Size > maxPart {
				b.errs = append(b.errs, FieldError{Field: name, In: InForm, Rule: RuleSize, Param: fmt.Sprint(maxPart),
					Message: fmt.Sprintf("file of %d bytes is over the limit of %d", fh.Size, maxPart)})
				delete(form.File, name)
				break
			}
		}
	}
	b.mform, b.formKind = form, 2
	return nil
}
