package parse

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sync"
	"unsafe"

	"github.com/bytedance/sonic"
	"github.com/bytedance/sonic/decoder"
	"github.com/bytedance/sonic/encoder"
	sonicutf8 "github.com/bytedance/sonic/utf8"
)

// jsonSonicNative reports whether sonic's JIT path is compiled in. When it is
// not (another architecture, or a Go version past sonic's build tags), sonic
// is a thin wrapper over encoding/json and this package calls encoding/json
// directly. TestJSONSonicNative fails on linux/amd64 if this turns false, so
// a Go upgrade cannot silently cost the fast path.
const jsonSonicNative = sonic.APIKind == sonic.UseSonicJSON

// jsonDefaultDecodeThreshold is the input size from which JSONAuto decodes
// with sonic. sonic was faster than encoding/json in every bucket measured,
// down to the 100-byte one (README.md), so it is used for every size.
const jsonDefaultDecodeThreshold = 0

// jsonSonicBaseOptions make sonic's decoder reject what encoding/json
// rejects: unescaped control characters in strings (ValidateString), and
// invalid JSON inside skipped values (validation on skip is sonic's default,
// kept by not setting OptionNoValidateJSON). Invalid UTF-8 and lone
// surrogates already become U+FFFD as in encoding/json, and matching of
// object keys to struct fields is case-insensitive as in encoding/json.
const jsonSonicBaseOptions = decoder.OptionValidateString

// jsonSonicUnmarshal decodes data into v with sonic. It never copies data as
// a whole: with CopyString (the default) each decoded string is copied, with
// ZeroCopy strings alias data.
func jsonSonicUnmarshal(data []byte, v any, c *JSON) error {
	opts := decoder.Options(jsonSonicBaseOptions)
	if !c.ZeroCopy {
		opts |= decoder.OptionCopyString
	}
	if c.UseNumber {
		opts |= decoder.OptionUseNumber
	}
	if c.DisallowUnknownFields {
		opts |= decoder.OptionDisableUnknown
	}
	src := unsafe.String(unsafe.SliceData(data), len(data))
	if c.UseNumber && !c.ZeroCopy {
		// sonic's json.Number values alias the input even with
		// OptionCopyString (found by TestJSONUnmarshalEdgeCases): decode
		// from a private copy, as sonic's own Unmarshal always does.
		src = string(data)
	}
	d := jsonDecoderPool.Get().(*decoder.Decoder)
	d.Reset(src)
	d.SetOptions(opts)
	err := d.Decode(v)
	if err == nil {
		err = d.CheckTrailings()
	}
	d.Reset("") // do not pin data from the pool
	jsonDecoderPool.Put(d)
	return err
}

// jsonDecoderPool recycles sonic decoders: a decoder passed to sonic
// escapes, so a local one would cost an allocation per call.
var jsonDecoderPool = sync.Pool{New: func() any { return new(decoder.Decoder) }}

// jsonHasNegZero reports whether data may contain the number -0 written as
// an integer ("-0" not followed by a fraction or exponent). sonic decodes that
// number into a float64 as +0 where encoding/json gives -0 (found by
// FuzzJSONUnmarshal), so such inputs go to encoding/json. A number token
// starts at the beginning of the input or after whitespace, '[', ':' or ',';
// "-0" elsewhere (inside "2014-08-31", say) cannot be a number. A "-0" inside
// a string that happens to follow such a byte is a false positive, which
// only costs speed. bytes.Index is vectorised, so the scan is cheap.
func jsonHasNegZero(data []byte) bool {
	off := 0
	for {
		i := bytes.Index(data[off:], jsonNegZero)
		if i < 0 {
			return false
		}
		i += off
		off = i + 2
		if i > 0 {
			switch data[i-1] {
			case ' ', '\t', '\r', '\n', '[', ':', ',':
			default:
				continue
			}
		}
		if off < len(data) {
			switch data[off] {
			case '.', 'e', 'E':
				continue
			}
		}
		return true
	}
}

var jsonNegZero = []byte("-0")

// jsonSonicTypeOK reports whether sonic decodes into v's type exactly as
// encoding/json does. sonic accepts a trailing comma after the elements it
// skips beyond a Go array's length ("[0,0,]" into [2]int; found by
// FuzzJSONUnmarshal), so types that contain a Go array anywhere (through
// struct fields, pointers, slices and maps) are decoded by encoding/json.
// The answer is cached per type.
func jsonSonicTypeOK(v any) bool {
	t := reflect.TypeOf(v)
	if t == nil {
		return true // encoding/json reports the error
	}
	if ok, found := jsonTypeCache.Load(t); found {
		return ok.(bool)
	}
	ok := !jsonHasArray(t, make(map[reflect.Type]bool))
	jsonTypeCache.Store(t, ok)
	return ok
}

var jsonTypeCache sync.Map // reflect.Type -> bool

