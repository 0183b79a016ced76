package parse

// JSON dispatch.
//
// Three backends decode and encode JSON here:
//
//   - bytedance/sonic, a JIT decoder and encoder. Its native path only
//     exists on amd64/arm64 for the Go versions its build tags name
//     (go1.17 && !go1.28); elsewhere sonic silently becomes encoding/json, so
//     this file asks sonic.APIKind and skips sonic entirely when it is not
//     native (see jsonSonicNative and TestJSONSonicNative).
//   - minio/simdjson-go, a SIMD tape builder (AVX2 + CLMUL, amd64 only). It
//     has no struct decoder, so it only serves ValidJSON on large inputs,
//     where its tape is faster than anything else here.
//   - encoding/json, the reference and the portable fallback.
//
// Correctness rule: whatever backend runs, the result is what encoding/json
// would give. The fast backends are only trusted where they agree with
// encoding/json (FuzzJSONUnmarshal, FuzzJSONValid and FuzzJSONMarshal check
// this differentially); when a fast backend rejects an input, the input is
// decoded again by encoding/json, so every error (and every input that sonic
// refuses but encoding/json accepts, such as nesting between sonic's depth
// limit 4096 and encoding/json's 10000) is exactly encoding/json's. Errors are
// the rare path, so this costs nothing on valid input.
//
// The thresholds (jsonDefault*) come from BenchmarkJSON* on the corpora in
// testdata/json; README.md holds the table and the command.

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// JSONMode selects which backend a [JSON] configuration uses.
type JSONMode uint8

const (
	// JSONAuto uses the measured default thresholds: the fast backends
	// (sonic, simdjson-go) where they are native and win, encoding/json
	// otherwise. It is the zero value.
	JSONAuto JSONMode = iota
	// JSONAlways uses the fast backends for every input size (they are still
	// only used where they run natively).
	JSONAlways
	// JSONNever always uses encoding/json.
	JSONNever
	// JSONThreshold uses the fast backends for inputs of at least
	// JSON.Threshold bytes and encoding/json below that.
	JSONThreshold
)

// String returns the mode's name.
func (m JSONMode) String() string {
	switch m {
	case JSONAuto:
		return "auto"
	case JSONAlways:
		return "always"
	case JSONNever:
		return "never"
	case JSONThreshold:
		return "threshold"
	}
	return "JSONMode(" + strconv.Itoa(int(m)) + ")"
}

// JSON is a JSON decoding and encoding configuration. Its zero value is the
// default used by the package-level functions ([Unmarshal], [Marshal],
// [AppendJSON], [ValidJSON]): measured thresholds, decoded strings copied,
// output identical to encoding/json. A JSON value is small and may be copied
// and used from many goroutines at once.
type JSON struct {
	// Mode selects the backend; see JSONMode. The zero value is JSONAuto.
	Mode JSONMode

	// Threshold is the size in bytes from which the fast backends are used
	// when Mode is JSONThreshold: the input's size for decoding and
	// validation, the type's latest encoded size for AppendJSON. It is
	// ignored by the other modes.
	Threshold int

	// ZeroCopy lets decoded strings (and json.RawMessage and json.Number
	// values) alias data instead of being copied. They are then valid only
	// until data is modified or reused: with a server's pooled request
	// buffers, until the handler returns. Off by default.
	ZeroCopy bool

	// UseNumber decodes numbers into an interface{} as json.Number instead
	// of float64, like json.Decoder.UseNumber.
	UseNumber bool

	// DisallowUnknownFields makes decoding into a struct fail on object keys
	// that match no field, like json.Decoder.DisallowUnknownFields.
	DisallowUnknownFields bool
}

// fast reports whether the fast backend should handle an input of n bytes
// whose measured break-even size under JSONAuto is auto.
func (c *JSON) fast(n, auto int) bool {
	switch c.Mode {
	case JSONNever:
		return false
	case JSONAlways:
		return true
	case JSONThreshold:
		return n >= c.Threshold
	}
	return n >= auto
}

// Unmarshal decodes data into v with the default configuration. It accepts
// exactly the inputs json.Unmarshal accepts and stores the same value; errors
// are *JSONError values naming the byte offset (and, for type mismatches, the
// field path), or encoding/json's own errors for programming mistakes such as
// a nil or non-pointer v. Decoded strings never alias data.
func Unmarshal(data []byte, v any) error {
	var c JSON
	return c.Unmarshal(data, v)
}

