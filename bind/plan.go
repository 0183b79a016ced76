package bind

// A plan is compiled once per struct type, the first time Bind sees it, and
// cached in a copy-on-write map (reads are one atomic load and a map lookup,
// safe under concurrency). It is a flat list of fields: nested and embedded
// structs are flattened with their offsets added, every field knows its
// location, wire name, converter and rules, so binding a request is a loop
// over that list with no reflection walk.

import (
	"fmt"
	"mime/multipart"
	"net/textproto"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

type fieldKind uint8

const (
	kScalar fieldKind = iota // string, int, time.Time, ...
	kPtr                     // *scalar: nil when absent
	kSlice                   // []scalar: repeated keys and comma lists
	kMap                     // map[string]scalar or map[string][]string, name "*"
	kFile                    // *multipart.FileHeader
	kFiles                   // []*multipart.FileHeader
	kBody                    // decoded by the JSON body; rules only
)

type field struct {
	name   string // wire name
	goName string // Go path, for plan errors
	in     Location
	kind   fieldKind
	offset uintptr
	typ    reflect.Type // the field's type
	sc     scalar       // element converter (kScalar, kPtr, kSlice, kMap)
	split  bool         // kSlice: split each value on commas
	def    string       // `default` value
	hasDef bool
	rules  []rule
	// fast: the rules read the value through unsafe (checkAt); vk is the
	// kind of the value (behind the pointer when isPtr).
	fast  bool
	isPtr bool
	vk    reflect.Kind
	// zeroOnBody: the field has a source tag and no json tag, so
	// encoding/json may have set it by its Go name; it is zeroed when
	// absent from its source after a JSON body was decoded.
	zeroOnBody bool
}

type plan struct {
	typ      reflect.Type
	fields   []field
	hasJSON  bool // some field is decoded from a JSON body
	hasForm  bool // some field is a form field or file
	hasRules bool
	unknown  error // a validate rule only a Validator knows
	// jsonStrs are the offsets of every string a JSON body can set, when
	// jsonCopy says that list is complete (see jsonStrings).
	jsonStrs []uintptr
	jsonCopy bool
}

var (
	planMu    sync.Mutex
	planCache atomic.Pointer[map[reflect.Type]*plan]
)

// planFor returns the cached plan for struct type t, compiling it once.
func planFor(t reflect.Type) (*plan, error) {
	if m := planCache.Load(); m != nil {
		if p, ok := (*m)[t]; ok {
			return p, nil
		}
	}
	planMu.Lock()
	defer planMu.Unlock()
	old := planCache.Load()
	if old != nil {
		if p, ok := (*old)[t]; ok {
			return p, nil
		}
	}
	p, err := compile(t)
	if err != nil {
		return nil, err
	}
	m := make(map[reflect.Type]*plan, 1+lenMap(old))
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[t] = p
	planCache.Store(&m)
	return p, nil
}

func lenMap(m *map[reflect.Type]*plan) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

var (
	fileHeaderType = reflect.TypeFor[*multipart.FileHeader]()
	locTags        = [...]struct {
		tag string
		loc Location
	}{{"path", InPath}, {"query", InQuery}, {"header", InHeader}, {"cookie", InCookie}, {"form", InForm}}
)

func compile(t reflect.Type) (*plan, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("bind: target must be a pointer to a struct, not %s", reflect.PointerTo(t))
	}
	p := &plan{typ: t}
	if err := p.walk(t, 0, "", "", false, 0); err != nil {
		return nil, err
	}
	p.jsonStrs, p.jsonCopy = jsonStrings(t, 0, nil, 0)
	for i := range p.fields {
		f := &p.fields[i]
		switch f.in {
		case InBody:
			p.hasJSON = true
		case InForm:
			p.hasForm = true
		}
		if len(f.rules) > 0 {
			p.hasRules = true
		}
		if len(f.rules) > 0 {
			vt := f.typ
			if vt.Kind() == reflect.Pointer {
				f.isPtr, vt = true, vt.Elem()
			}
			f.vk = vt.Kind()
			// time.Time and other structs, maps, pointers to pointers:
			// through reflect.
			f.fast = fastKind(f.vk) && (!f.isPtr || vt.Kind() != reflect.Pointer)
		}
		for _, r := range f.rules {
			if r.op == opUnknown && p.unknown == nil {
				p.unknown = fmt.Errorf("bind: %s.%s: validation rule %q is not built in; set Options.Validator", t, f.goName, r.name)
			}
		}
	}
	return p, nil
}