func jsonHasArray(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Array:
		return true
	case reflect.Pointer, reflect.Slice:
		return jsonHasArray(t.Elem(), seen)
	case reflect.Map:
		return jsonHasArray(t.Key(), seen) || jsonHasArray(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if jsonHasArray(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// jsonSonicEncodeOptions: sonic's EscapeHTML and ValidateString options
// rewrite the whole buffer after encoding (including the caller's dst prefix)
// into a newly allocated one, so they are not used; jsonFixOutput does the
// same job on the appended bytes only, in place when nothing needs escaping.
// SortMapKeys matches encoding/json's key order; CompactMarshaler makes sonic
// compact (and so validate) json.Marshaler output, json.RawMessage included,
// as encoding/json does; without it sonic copies that output verbatim (found
// by TestJSONMarshal).
const jsonSonicEncodeOptions = encoder.SortMapKeys | encoder.CompactMarshaler

// jsonSonicAppend appends v's encoding to dst with sonic, then escapes the
// appended bytes as encoding/json would.
func jsonSonicAppend(dst []byte, v any) ([]byte, error) {
	start := len(dst)
	buf, err := jsonSonicEncode(dst, v)
	if err != nil {
		return buf, err
	}
	if !sonicutf8.Validate(buf[start:]) {
		return jsonStdAppend(buf[:start], v)
	}
	return jsonFixOutput(buf, start), nil
}

// jsonSonicMarshal returns v's encoding in a new slice. The raw encoding
// goes to a pooled buffer and HTML escaping copies it into the result (the
// copy that returning a new slice needs anyway), as sonic's own Marshal
// does; the remaining fixes are done in place.
func jsonSonicMarshal(v any) ([]byte, error) {
	scratch := jsonGetBuffer()
	raw, err := jsonSonicEncode((*scratch)[:0], v)
	if err != nil {
		*scratch = raw[:0]
		jsonPutBuffer(scratch)
		return nil, err
	}
	res := encoder.HTMLEscape(make([]byte, 0, len(raw)+len(raw)/8+jsonEscapePadding), raw)
	*scratch = raw[:0]
	jsonPutBuffer(scratch)
	if bytes.Contains(res, jsonShortEscapeCandidate) {
		res = res[:jsonShortEscapes(res)]
	}
	if !sonicutf8.Validate(res) {
		return json.Marshal(v)
	}
	return res, nil
}

// jsonEscapePadding is the slack sonic's native HTMLEscape wants at the end
// of its destination before it reallocates (types.BufPaddingSize).
const jsonEscapePadding = 64

// jsonSonicEncode appends sonic's raw encoding of v (no HTML escaping, no
// UTF-8 correction) to dst.
func jsonSonicEncode(dst []byte, v any) ([]byte, error) {
	// The slice header handed to sonic escapes; a pooled holder keeps
	// that from costing an allocation per call.
	h := jsonSliceHolderPool.Get().(*[]byte)
	*h = dst
	err := encoder.EncodeInto(h, v, jsonSonicEncodeOptions)
	buf := *h
	*h = nil
	jsonSliceHolderPool.Put(h)
	return buf, err
}

var jsonSliceHolderPool = sync.Pool{New: func() any { return new([]byte) }}

// jsonFixOutput makes buf[start:] (valid UTF-8 JSON text written by sonic
// without escaping) byte for byte what encoding/json writes: '<', '>' and
// '&' become \u003c, \u003e, \u0026, U+2028 and U+2029 become \u2028 and
// \u2029 (all only possible inside strings), and \u0008, \u000c become \b,
// \f. The checks are vectorised searches; the rewrite is sonic's native
// HTMLEscape (what its EscapeHTML option runs, but on the appended bytes
// only and into the caller's buffer instead of a new one).
//
// Output with invalid UTF-8 is re-encoded by encoding/json instead: it
// replaces invalid UTF-8 in Go strings with U+FFFD but copies json.Marshaler
// and RawMessage output unchanged, which a pass over the whole output (what
// sonic's ValidateString does) cannot tell apart (found by FuzzJSONMarshal).
func jsonFixOutput(buf []byte, start int) []byte {
	out := buf[start:]
	html := bytes.IndexByte(out, '<') >= 0 || bytes.IndexByte(out, '>') >= 0 ||
		bytes.IndexByte(out, '&') >= 0 || bytes.Contains(out, jsonLineSep) || bytes.Contains(out, jsonParaSep)
	if bytes.Contains(out, jsonShortEscapeCandidate) {
		buf = buf[:start+jsonShortEscapes(out)]
	}
	if !html {
		return buf
	}
	scratch := jsonGetBuffer()
	tmp := append((*scratch)[:0], buf[start:]...)
	buf = encoder.HTMLEscape(buf[:start], tmp)
	*scratch = tmp[:0]
	jsonPutBuffer(scratch)
	return buf
}

// jsonShortEscapes rewrites sonic's \u0008 and \u000c escapes as \b and \f,
// which is what encoding/json writes since Go 1.22 (found by
// FuzzJSONMarshal), in place, and returns the new length. An escape counts
// only if the backslash before "u000" is not itself escaped.
func jsonShortEscapes(b []byte) int {
	w, r := 0, 0
	for {
		i := bytes.Index(b[r:], jsonShortEscapeCandidate)
		if i < 0 {
			break
		}
		i += r
		n := 0 // backslashes before the one starting the candidate
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 && i+5 < len(b) && (b[i+5] == '8' || b[i+5] == 'c') {
			w += copy(b[w:], b[r:i])
			b[w], b[w+1] = '\\', 'b'
			if b[i+5] == 'c' {
				b[w+1] = 'f'
			}
			w += 2
			r = i + 6
			continue
		}
		w += copy(b[w:], b[r:i+5])
		r = i + 5
	}
	w += copy(b[w:], b[r:])
	return w
}

var jsonShortEscapeCandidate = []byte(`\u000`)

var (
	jsonLineSep = []byte("\u2028")
	jsonParaSep = []byte("\u2029")
)

// jsonBufferPool holds encoding buffers for Marshal and jsonFixOutput.
// Buffers that grew past jsonMaxPooledBuffer are dropped so one huge value
// does not pin memory.
var jsonBufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

const jsonMaxPooledBuffer = 1 << 20

func jsonGetBuffer() *[]byte { return jsonBufferPool.Get().(*[]byte) }

func jsonPutBuffer(b *[]byte) {
	if cap(*b) <= jsonMaxPooledBuffer {
		jsonBufferPool.Put(b)
	}
}
