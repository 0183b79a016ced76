package bind

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"reflect"
	"strconv"
	"unsafe"

	"github.com/tako-go/tako/parse"
)

// Default limits for multipart bodies that bind parses itself.
const (
	// DefaultMaxMultipartSize bounds a multipart/form-data body bind parses
	// (the Source bounds what Body returns; this is bind's own ceiling).
	DefaultMaxMultipartSize = 32 << 20
	// DefaultMaxPartSize bounds each part (field or file) of it.
	DefaultMaxPartSize = 10 << 20
	// DefaultMaxValues bounds the elements of one slice field (repeated
	// keys and comma-separated items together). A Source is asked for
	// each repeated key by index, which may rescan the query each time,
	// so the bound also bounds that work.
	DefaultMaxValues = 256
)

// Options configures binding. The zero value is the default: strings copied,
// parse's default JSON configuration, the built-in validation rules, the
// default multipart limits. An Options value may be shared by goroutines.
type Options struct {
	// ZeroCopy lets bound strings and []byte fields (and strings decoded
	// from the JSON body) alias the Source's buffers instead of being
	// copied. They are then valid only as long as those buffers: with
	// Tako's Ctx, until the handler returns. A [StableSource] (such as
	// [Request]: a *http.Request's strings are immutable and its body
	// buffer is its own) is never copied from, since aliasing it is safe:
	// ZeroCopy changes nothing there.
	ZeroCopy bool

	// JSON configures the body decoder. Its ZeroCopy field is ignored:
	// Options.ZeroCopy decides.
	JSON parse.JSON

	// Validator, when set, validates the bound struct instead of the
	// built-in rules (see [Validator]).
	Validator Validator

	// MaxMultipartSize and MaxPartSize bound multipart bodies bind parses
	// itself (not those a [MultipartSource] returns). Zero means
	// DefaultMaxMultipartSize and DefaultMaxPartSize.
	MaxMultipartSize int64
	MaxPartSize      int64

	// MaxValues bounds the elements of a slice field; more is a RuleSize
	// error. Zero means DefaultMaxValues.
	MaxValues int
}

var defaultOptions Options

// Bind fills the struct v points to from src with the default [Options].
// See [Options.Bind].
func Bind(src Source, v any) error {
	return defaultOptions.Bind(src, v)
}

// Into binds a new T from src with the default [Options]: the generic form
// of [Bind] for a handler's typed input.
func Into[T any](src Source) (T, error) {
	var v T
	err := defaultOptions.Bind(src, &v)
	return v, err
}

// Bind fills the struct v points to from src, in this order:
//
//  1. `default` values of body fields are set;
//  2. the body is decoded: JSON into the `json` fields when the struct has
//     any and the Content-Type is application/json, */*+json or absent; a
//     urlencoded or multipart form for `form` fields;
//  3. every `path`, `query`, `header`, `cookie` and `form` field is set from
//     its source, or from its `default` when absent (empty counts as absent
//     for non-string types); a field with such a tag and no `json` tag is
//     zeroed when absent after a JSON body was decoded, so the body cannot
//     set what the struct says comes from elsewhere;
//  4. validation: the built-in `validate` rules, or Options.Validator.
//
// A client mistake (a value that does not convert, malformed body, failed
// rule) is returned as *Errors listing every failing field by its wire name.
// The Source's own Body error is returned wrapped. Other errors are
// programming mistakes: v not a non-nil pointer to a struct, a field type
// bind cannot convert, a bad tag (checked once per type, when its plan is
// compiled).
func (o *Options) Bind(src Source, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("bind: target must be a non-nil pointer to a struct, not %T", v)
	}
	p, err := planFor(rv.Type().Elem())
	if err != nil {
		return err
	}
	if p.unknown != nil && o.Validator == nil {
		return p.unknown
	}
	b := binder{o: o, src: src, p: p, base: rv.UnsafePointer()}
	if !o.ZeroCopy {
		if ss, ok := src.(StableSource); !ok || !ss.Stable() {
			b.cp = copierPool.Get().(*copier)
			defer copierPool.Put(b.cp)
		}
	}
	if p.hasJSON || p.hasForm {
		if err := b.body(v); err != nil {
			return err
		}
	}
	for i := range p.fields {
		f := &p.fields[i]
		if f.kind != kBody {
			b.field(f)
		}
	}
	if o.Validator != nil {
		if err := o.Validator.Validate(v); err != nil {
			var ve *Errors
			if !errors.As(err, &ve) {
				return err
			}
			b.errs = append(b.errs, ve.Fields...)
		}
	} else if p.hasRules {
		b.validate()
	}
	if len(b.errs) > 0 {
		return &Errors{Fields: b.errs}
	}
	return nil
}

