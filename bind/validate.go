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
	switch ru.op {
	case opMin, opMax, opLen, opGT, opGTE, opLT, opLTE:
		var x float64
		unit := ""
		switch v.Kind() {
		case reflect.String:
			x, unit = float64(utf8.RuneCountInString(v.String())), " characters long"
		case reflect.Slice, reflect.Map, reflect.Array:
			x, unit = float64(v.Len()), " items"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			x = float64(v.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			x = float64(v.Uint())
		case reflect.Float32, reflect.Float64:
			x = v.Float()
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
		var s string
		switch v.Kind() {
		case reflect.String:
			s = v.String()
			for _, w := range ru.words {
				if s == w {
					return ""
				}
			}
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			for _, w := range ru.words {
				if n, err := strconv.ParseInt(w, 10, 64); err == nil && n == v.Int() {
					return ""
				}
			}
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			for _, w := range ru.words {
				if n, err := strconv.ParseUint(w, 10, 64); err == nil && n == v.Uint() {
					return ""
				}
			}
		default:
			return ""
		}
		return "must be one of " + strings.Join(ru.words, ", ")
	case opEmail:
		if v.Kind() == reflect.String && !isEmail(v.String()) {
			return "must be a valid email address"
		}
	case opURL:
		if v.Kind() == reflect.String && !isURL(v.String()) {
			return "must be a valid URL"
		}
	case opPattern:
		if v.Kind() == reflect.String && !ru.re.MatchString(v.String()) {
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
