package parse

import (
	"encoding/json"
	"errors"
	"io"
)

// JSONDecoder reads a stream of JSON values (concatenated or newline
// delimited) from an io.Reader. encoding/json's json.Decoder finds where
// each value ends (and so reports syntax errors exactly as json.Decoder
// does); the value is then decoded by the dispatcher. When the whole input
// is in memory, [Unmarshal] is faster: finding value boundaries is
// encoding/json-speed work.
type JSONDecoder struct {
	dec *json.Decoder
	cfg JSON
	raw json.RawMessage
}

// NewJSONDecoder returns a decoder reading from r with the default
// configuration.
func NewJSONDecoder(r io.Reader) *JSONDecoder {
	var c JSON
	return c.NewDecoder(r)
}

// NewDecoder returns a decoder reading from r with this configuration.
func (c JSON) NewDecoder(r io.Reader) *JSONDecoder {
	return &JSONDecoder{dec: json.NewDecoder(r), cfg: c}
}

// Decode reads the next JSON value and stores it in v, like
// json.Decoder.Decode. At the end of the input it returns io.EOF. Error
// offsets count from the start of the stream.
func (d *JSONDecoder) Decode(v any) error {
	d.raw = d.raw[:0]
	if err := d.dec.Decode(&d.raw); err != nil {
		if errors.Is(err, io.EOF) {
			return err
		}
		return jsonWrapError(err)
	}
	err := d.cfg.Unmarshal(d.raw, v)
	var je *JSONError
	if errors.As(err, &je) && je.Offset >= 0 {
		je.Offset += d.dec.InputOffset() - int64(len(d.raw))
	}
	return err
}

// More reports whether there is another value in the stream.
func (d *JSONDecoder) More() bool { return d.dec.More() }

// InputOffset returns the offset in the stream just after the last value
// decoded.
func (d *JSONDecoder) InputOffset() int64 { return d.dec.InputOffset() }