// binder is one Bind call's state; it lives on the stack.
type binder struct {
	o        *Options
	src      Source
	p        *plan
	base     unsafe.Pointer
	cp       *copier // nil: strings alias the source
	decoded  bool    // a JSON body was decoded into the struct
	bodyBad  bool    // the body failed to decode
	formRaw  string  // urlencoded body
	formKind uint8   // 0 none, 1 urlencoded, 2 multipart
	mform    *multipart.Form
	errs     []FieldError
}

func (b *binder) fail(f *field, rule, msg string, err error) {
	b.errs = append(b.errs, FieldError{Field: f.name, In: f.in, Rule: rule, Message: msg, Err: err})
	if b.decoded && f.zeroOnBody && f.kind != kBody {
		// What the JSON body put there must not survive (nor alias the
		// body): the field comes from its own source only.
		reflect.NewAt(f.typ, f.at(b.base)).Elem().SetZero()
	}
}

func (b *binder) body(v any) error {
	ct := b.src.ContentType()
	var mt parse.MediaType
	if ct != "" {
		var err error
		if mt, err = parse.ParseMediaType(ct); err != nil {
			b.bodyBad = true
			b.errs = append(b.errs, FieldError{In: InBody, Rule: RuleMediaType, Message: "malformed Content-Type", Err: err})
			return nil
		}
	}
	isJSON := ct == "" || mt.Is("application/json") || (len(mt.Subtype) > 5 && parse.EqualFold(mt.Subtype[len(mt.Subtype)-5:], "+json"))
	if b.p.hasJSON {
		// Body defaults first, so that a JSON body overrides them.
		for i := range b.p.fields {
			if f := &b.p.fields[i]; f.kind == kBody && f.hasDef {
				if err := f.sc.set(f.at(b.base), f.def, nil); err != nil {
					b.fail(f, RuleType, convMessage(&f.sc, f.def, err), err)
				}
			}
		}
	}
	switch {
	case b.p.hasJSON && isJSON:
		data, err := b.src.Body()
		if err != nil {
			return fmt.Errorf("bind: body: %w", err)
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil
		}
		jc := b.o.JSON
		// In safe mode, decode without copying and copy the strings
		// through the copier when the plan knows where they all are.
		late := b.cp != nil && b.p.jsonCopy
		jc.ZeroCopy = b.cp == nil || late
		err = jc.Unmarshal(data, v)
		if late {
			// Also after an error: nothing may alias the body.
			for _, off := range b.p.jsonStrs {
				s := (*string)(unsafe.Add(b.base, off))
				*s = b.cp.str(*s)
			}
		}
		if err != nil {
			b.bodyBad = true
			b.errs = append(b.errs, jsonError(err))
			return nil
		}
		b.decoded = true
	case b.p.hasForm && mt.Is("application/x-www-form-urlencoded"):
		data, err := b.src.Body()
		if err != nil {
			return fmt.Errorf("bind: body: %w", err)
		}
		b.formRaw = unsafe.String(unsafe.SliceData(data), len(data))
		b.formKind = 1
	case b.p.hasForm && mt.Is("multipart/form-data"):
		return b.multipart(mt)
	case b.p.hasJSON && !b.p.hasForm:
		// A body of another type: an error only if there is one.
		data, err := b.src.Body()
		if err != nil {
			return fmt.Errorf("bind: body: %w", err)
		}
		if len(data) > 0 {
			b.bodyBad = true
			b.errs = append(b.errs, FieldError{In: InBody, Rule: RuleMediaType,
				Message: "Content-Type " + mt.Type + "/" + mt.Subtype + " is not JSON"})
		}
	}
	return nil
}

// jsonError converts parse's JSON error into a FieldError.
func jsonError(err error) FieldError {
	fe := FieldError{In: InBody, Rule: RuleSyntax, Err: err, Message: err.Error()}
	var je *parse.JSONError
	if errors.As(err, &je) {
		fe.Field = je.Field
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			fe.Rule = RuleType
			fe.Message = fmt.Sprintf("JSON %s is not %s (offset %d)", te.Value, te.Type, je.Offset)
		case errors.As(err, &se):
			fe.Message = fmt.Sprintf("malformed JSON at offset %d: %s", je.Offset, se.Error())
		default:
			fe.Rule = RuleType
			fe.Message = je.Err.Error()
		}
	}
	return fe
}

