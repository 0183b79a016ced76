package bind

// Built-in validation rules, compiled into the plan: `validate:"required,
// min=3,max=50,email"` uses go-playground/validator's syntax and meaning for
// the rules it shares with it, so a struct tagged for one works with the
// other. Regular expressions come from a separate `pattern` tag (validator
// has no regexp rule, and commas in a regexp would clash with the rule
// separator) and are compiled once, with the plan.

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Validator is a whole-struct validator run after binding, such as
// go-playground/validator (see the package example). When
// [Options.Validator] is set, it replaces the built-in rules: the
// `validate` tags are then its business, and rule names bind does not know
// are allowed. An error it returns is returned by Bind as is, unless it is
// an *Errors, which is merged with the binding errors.
type Validator interface {
	Validate(v any) error
}

type ruleOp uint8

const (
	opRequired ruleOp = iota + 1
	opOmitEmpty
	opMin
	opMax
	opLen
	opGT
	opGTE
	opLT
	opLTE
	opOneOf
	opEmail
	opURL
	opPattern
	opUnknown // a rule only a Validator knows
)

type rule struct {
	op    ruleOp
	name  string // as written: "min"
	param string // "3"
	n     float64
	words []string       // oneof
	re    *regexp.Regexp // pattern
}

func compileRules(tag, pattern string, t reflect.Type) ([]rule, error) {
	var rules []rule
	for tag != "" {
		var r string
		r, tag, _ = strings.Cut(tag, ",")
		name, param, hasParam := strings.Cut(r, "=")
		ru := rule{name: name, param: param}
		switch name {
		case "":
			continue
		case "required":
			ru.op = opRequired
		case "omitempty":
			ru.op = opOmitEmpty
		case "min", "max", "len", "gt", "gte", "lt", "lte":
			ru.op = map[string]ruleOp{"min": opMin, "max": opMax, "len": opLen, "gt": opGT, "gte": opGTE, "lt": opLT, "lte": opLTE}[name]
			n, err := strconv.ParseFloat(param, 64)
			if !hasParam || err != nil {
				return nil, fmt.Errorf("validate rule %q needs a number", r)
			}
			ru.n = n
		case "oneof":
			ru.op = opOneOf
			ru.words = strings.Fields(param)
			if len(ru.words) == 0 {
				return nil, fmt.Errorf("validate rule %q needs values", r)
			}
		case "email":
			ru.op = opEmail
		case "url":
			ru.op = opURL
		default:
			ru.op = opUnknown
		}
		rules = append(rules, ru)
	}
	if pattern != "" {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("pattern: %w", err)
		}
		rules = append(rules, rule{op: opPattern, name: "pattern", param: pattern, re: re})
	}
	return rules, nil
}

// check runs the rules on v; ok is false with the failing rule and message.
func check(rules []rule, v reflect.Value) (r *rule, msg string) {
	for i := range rules {
		ru := &rules[i]
		switch ru.op {
		case opOmitEmpty:
			if v.IsZero() {
				return nil, ""
			}
			continue
		case opRequired:
			if v.IsZero() {
				return ru, "is required"
			}
			continue
		case opUnknown:
			return ru, "has rule " + strconv.Quote(ru.name) + " that bind does not know; set Options.Validator"
		}
		// The value rules see through a pointer; a nil pointer is an
		// absent optional value and passes them.
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil, ""
			}
			v = v.Elem()
		}
		if m := checkOne(ru, v); m != "" {
			return ru, m
		}
	}
	return nil, ""
}

func checkOne(ru *rule, v reflect.Value) string {
	return checkVal(ru, valOf(v))
}

// val is a field's value as the rules see it: its kind and the one number,
// string or length that kind has.
type val struct {
	k reflect.Kind // String, Int, Uint, Float64, Slice (a length); Invalid: no rule applies
	s string
	i int64
	u uint64
	f float64
	n int
}

