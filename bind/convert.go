package bind

// Conversions from a wire string to a field's type. Each setter writes
// through an unsafe.Pointer to the field (the plan holds its offset), so
// binding does no reflection per request. A setter returns an error only for
// a value it cannot convert; the caller turns it into a FieldError.

import (
	"encoding"
	"errors"
	"reflect"
	"strconv"
	"time"
	"unsafe"
)

// setFunc stores s into the value at p. Strings are copied with c (safe
// mode), or alias the source when c is nil (zero-copy mode).
type setFunc func(p unsafe.Pointer, s string, c *copier) error

// scalar converts one wire string into one value of typ.
type scalar struct {
	typ  reflect.Type
	set  setFunc
	what string // "an integer", for `"x" is not an integer`
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	durationType  = reflect.TypeFor[time.Duration]()
	textUnmarType = reflect.TypeFor[encoding.TextUnmarshaler]()
	bytesType     = reflect.TypeFor[[]byte]()
)

// errUnsupported marks a type bind cannot convert strings into.
var errUnsupported = errors.New("unsupported type")

// scalarFor returns the converter for typ. layout is the time layout from
// the field's `layout` tag ("" means RFC 3339).
func scalarFor(typ reflect.Type, layout string) (scalar, error) {
	sc := scalar{typ: typ}
	switch {
	case typ == timeType:
		if layout == "" {
			layout = time.RFC3339Nano
		}
		sc.what = "a time (" + layout + ")"
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			t, err := time.Parse(layout, s)
			if err != nil {
				return err
			}
			*(*time.Time)(p) = t
			return nil
		}
		return sc, nil
	case typ == durationType:
		sc.what = "a duration"
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			d, err := time.ParseDuration(s)
			if err != nil {
				return err
			}
			*(*time.Duration)(p) = d
			return nil
		}
		return sc, nil
	case reflect.PointerTo(typ).Implements(textUnmarType):
		sc.what = "a valid " + typ.String()
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			u := reflect.NewAt(typ, p).Interface().(encoding.TextUnmarshaler)
			return u.UnmarshalText([]byte(s))
		}
		return sc, nil
	case typ.Kind() == reflect.Slice && typ.Elem().Kind() == reflect.Uint8:
		sc.what = "bytes"
		sc.set = func(p unsafe.Pointer, s string, c *copier) error {
			*(*[]byte)(p) = c.bytes(s)
			return nil
		}
		return sc, nil
	}
	switch typ.Kind() {
	case reflect.String:
		sc.what = "a string"
		sc.set = func(p unsafe.Pointer, s string, c *copier) error {
			*(*string)(p) = c.str(s)
			return nil
		}
	case reflect.Bool:
		sc.what = "a boolean"
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			b, ok := parseBool(s)
			if !ok {
				return strconv.ErrSyntax
			}
			*(*bool)(p) = b
			return nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		sc.what = "an integer"
		bits := typ.Bits()
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			n, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				return err.(*strconv.NumError).Err
			}
			switch bits {
			case 8:
				*(*int8)(p) = int8(n)
			case 16:
				*(*int16)(p) = int16(n)
			case 32:
				*(*int32)(p) = int32(n)
			default:
				*(*int64)(p) = n
			}
			return nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		sc.what = "an unsigned integer"
		bits := typ.Bits()
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			n, err := strconv.ParseUint(s, 10, bits)
			if err != nil {
				return err.(*strconv.NumError).Err
			}
			switch bits {
			case 8:
				*(*uint8)(p) = uint8(n)
			case 16:
				*(*uint16)(p) = uint16(n)
			case 32:
				*(*uint32)(p) = uint32(n)
			default:
				*(*uint64)(p) = n
			}
			return nil
		}
	case reflect.Float32, reflect.Float64:
		sc.what = "a number"
		bits := typ.Bits()
		sc.set = func(p unsafe.Pointer, s string, _ *copier) error {
			f, err := strconv.ParseFloat(s, bits)
			if err != nil {
				return err.(*strconv.NumError).Err
			}
			if bits == 32 {
				*(*float32)(p) = float32(f)
			} else {
				*(*float64)(p) = f
			}
			return nil
		}
	default:
		return sc, errUnsupported
	}
	return sc, nil
}

// parseBool accepts strconv.ParseBool's spellings and the "on"/"off" an
// HTML checkbox sends.
func parseBool(s string) (v, ok bool) {
	switch s {
	case "1", "t", "T", "true", "TRUE", "True", "on", "ON", "On":
		return true, true
	case "0", "f", "F", "false", "FALSE", "False", "off", "OFF", "Off":
		return false, true
	}
	return false, false
}

// convMessage is the client message for a value that failed conversion.
func convMessage(sc *scalar, value string, err error) string {
	if len(value) > 64 {
		value = value[:64] + "..."
	}
	q := strconv.Quote(value)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return q + " is out of range for " + sc.typ.String()
	case sc.typ == timeType || sc.typ == durationType || errors.Is(err, strconv.ErrSyntax):
		return q + " is not " + sc.what
	}
	return q + " is not " + sc.what + ": " + err.Error()
}