// value returns the i-th value of f from its source.
func (b *binder) value(f *field, i int) (string, bool) {
	if f.in != InForm {
		return b.src.Value(f.in, f.name, i)
	}
	switch b.formKind {
	case 1:
		return QueryValue(b.formRaw, f.name, i)
	case 2:
		if vs := b.mform.Value[f.name]; i < len(vs) {
			return vs[i], true
		}
	}
	return "", false
}

func (b *binder) field(f *field) {
	ptr := f.at(b.base)
	switch f.kind {
	case kScalar:
		s, ok := b.value(f, 0)
		if !ok || s == "" && f.sc.typ.Kind() != reflect.String {
			b.absent(f, ptr)
			return
		}
		if err := f.sc.set(ptr, s, b.cp); err != nil {
			b.fail(f, RuleType, convMessage(&f.sc, s, err), err)
		}
	case kPtr:
		s, ok := b.value(f, 0)
		if !ok || s == "" && f.sc.typ.Kind() != reflect.String {
			if f.hasDef {
				s = f.def
			} else {
				b.absent(f, ptr)
				return
			}
		}
		nv := reflect.New(f.sc.typ)
		if err := f.sc.set(nv.UnsafePointer(), s, b.cp); err != nil {
			b.fail(f, RuleType, convMessage(&f.sc, s, err), err)
			return
		}
		*(*unsafe.Pointer)(ptr) = nv.UnsafePointer()
	case kSlice:
		b.slice(f, ptr)
	case kMap:
		b.mapField(f, ptr)
	case kFile, kFiles:
		var fhs []*multipart.FileHeader
		if b.mform != nil {
			fhs = b.mform.File[f.name]
		}
		if len(fhs) == 0 {
			b.absent(f, ptr)
			return
		}
		if f.kind == kFile {
			*(**multipart.FileHeader)(ptr) = fhs[0]
		} else {
			*(*[]*multipart.FileHeader)(ptr) = fhs
		}
	}
}

// absent handles a field its source does not have.
func (b *binder) absent(f *field, ptr unsafe.Pointer) {
	if f.hasDef && f.kind == kScalar {
		if err := f.sc.set(ptr, f.def, nil); err != nil {
			b.fail(f, RuleType, convMessage(&f.sc, f.def, err), err)
		}
		return
	}
	if f.hasDef && f.kind == kSlice {
		b.fill(f, ptr, func(i int) (string, bool) {
			if i == 0 {
				return f.def, true
			}
			return "", false
		})
		return
	}
	if b.decoded && f.zeroOnBody {
		reflect.NewAt(f.typ, ptr).Elem().SetZero()
	}
}

func (b *binder) slice(f *field, ptr unsafe.Pointer) {
	if _, ok := b.value(f, 0); !ok {
		b.absent(f, ptr)
		return
	}
	if f.in == InForm && b.formKind == 1 {
		// A urlencoded body can be large: walk it once per pass with a
		// cursor instead of rescanning it for every i.
		var c queryCursor
		c.raw = b.formRaw
		b.fill(f, ptr, func(i int) (string, bool) { return c.value(f.name, i) })
		return
	}
	b.fill(f, ptr, func(i int) (string, bool) { return b.value(f, i) })
}

