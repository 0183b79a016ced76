package bind

// Safe mode copies every string bind stores, because a Source's strings may
// alias request buffers the server reuses. Copying each string on its own
// costs one allocation per string; instead, short strings are appended to a
// shared chunk that a pooled copier carries from one Bind to the next, so a
// request's strings usually cost no allocation at all (one 512-byte chunk
// serves many requests). Chunks are never written twice: a string handed
// out stays valid and immutable for as long as it is referenced. The price
// is retention: a long-lived string keeps its whole chunk alive.
//
// Strings decoded from a JSON body go the same way when the plan knows
// where every one of them lands (jsonStrings): the body is decoded without
// copying and those strings are then copied into the chunk.
//
// BenchmarkBind/safe: 7 allocs/op with one allocation per string, 1 (the
// []string backing array) with the copier.

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

const (
	copyChunk = 512
	copyMax   = 128 // longer strings get their own allocation
)

type copier struct {
	buf []byte
}

var copierPool = sync.Pool{New: func() any { return new(copier) }}

// str returns a copy of s that does not alias the source. c == nil means
// zero-copy mode: s itself.
func (c *copier) str(s string) string {
	if c == nil || s == "" {
		return s
	}
	if len(s) > copyMax {
		return strings.Clone(s)
	}
	if cap(c.buf)-len(c.buf) < len(s) {
		c.buf = make([]byte, 0, copyChunk)
	}
	n := len(c.buf)
	c.buf = append(c.buf, s...)
	return unsafe.String(&c.buf[n], len(s))
}

// bytes returns s as a []byte: aliasing it in zero-copy mode, else a copy
// whose capacity ends with it, so an append cannot reach a neighbour.
func (c *copier) bytes(s string) []byte {
	if c == nil {
		return unsafe.Slice(unsafe.StringData(s), len(s))
	}
	if len(s) > copyMax || len(s) == 0 {
		return []byte(s)
	}
	if cap(c.buf)-len(c.buf) < len(s) {
		c.buf = make([]byte, 0, copyChunk)
	}
	n := len(c.buf)
	c.buf = append(c.buf, s...)
	return c.buf[n : n+len(s) : n+len(s)]
}

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// jsonStrings lists the offsets of every string the JSON decoder can store
// in struct type t (every exported field, by its Go name or json tag), so
// that safe mode can decode without copying and then copy just those
// strings through the copier. ok is false when a decoded value could hold
// a string elsewhere (a slice, map, pointer, interface, custom unmarshaler):
// then the decoder copies strings itself.
func jsonStrings(t reflect.Type, base uintptr, out []uintptr, depth int) ([]uintptr, bool) {
	if depth > 16 {
		return nil, false
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		jsonTag, hasJSON := sf.Tag.Lookup("json")
		if name, _, _ := strings.Cut(jsonTag, ","); name == "-" {
			continue
		}
		if !hasJSON && hasSourceTag(sf.Tag) {
			// encoding/json may set it by its Go name, but Bind then
			// always overwrites it from its source or zeroes it
			// (field.zeroOnBody), also when its value fails to convert.
			continue
		}
		ft := sf.Type
		if sf.Anonymous && ft.Kind() == reflect.Pointer {
			return nil, false
		}
		if ft == timeType {
			continue
		}
		pt := reflect.PointerTo(ft)
		if pt.Implements(jsonUnmarshalerType) || pt.Implements(textUnmarType) {
			return nil, false
		}
		switch ft.Kind() {
		case reflect.String:
			out = append(out, base+sf.Offset)
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64:
		case reflect.Struct:
			var ok bool
			if out, ok = jsonStrings(ft, base+sf.Offset, out, depth+1); !ok {
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return out, true
}

func hasSourceTag(tag reflect.StructTag) bool {
	for _, lt := range locTags {
		if _, ok := tag.Lookup(lt.tag); ok {
			return true
		}
	}
	return false
}