// walk adds the fields of struct type t found at offset base. goPath and
// jsonPath prefix the names of nested fields.
//
// inBody is set inside a struct decoded from the JSON body: there only
// json names, defaults and rules matter.
func (p *plan) walk(t reflect.Type, base uintptr, goPath, jsonPath string, inBody bool, depth int) error {
	if depth > 16 {
		return fmt.Errorf("bind: %s: structs nested too deep", t)
	}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		goName := goPath + sf.Name
		loc, name, opts := Location(0), "", ""
		for _, lt := range locTags {
			if inBody {
				break
			}
			if v, ok := sf.Tag.Lookup(lt.tag); ok {
				if loc != 0 {
					return fmt.Errorf("bind: %s.%s: more than one source tag", p.typ, goName)
				}
				loc = lt.loc
				name, opts, _ = strings.Cut(v, ",")
			}
		}
		if name == "-" {
			continue
		}
		jsonTag, hasJSON := sf.Tag.Lookup("json")
		jsonName, _, _ := strings.Cut(jsonTag, ",")
		if jsonName == "-" && loc == 0 {
			continue
		}
		ft := sf.Type
		// Untagged structs (embedded or named) are flattened, except the
		// struct types that convert from one string.
		if loc == 0 && !hasJSON && ft.Kind() == reflect.Struct && ft != timeType &&
			!reflect.PointerTo(ft).Implements(textUnmarType) {
			if err := p.walk(ft, base+sf.Offset, goName+".", jsonPath, inBody, depth+1); err != nil {
				return err
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		f := field{goName: goName, in: loc, name: name, offset: base + sf.Offset, typ: ft}
		f.def, f.hasDef = sf.Tag.Lookup("default")
		rules, err := compileRules(sf.Tag.Get("validate"), sf.Tag.Get("pattern"), ft)
		if err != nil {
			return fmt.Errorf("bind: %s.%s: %w", p.typ, goName, err)
		}
		f.rules = rules
		if loc == 0 {
			// A body field: decoded by JSON; bind only validates it.
			if !hasJSON && len(rules) == 0 && !f.hasDef {
				continue
			}
			if jsonName == "" {
				jsonName = sf.Name
			}
			f.in, f.kind, f.name = InBody, kBody, jsonPath+jsonName
			if ft.Kind() == reflect.Struct && ft != timeType && !reflect.PointerTo(ft).Implements(textUnmarType) {
				// Validate and default the fields of a nested JSON object.
				if err := p.walk(ft, f.offset, goName+".", f.name+".", true, depth+1); err != nil {
					return err
				}
				if len(rules) == 0 {
					continue
				}
			}
			if f.hasDef {
				f.sc, err = scalarFor(ft, sf.Tag.Get("layout"))
				if err != nil {
					return fmt.Errorf("bind: %s.%s: default on a %s field", p.typ, goName, ft)
				}
			}
			p.fields = append(p.fields, f)
			continue
		}
		if f.name == "" {
			f.name = sf.Name
		}
		f.zeroOnBody = !hasJSON
		if loc == InHeader && f.name != "*" {
			f.name = textproto.CanonicalMIMEHeaderKey(f.name)
		}
		if err := f.setKind(sf.Tag.Get("layout"), opts); err != nil {
			return fmt.Errorf("bind: %s.%s (%s %q): %w", p.typ, goName, loc, f.name, err)
		}
		if f.hasDef && f.kind != kScalar && f.kind != kPtr && f.kind != kSlice {
			return fmt.Errorf("bind: %s.%s: default on a %s field", p.typ, goName, ft)
		}
		if f.hasDef {
			// Check the default once, here, rather than per request.
			parts := []string{f.def}
			if f.kind == kSlice && f.split {
				parts = strings.Split(f.def, ",")
			}
			for _, d := range parts {
				tmp := reflect.New(f.sc.typ)
				if err := f.sc.set(tmp.UnsafePointer(), d, nil); err != nil {
					return fmt.Errorf("bind: %s.%s: default %q: %s", p.typ, goName, f.def, convMessage(&f.sc, d, err))
				}
			}
		}
		p.fields = append(p.fields, f)
	}
	return nil
}

func (f *field) setKind(layout, opts string) error {
	ft := f.typ
	var err error
	if f.name == "*" {
		if ft.Kind() != reflect.Map || ft.Key().Kind() != reflect.String {
			return fmt.Errorf("name \"*\" needs a map[string]T field, not %s", ft)
		}
		f.kind = kMap
		et := ft.Elem()
		if et.Kind() == reflect.Slice && et != bytesType {
			et = et.Elem()
		}
		f.sc, err = scalarFor(et, layout)
		return err
	}
	if f.in == InForm {
		switch {
		case ft == fileHeaderType:
			f.kind = kFile
			return nil
		case ft.Kind() == reflect.Slice && ft.Elem() == fileHeaderType:
			f.kind = kFiles
			return nil
		}
	}
	if f.sc, err = scalarFor(ft, layout); err == nil {
		f.kind = kScalar
		return nil
	}
	switch ft.Kind() {
	case reflect.Pointer:
		f.kind = kPtr
		f.sc, err = scalarFor(ft.Elem(), layout)
	case reflect.Slice:
		f.kind = kSlice
		f.sc, err = scalarFor(ft.Elem(), layout)
		f.split = ft.Elem().Kind() != reflect.String || hasOpt(opts, "split")
		if hasOpt(opts, "nosplit") {
			f.split = false
		}
	}
	if err != nil {
		return fmt.Errorf("cannot bind a %s", ft)
	}
	if f.kind == kScalar {
		return fmt.Errorf("cannot bind a %s", ft)
	}
	return nil
}

func hasOpt(opts, o string) bool {
	for opts != "" {
		var cur string
		cur, opts, _ = strings.Cut(opts, ",")
		if cur == o {
			return true
		}
	}
	return false
}

// at returns a pointer to the field in the struct at base.
func (f *field) at(base unsafe.Pointer) unsafe.Pointer {
	return unsafe.Add(base, f.offset)
}

// WireName maps a field of struct type t, named by its Go path ("Email",
// "Address.Zip", "Embedded.Region": the form go-playground/validator's
// StructNamespace uses, without the leading type name), to where it binds
// from and its wire name ("email", "address.zip", "region"). ok is false
// for a field bind does not bind or validate, or a type it cannot plan.
// Validator adapters use it to report errors by wire name.
func WireName(t reflect.Type, goPath string) (name string, in Location, ok bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	p, err := planFor(t)
	if err != nil {
		return "", 0, false
	}
	for i := range p.fields {
		if f := &p.fields[i]; f.goName == goPath {
			return f.name, f.in, true
		}
	}
	return "", 0, false
}