// Unmarshal decodes data into v; see the package-level [Unmarshal].
//
// On error, v may hold part of the input, as with json.Unmarshal for type
// errors; do not use it.
func (c JSON) Unmarshal(data []byte, v any) error {
	if jsonSonicNative && c.fast(len(data), jsonDefaultDecodeThreshold) && !jsonHasNegZero(data) && jsonSonicTypeOK(v) {
		if jsonSonicUnmarshal(data, v, &c) == nil {
			return nil
		}
		// Fall through: encoding/json decides what the error is, or
		// accepts an input that sonic refuses.
	}
	return jsonStdUnmarshal(data, v, &c)
}

// jsonStdUnmarshal is json.Unmarshal with the configuration's options and
// errors wrapped as *JSONError.
func jsonStdUnmarshal(data []byte, v any, c *JSON) error {
	if !c.UseNumber && !c.DisallowUnknownFields {
		return jsonWrapError(json.Unmarshal(data, v))
	}
	// json.Unmarshal has no options; json.Decoder has them but reads only
	// one value and does not check the whole input first. Checking the
	// syntax into a RawMessage first gives exactly json.Unmarshal's syntax
	// errors (and its "no partial results on syntax error" behaviour).
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return jsonWrapError(err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	if c.UseNumber {
		d.UseNumber()
	}
	if c.DisallowUnknownFields {
		d.DisallowUnknownFields()
	}
	return jsonWrapError(d.Decode(v))
}

// Marshal returns the JSON encoding of v with the default configuration. The
// output is byte for byte what json.Marshal produces (HTML characters
// escaped, map keys sorted, invalid UTF-8 replaced by U+FFFD).
func Marshal(v any) ([]byte, error) {
	var c JSON
	return c.Marshal(v)
}

// Marshal returns the JSON encoding of v; see the package-level [Marshal].
func (c JSON) Marshal(v any) ([]byte, error) {
	if !jsonSonicNative || c.Mode == JSONNever {
		b, err := json.Marshal(v)
		return b, jsonWrapError(err)
	}
	if b, err := jsonSonicMarshal(v); err == nil {
		return b, nil
	}
	// encoding/json decides what the error is (and encodes what sonic
	// cannot).
	b, err := json.Marshal(v)
	return b, jsonWrapError(err)
}

// AppendJSON appends the JSON encoding of v to dst and returns the extended
// buffer, with the default configuration. The bytes appended are exactly
// json.Marshal's. Encoding a value whose type has been seen before into a dst
// with enough capacity does not allocate when its encoding is small (under
// 128 bytes, where the pooled encoding/json path is as fast as sonic) and
// allocates 16 bytes inside sonic otherwise. Pass a pointer (not a struct
// value) so that converting v to an interface does not allocate either. On
// error dst is returned unchanged in length.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	var c JSON
	return c.AppendJSON(dst, v)
}

// jsonAppendAutoLimit is the encoded size under which JSONAuto appends with
// the pooled encoding/json encoder instead of sonic. sonic's only entry point
// boxes its argument (one 16-byte allocation per call); below this size
// encoding/json is as fast and allocates nothing, above it sonic pulls ahead
// (2x at 240 B, 3.5x at 1 KB, 5x at 4 KB: BenchmarkJSONAppendSize).
const jsonAppendAutoLimit = 128

// jsonAppendSizes remembers, per Go type, the size of its latest encoding,
// so that AppendJSON can choose the backend before encoding. Keys are
// reflect.Type values; entries are *atomic.Int32.
var jsonAppendSizes sync.Map

// AppendJSON appends the JSON encoding of v to dst; see the package-level
// [AppendJSON]. Encoding is chosen by the size of the output, which is not
// known before encoding: each type's latest encoded size decides (the first
// encoding of a type uses sonic). JSONAuto uses encoding/json's pooled
// encoder under 128 bytes and sonic from there; JSONThreshold uses Threshold
// in place of 128; JSONAlways always uses sonic (one 16-byte allocation per
// call); JSONNever always uses encoding/json. The bytes are the same in
// every mode.
func (c JSON) AppendJSON(dst []byte, v any) ([]byte, error) {
	if jsonSonicNative && c.Mode != JSONNever {
		limit := jsonAppendAutoLimit
		switch c.Mode {
		case JSONAlways:
			limit = 0
		case JSONThreshold:
			limit = c.Threshold
		}
		var size *atomic.Int32
		if limit > 0 {
			t := reflect.TypeOf(v)
			if e, ok := jsonAppendSizes.Load(t); ok {
				size = e.(*atomic.Int32)
			} else if t != nil {
				e, _ := jsonAppendSizes.LoadOrStore(t, new(atomic.Int32))
				size = e.(*atomic.Int32)
				size.Store(math.MaxInt32)
			}
		}
		if size == nil || int(size.Load()) >= limit {
			start := len(dst)
			out, err := jsonSonicAppend(dst, v)
			if err == nil {
				if size != nil {
					size.Store(int32(min(len(out)-start, math.MaxInt32)))
				}
				return out, nil
			}
			// encoding/json decides what the error is (and encodes what
			// sonic cannot).
			dst = out[:start]
		} else {
			start := len(dst)
			out, err := jsonStdAppend(dst, v)
			if err == nil {
				size.Store(int32(min(len(out)-start, math.MaxInt32)))
			}
			return out, err
		}
	}
	return jsonStdAppend(dst, v)
}