// fill sets slice field f from the values get returns for i = 0, 1, ...
// Up to len(seen) values are collected in one pass (a Source may scan its
// whole query for each i); more are fetched again for the second pass.
func (b *binder) fill(f *field, ptr unsafe.Pointer, get func(int) (string, bool)) {
	var seen [8]string
	nv, n := 0, 0
	max := b.o.MaxValues
	if max <= 0 {
		max = DefaultMaxValues
	}
	for i := 0; ; i++ {
		s, ok := get(i)
		if !ok {
			break
		}
		if i == max {
			b.errs = append(b.errs, FieldError{Field: f.name, In: f.in, Rule: RuleSize, Param: strconv.Itoa(max),
				Message: "has more than " + strconv.Itoa(max) + " values"})
			return
		}
		if i < len(seen) {
			seen[i] = s
		}
		nv++
		if s != "" {
			n += countParts(s, f.split)
			if n > max {
				b.errs = append(b.errs, FieldError{Field: f.name, In: f.in, Rule: RuleSize, Param: strconv.Itoa(max),
					Message: "has more than " + strconv.Itoa(max) + " values"})
				return
			}
		}
	}
	if n == 0 {
		if b.decoded && f.zeroOnBody {
			reflect.NewAt(f.typ, ptr).Elem().SetZero()
		}
		return
	}
	// Grow on the field itself allocates the backing array only (MakeSlice
	// would allocate a slice header too).
	sl := reflect.NewAt(f.typ, ptr).Elem()
	sl.SetLen(0)
	sl.Grow(n)
	sl.SetLen(n)
	data := sl.UnsafePointer()
	size := f.sc.typ.Size()
	k := 0
	for i := 0; i < nv; i++ {
		var s string
		if i < len(seen) {
			s = seen[i]
		} else {
			s, _ = get(i)
		}
		if s == "" {
			continue
		}
		for {
			part, rest, more := s, "", false
			if f.split {
				if j := indexComma(s); j >= 0 {
					part, rest, more = s[:j], s[j+1:], true
				}
			}
			if k >= n { // the source changed between passes
				return
			}
			if err := f.sc.set(unsafe.Add(data, uintptr(k)*size), part, b.cp); err != nil {
				b.fail(f, RuleType, convMessage(&f.sc, part, err), err)
				return
			}
			k++
			if !more {
				break
			}
			s = rest
		}
	}
}

func countParts(s string, split bool) int {
	if !split {
		return 1
	}
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			n++
		}
	}
	return n
}

func indexComma(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			return i
		}
	}
	return -1
}

// mapField fills a map[string]T (or map[string][]T) field tagged "*" with
// every key at the field's location. Its state lives in a mapFill, not in
// the binder, so the callback handed to Source.Visit does not move the
// binder to the heap.
func (b *binder) mapField(f *field, ptr unsafe.Pointer) {
	mf := &mapFill{f: f, cp: b.cp, multi: f.typ.Elem().Kind() == reflect.Slice && f.typ.Elem() != bytesType}
	switch {
	case f.in != InForm:
		b.src.Visit(f.in, mf.put)
	case b.formKind == 1:
		VisitQuery(b.formRaw, mf.put)
	case b.formKind == 2:
		for k, vs := range b.mform.Value {
			for _, v := range vs {
				mf.put(k, v)
			}
		}
	}
	b.errs = append(b.errs, mf.errs...)
	if mf.m.IsValid() {
		reflect.NewAt(f.typ, ptr).Elem().Set(mf.m)
	} else {
		b.absent(f, ptr)
	}
}

type mapFill struct {
	f     *field
	m     reflect.Value
	cp    *copier
	multi bool
	errs  []FieldError
}

func (mf *mapFill) put(key, value string) bool {
	f := mf.f
	if !mf.m.IsValid() {
		mf.m = reflect.MakeMap(f.typ)
	}
	key = mf.cp.str(key)
	ev := reflect.New(f.sc.typ)
	if err := f.sc.set(ev.UnsafePointer(), value, mf.cp); err != nil {
		mf.errs = append(mf.errs, FieldError{Field: key, In: f.in, Rule: RuleType, Message: convMessage(&f.sc, value, err), Err: err})
		return true
	}
	kv := reflect.ValueOf(key).Convert(f.typ.Key())
	if mf.multi {
		old := mf.m.MapIndex(kv)
		if !old.IsValid() {
			old = reflect.MakeSlice(f.typ.Elem(), 0, 1)
		}
		mf.m.SetMapIndex(kv, reflect.Append(old, ev.Elem()))
	} else if !mf.m.MapIndex(kv).IsValid() {
		mf.m.SetMapIndex(kv, ev.Elem()) // the first value of a key wins
	}
	return true
}

// validate runs the built-in rules of every field that bound cleanly.
func (b *binder) validate() {
	nerr := len(b.errs)
	for i := range b.p.fields {
		f := &b.p.fields[i]
		if len(f.rules) == 0 || f.kind == kBody && b.bodyBad || failed(b.errs[:nerr], f) {
			continue
		}
		if r, msg := f.checkAt(f.at(b.base)); r != nil {
			b.errs = append(b.errs, FieldError{Field: f.name, In: f.in, Rule: r.name, Param: r.param, Message: msg})
		}
	}
}

func failed(errs []FieldError, f *field) bool {
	for i := range errs {
		if errs[i].In == f.in && errs[i].Field == f.name {
			return true
		}
	}
	return false
}
