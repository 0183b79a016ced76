package bind

import (
	"math"
	"reflect"
	"testing"
)

// TestCheckAtMatchesReflect: the unsafe fast path and the reflect path give
// the same verdicts for every fast kind, zero and non-zero, direct and
// behind pointers.
func TestCheckAtMatchesReflect(t *testing.T) {
	type s struct {
		S   string   `query:"s" validate:"required,min=2,max=3,oneof=ab abc x"`
		I8  int8     `query:"i8" validate:"omitempty,gt=-2,lt=5"`
		I   int      `query:"i" validate:"required,oneof=1 7"`
		U16 uint16   `query:"u16" validate:"gte=3"`
		U   uint     `query:"u" validate:"omitempty,len=4"`
		F32 float32  `query:"f32" validate:"required,lte=1.5"`
		F   float64  `query:"f" validate:"required"`
		B   bool     `query:"b" validate:"required"`
		L   []int    `query:"l" validate:"required,max=2"`
		PS  *string  `query:"ps" validate:"omitempty,min=2"`
		PI  *int64   `query:"pi" validate:"required,max=9"`
		M   string   `query:"m" validate:"omitempty,email"`
		Ss  []string `query:"ss" validate:"omitempty,min=1"`
	}
	p, err := planFor(reflect.TypeFor[s]())
	if err != nil {
		t.Fatal(err)
	}
	str := func(v string) *string { return &v }
	i64 := func(v int64) *int64 { return &v }
	values := []s{
		{},
		{S: "ab", I8: -1, I: 7, U16: 3, U: 4, F32: 1.5, F: math.Copysign(0, -1), B: true, L: []int{}, PS: str("x"), PI: i64(10), M: "a@b.co", Ss: []string{}},
		{S: "abcd", I8: 5, I: 2, U16: 2, U: 5, F32: 2, F: 1, L: []int{1, 2, 3}, PS: str(""), PI: i64(0), M: "nope", Ss: []string{"a"}},
		{S: "x", I8: -2, I: 1, U16: 65535, F32: -1, L: nil, PS: str("abc"), PI: i64(9)},
	}
	for vi := range values {
		base := reflect.ValueOf(&values[vi]).UnsafePointer()
		for i := range p.fields {
			f := &p.fields[i]
			r1, m1 := f.checkAt(f.at(base))
			r2, m2 := check(f.rules, reflect.NewAt(f.typ, f.at(base)).Elem())
			if r1 != r2 || m1 != m2 {
				t.Errorf("value %d field %s (fast %v): checkAt = %v %q, reflect = %v %q", vi, f.name, f.fast, r1, m1, r2, m2)
			}
		}
	}
	fast := 0
	for i := range p.fields {
		if p.fields[i].fast {
			fast++
		}
	}
	if fast != len(p.fields) {
		t.Errorf("%d of %d fields on the fast path", fast, len(p.fields))
	}
}