// jsonStdEncoder is a json.Encoder writing into a swappable buffer, pooled
// so that encoding/json's path appends without allocating (json.Marshal
// always allocates its result).
type jsonStdEncoder struct {
	enc *json.Encoder
	buf []byte
}

func (e *jsonStdEncoder) Write(p []byte) (int, error) {
	e.buf = append(e.buf, p...)
	return len(p), nil
}

var jsonStdEncoderPool = sync.Pool{New: func() any {
	e := new(jsonStdEncoder)
	e.enc = json.NewEncoder(e)
	return e
}}

// jsonStdAppend appends encoding/json's encoding of v to dst.
// json.Encoder.Encode writes exactly json.Marshal's bytes plus a newline,
// and writes nothing on error.
func jsonStdAppend(dst []byte, v any) ([]byte, error) {
	e := jsonStdEncoderPool.Get().(*jsonStdEncoder)
	e.buf = dst
	err := e.enc.Encode(v)
	out := e.buf
	e.buf = nil
	jsonStdEncoderPool.Put(e)
	if err != nil {
		return dst, jsonWrapError(err)
	}
	return out[:len(out)-1], nil
}

// ValidJSON reports whether data is valid JSON, exactly as json.Valid does
// (which accepts invalid UTF-8 inside strings, since decoding replaces it).
func ValidJSON(data []byte) bool {
	var c JSON
	return c.Valid(data)
}

// Valid reports whether data is valid JSON; see [ValidJSON].
func (c JSON) Valid(data []byte) bool {
	if jsonSimdSupported && c.fast(len(data), jsonDefaultValidThreshold) {
		if jsonSimdValid(data) {
			return true
		}
		// simdjson-go rejects some inputs encoding/json accepts (top-level
		// scalars, numbers out of float64 range): let it decide.
	}
	return json.Valid(data)
}

// JSONError is the error type of this package's JSON functions. For syntax
// and type errors it carries the byte offset in the input where the problem
// was found. It wraps encoding/json's error (*json.SyntaxError,
// *json.UnmarshalTypeError, *json.InvalidUnmarshalError,
// *json.UnsupportedValueError, ...) or a Marshaler's or Unmarshaler's own
// error, so errors.As and errors.Is see through it.
type JSONError struct {
	// Offset is the byte offset in the input at which the error was
	// detected (for a type error, just after the offending value), or -1
	// when the error has no position (encoding errors, a nil target).
	Offset int64
	// Field is the dotted path of the struct field a type error occurred
	// in (for example "user.id"), empty for syntax errors.
	Field string
	// Err is the underlying encoding/json error.
	Err error
}

// Error returns a message such as
// "parse: json: invalid character 'x' looking for beginning of value at offset 12".
func (e *JSONError) Error() string {
	msg := strings.TrimPrefix(strings.TrimPrefix(e.Err.Error(), "parse: "), "json: ")
	if e.Offset < 0 {
		return "parse: json: " + msg
	}
	return "parse: json: " + msg + " at offset " + strconv.FormatInt(e.Offset, 10)
}

// Unwrap returns the underlying encoding/json error.
func (e *JSONError) Unwrap() error { return e.Err }

// jsonWrapError wraps a non-nil encoding/json error (or an error returned by
// a Marshaler or Unmarshaler) in a *JSONError.
func jsonWrapError(err error) error {
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &JSONError{Offset: se.Offset, Err: err}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &JSONError{Offset: te.Offset, Field: te.Field, Err: err}
	}
	return &JSONError{Offset: -1, Err: err}
}