func valOf(v reflect.Value) val {
	switch v.Kind() {
	case reflect.String:
		return val{k: reflect.String, s: v.String()}
	case reflect.Slice, reflect.Map, reflect.Array:
		return val{k: reflect.Slice, n: v.Len()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return val{k: reflect.Int, i: v.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return val{k: reflect.Uint, u: v.Uint()}
	case reflect.Float32, reflect.Float64:
		return val{k: reflect.Float64, f: v.Float()}
	}
	return val{}
}

// fastKind reports whether values of kind k are read by readVal and
// isZeroAt (without reflect).
func fastKind(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Slice,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// readVal reads the value of kind k at p (a fastKind).
func readVal(p unsafe.Pointer, k reflect.Kind) val {
	switch k {
	case reflect.String:
		return val{k: k, s: *(*string)(p)}
	case reflect.Slice:
		return val{k: k, n: len(*(*[]byte)(p))} // every slice header has len at the same place
	case reflect.Int:
		return val{k: reflect.Int, i: int64(*(*int)(p))}
	case reflect.Int8:
		return val{k: reflect.Int, i: int64(*(*int8)(p))}
	case reflect.Int16:
		return val{k: reflect.Int, i: int64(*(*int16)(p))}
	case reflect.Int32:
		return val{k: reflect.Int, i: int64(*(*int32)(p))}
	case reflect.Int64:
		return val{k: reflect.Int, i: *(*int64)(p)}
	case reflect.Uint, reflect.Uintptr:
		return val{k: reflect.Uint, u: uint64(*(*uint)(p))}
	case reflect.Uint8:
		return val{k: reflect.Uint, u: uint64(*(*uint8)(p))}
	case reflect.Uint16:
		return val{k: reflect.Uint, u: uint64(*(*uint16)(p))}
	case reflect.Uint32:
		return val{k: reflect.Uint, u: uint64(*(*uint32)(p))}
	case reflect.Uint64:
		return val{k: reflect.Uint, u: *(*uint64)(p)}
	case reflect.Float32:
		return val{k: reflect.Float64, f: float64(*(*float32)(p))}
	case reflect.Float64:
		return val{k: reflect.Float64, f: *(*float64)(p)}
	}
	return val{}
}

// isZeroAt is reflect.Value.IsZero for a fastKind value at p: a slice is
// zero when nil, a float when it equals 0 (-0.0 too).
func isZeroAt(p unsafe.Pointer, k reflect.Kind) bool {
	switch k {
	case reflect.String:
		return len(*(*string)(p)) == 0
	case reflect.Bool:
		return !*(*bool)(p)
	case reflect.Slice:
		return *(*unsafe.Pointer)(p) == nil
	case reflect.Int8, reflect.Uint8:
		return *(*uint8)(p) == 0
	case reflect.Int16, reflect.Uint16:
		return *(*uint16)(p) == 0
	case reflect.Int32, reflect.Uint32:
		return *(*uint32)(p) == 0
	case reflect.Float32:
		return *(*float32)(p) == 0
	case reflect.Float64:
		return *(*float64)(p) == 0
	case reflect.Int:
		return *(*int)(p) == 0
	case reflect.Uint:
		return *(*uint)(p) == 0
	case reflect.Uintptr:
		return *(*uintptr)(p) == 0
	}
	return *(*uint64)(p) == 0 // int64, uint64
}

// checkAt runs f's rules on the field at p without reflect when its kind
// allows (f.fast), else through check.
func (f *field) checkAt(p unsafe.Pointer) (*rule, string) {
	if !f.fast {
		return check(f.rules, reflect.NewAt(f.typ, p).Elem())
	}
	var zero bool
	if f.isPtr {
		zero = *(*unsafe.Pointer)(p) == nil
	} else {
		zero = isZeroAt(p, f.vk)
	}
	loaded := false
	var v val
	for i := range f.rules {
		ru := &f.rules[i]
		switch ru.op {
		case opOmitEmpty:
			if zero {
				return nil, ""
			}
			continue
		case opRequired:
			if zero {
				return ru, "is required"
			}
			continue
		case opUnknown:
			return ru, "has rule " + strconv.Quote(ru.name) + " that bind does not know; set Options.Validator"
		}
		if !loaded {
			q := p
			if f.isPtr {
				if q = *(*unsafe.Pointer)(p); q == nil {
					return nil, "" // an absent optional value passes
				}
			}
			v, loaded = readVal(q, f.vk), true
		}
		if m := checkVal(ru, v); m != "" {
			return ru, m
		}
	}
	return nil, ""
}

func checkVal(ru *rule, v val) string {
	switch ru.op {
	case opMin, opMax, opLen, opGT, opGTE, opLT, opLTE:
		var x float64
		unit := ""
		switch v.k {
		case reflect.String:
			x, unit = float64(utf8.RuneCountInString(v.s)), " characters long"
		case reflect.Slice:
			x, unit = float64(v.n), " items"
		case reflect.Int:
			x = float64(v.i)
		case reflect.Uint:
			x = float64(v.u)
		case reflect.Float64:
			x = v.f
		default:
			return ""
		}
		n := ru.n
		p := ru.param
		switch ru.op {
		case opMin, opGTE:
			if x < n {
				return sized("must be at least ", p, unit)
			}
		case opMax, opLTE:
			if x > n {
				return sized("must be at most ", p, unit)
			}
		case opLen:
			if x != n {
				return sized("must be exactly ", p, unit)
			}
		case opGT:
			if x <= n {
				return sized("must be more than ", p, unit)
			}
		case opLT:
			if x >= n {
				return sized("must be less than ", p, unit)
			}
		}
	case opOneOf:
		switch v.k {
		case reflect.String:
			for _, w := range ru.words {
				if v.s == w {
					return ""
				}
			}
		case reflect.Int:
			for _, w := range ru.words {
				if n, err := strconv.ParseInt(w, 10, 64); err == nil && n == v.i {
					return ""
				}
			}
		case reflect.Uint:
			for _, w := range ru.words {
				if n, err := strconv.ParseUint(w, 10, 64); err == nil && n == v.u {
					return ""
				}
			}
		default:
			return ""
		}
		return "must be one of " + strings.Join(ru.words, ", ")
	case opEmail:
		if v.k == reflect.String && !isEmail(v.s) {
			return "must be a valid email address"
		}
	case opURL:
		if v.k == reflect.String && !isURL(v.s) {
			return "must be a valid URL"
		}
	case opPattern:
		if v.k == reflect.String && !ru.re.MatchString(v.s) {
			return "must match " + ru.re.String()
		}
	}
	return ""
}

func sized(prefix, p, unit string) string {
	if unit == " items" && p == "1" {
		unit = " item"
	}
	return prefix + p + unit
}

// isEmail accepts addr-spec "local@domain" with a dot-atom local part
// (RFC 5322 atext and dots, no quoted strings) of at most 64 bytes and a
// domain of LDH labels with at least one dot.
func isEmail(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at > 64 || len(s)-at-1 > 253 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	prevDot := true
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		prevDot = false
		if !isAtext(c) {
			return false
		}
	}
	if prevDot {
		return false
	}
	if !isHostname(domain, true) {
		return false
	}
	// The top-level label is not all digits ("a@1.2" is no address).
	tld := domain[strings.LastIndexByte(domain, '.')+1:]
	return strings.TrimLeft(tld, "0123456789") != ""
}

func isAtext(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0 || c >= 0x80
}

// isHostname checks LDH labels of 1-63 bytes separated by dots; needDot
// requires at least two labels.
func isHostname(s string, needDot bool) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	labels, n := 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if n == 0 || n > 63 || s[i-1] == '-' || s[i-n] == '-' {
				return false
			}
			labels++
			n = 0
			continue
		}
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c >= 0x80) {
			return false
		}
		n++
	}
	return !needDot || labels >= 2
}

// isURL accepts an absolute URL: a scheme, and a host for the hierarchical
// form ("scheme://host...") or a non-empty opaque part ("mailto:x@y").
func isURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	if strings.HasPrefix(s[len(u.Scheme):], "://") {
		return u.Host != "" || u.Scheme == "file"
	}
	return u.Opaque != ""
}
