package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unsafe"

	"github.com/bytedance/sonic/ast"
)

// ErrJSONNotFound is wrapped by the error GetJSON returns when the path does
// not exist in the document.
var ErrJSONNotFound = errors.New("parse: json: path not found")

// GetJSON returns the raw JSON text of the value at path in data, without
// decoding the rest of the document. Each path element is a string (an
// object key, matched exactly) or an int (an array index). The result is a
// sub-slice of data: valid as long as data is, and decodable with
// [Unmarshal].
//
// GetJSON is lazy: it reads data only as far as the value, skipping
// sibling values by their structure, so it is not a validator — bytes after
// the value are not looked at, and skipped values are only checked for
// structure. Call [ValidJSON] first when the whole document must be valid.
// If a key repeats, the first occurrence is used (json.Unmarshal keeps the
// last one). A missing path gives an error wrapping [ErrJSONNotFound].
func GetJSON(data []byte, path ...any) ([]byte, error) {
	var c JSON
	return c.Get(data, path...)
}

// Get returns the raw value at path in data; see [GetJSON]. Mode JSONNever
// walks the document with encoding/json's tokenizer instead of sonic's
// searcher.
func (c JSON) Get(data []byte, path ...any) ([]byte, error) {
	for _, p := range path {
		switch p.(type) {
		case string, int:
		default:
			return nil, &JSONError{Offset: -1, Err: fmt.Errorf("json: path element %v (%T) is neither string nor int", p, p)}
		}
	}
	if jsonSonicNative && c.Mode != JSONNever && len(data) > 0 {
		if raw, ok := jsonSonicGet(data, path); ok {
			return raw, nil
		}
		// Not found, or broken JSON: encoding/json names the error and its
		// offset.
	}
	return jsonStdGet(data, path)
}

// jsonSonicGet finds path with sonic's searcher, which skips values with
// vectorised native code.
func jsonSonicGet(data []byte, path []any) ([]byte, bool) {
	s := ast.NewSearcher(unsafe.String(unsafe.SliceData(data), len(data)))
	n, err := s.GetByPath(path...)
	if err != nil {
		return nil, false
	}
	raw, err := n.Raw()
	if err != nil || len(raw) == 0 {
		return nil, false
	}
	// raw points into data (GetByPath does not copy); turn it back into a
	// sub-slice. Anything else (a copy) is returned as the copy.
	base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	p := uintptr(unsafe.Pointer(unsafe.StringData(raw)))
	if p >= base && p+uintptr(len(raw)) <= base+uintptr(len(data)) {
		off := int(p - base)
		return data[off : off+len(raw) : off+len(raw)], true
	}
	return []byte(raw), true
}

// jsonStdGet walks data with encoding/json's tokenizer. It is the portable
// fallback and the source of positioned errors.
func jsonStdGet(data []byte, path []any) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	for depth, p := range path {
		tok, err := d.Token()
		if err != nil {
			return nil, jsonGetError(err, d)
		}
		switch want := p.(type) {
		case string:
			if tok != json.Delim('{') {
				return nil, jsonNotFound(path[:depth+1])
			}
			for {
				k, err := d.Token()
				if err != nil {
					return nil, jsonGetError(err, d)
				}
				if k == json.Delim('}') {
					return nil, jsonNotFound(path[:depth+1])
				}
				if k.(string) == want {
					break
				}
				if err := jsonStdSkip(d); err != nil {
					return nil, err
				}
			}
		case int:
			if tok != json.Delim('[') {
				return nil, jsonNotFound(path[:depth+1])
			}
			for i := 0; ; i++ {
				if !d.More() {
					return nil, jsonNotFound(path[:depth+1])
				}
				if i == want {
					break
				}
				if err := jsonStdSkip(d); err != nil {
					return nil, err
				}
			}
		}
	}
	var raw json.RawMessage
	if err := d.Decode(&raw); err != nil {
		return nil, jsonGetError(err, d)
	}
	end := int(d.InputOffset())
	start := end - len(raw)
	return data[start:end:end], nil
}

// jsonStdSkip reads and discards one value.
func jsonStdSkip(d *json.Decoder) error {
	var raw json.RawMessage
	if err := d.Decode(&raw); err != nil {
		return jsonGetError(err, d)
	}
	return nil
}

func jsonGetError(err error, d *json.Decoder) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &JSONError{Offset: se.Offset, Err: err}
	}
	return &JSONError{Offset: d.InputOffset(), Err: err}
}

func jsonNotFound(path []any) error {
	return &JSONError{Offset: -1, Err: fmt.Errorf("%w: %v", ErrJSONNotFound, path)}
}
