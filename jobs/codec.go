package jobs

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Codec turns a handler's argument type into a job payload and back.
type Codec[T any] interface {
	// Append appends the encoding of v to dst.
	Append(dst []byte, v T) ([]byte, error)
	// Decode decodes data into v. data is only valid during the call.
	Decode(data []byte, v *T) error
}

// JSON is the default codec: encoding/json.
type JSON[T any] struct{}

// Append implements Codec.
func (JSON[T]) Append(dst []byte, v T) ([]byte, error) {
	b := bytes.NewBuffer(dst)
	if err := json.NewEncoder(b).Encode(v); err != nil {
		return dst, fmt.Errorf("jobs: encode %T: %w", v, err)
	}
	out := b.Bytes()
	if n := len(out); n > 0 && out[n-1] == '\n' {
		out = out[:n-1]
	}
	return out, nil
}

// Decode implements Codec.
func (JSON[T]) Decode(data []byte, v *T) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("jobs: decode %T: %w", *v, err)
	}
	return nil
}

// Bytes is the identity codec for []byte arguments: the handler gets the
// payload itself, valid until it returns. It does no work and allocates
// nothing, for callers that encode their own arguments.
type Bytes struct{}

// Append implements Codec.
func (Bytes) Append(dst []byte, v []byte) ([]byte, error) { return append(dst, v...), nil }

// Decode implements Codec.
func (Bytes) Decode(data []byte, v *[]byte) error { *v = data; return nil }
