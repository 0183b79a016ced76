package bind_test

import (
	"errors"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako/bind"
)

type Embedded struct {
	Region string `query:"region"`
}

type kinds struct {
	Embedded
	Nested struct {
		Zone string `query:"zone"`
	}
	S     string            `query:"s"`
	B     []byte            `query:"b"`
	Bool  bool              `query:"bool"`
	I     int               `query:"i"`
	I8    int8              `query:"i8"`
	I16   int16             `query:"i16"`
	I32   int32             `query:"i32"`
	I64   int64             `query:"i64"`
	U     uint              `query:"u"`
	U8    uint8             `query:"u8"`
	U16   uint16            `query:"u16"`
	U32   uint32            `query:"u32"`
	U64   uint64            `query:"u64"`
	F32   float32           `query:"f32"`
	F64   float64           `query:"f64"`
	T     time.Time         `query:"t"`
	Day   time.Time         `query:"day" layout:"2006-01-02"`
	D     time.Duration     `query:"d"`
	Addr  netip.Addr        `query:"addr"`
	PI    *int              `query:"pi"`
	PS    *string           `query:"ps"`
	Ints  []int             `query:"ints"`
	Strs  []string          `query:"strs"`
	Split []string          `query:"split,split"`
	All   map[string]string `query:"*"`
	Named kindName          `query:"named"`
	Skip  string            `query:"-"`
}

type kindName string

func TestKinds(t *testing.T) {
	src := &fakeSource{query: [][2]string{
		{"region", "eu"}, {"zone", "b"}, {"s", "héllo"}, {"b", "raw"}, {"bool", "on"},
		{"i", "-1"}, {"i8", "-128"}, {"i16", "32767"}, {"i32", "-5"}, {"i64", "9223372036854775807"},
		{"u", "1"}, {"u8", "255"}, {"u16", "65535"}, {"u32", "7"}, {"u64", "18446744073709551615"},
		{"f32", "1.5"}, {"f64", "-2.25e3"}, {"t", "2024-02-29T12:30:00+01:00"}, {"day", "2024-02-29"},
		{"d", "1h30m"}, {"addr", "192.0.2.1"}, {"pi", "5"}, {"ints", "1,2"}, {"ints", "3"},
		{"strs", "a,b"}, {"strs", "c"}, {"split", "x,y"}, {"named", "n"}, {"Skip", "no"},
	}}
	var v kinds
	if err := bind.Bind(src, &v); err != nil {
		t.Fatal(err)
	}
	five := 5
	want := kinds{
		Embedded: Embedded{"eu"}, S: "héllo", B: []byte("raw"), Bool: true,
		I: -1, I8: -128, I16: 32767, I32: -5, I64: math.MaxInt64,
		U: 1, U8: 255, U16: 65535, U32: 7, U64: math.MaxUint64, F32: 1.5, F64: -2250,
		T:     time.Date(2024, 2, 29, 12, 30, 0, 0, time.FixedZone("", 3600)),
		Day:   time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		D:     90 * time.Minute,
		Addr:  netip.MustParseAddr("192.0.2.1"),
		PI:    &five,
		Ints:  []int{1, 2, 3},
		Strs:  []string{"a,b", "c"},
		Split: []string{"x", "y"},
		Named: "n",
	}
	want.Nested.Zone = "b"
	want.All = map[string]string{}
	for _, kv := range src.query {
		if _, ok := want.All[kv[0]]; !ok {
			want.All[kv[0]] = kv[1]
		}
	}
	if !v.T.Equal(want.T) {
		t.Errorf("T = %v, want %v", v.T, want.T)
	}
	v.T = want.T
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got  %+v\nwant %+v", v, want)
	}
}

func TestConversionErrors(t *testing.T) {
	for _, tc := range []struct {
		key, val, msg string
	}{
		{"i", "x", `query "i": "x" is not an integer`},
		{"i8", "128", `query "i8": "128" is out of range for int8`},
		{"u", "-1", `query "u": "-1" is not an unsigned integer`},
		{"u8", "256", `query "u8": "256" is out of range for uint8`},
		{"f64", "1e400", `query "f64": "1e400" is out of range for float64`},
		{"bool", "yes", `query "bool": "yes" is not a boolean`},
		{"t", "2024-02-30", `query "t": "2024-02-30" is not a time (2006-01-02T15:04:05.999999999Z07:00)`},
		{"day", "2024-02-29T00:00:00Z", `query "day": "2024-02-29T00:00:00Z" is not a time (2006-01-02)`},
		{"d", "5", `query "d": "5" is not a duration`},
		{"addr", "300.1.1.1", `query "addr": "300.1.1.1" is not a valid netip.Addr: `},
		{"pi", "1.5", `query "pi": "1.5" is not an integer`},
		{"ints", "1,x", `query "ints": "x" is not an integer`},
	} {
		var v kinds
		err := bind.Bind(&fakeSource{query: [][2]string{{tc.key, tc.val}}}, &v)
		var errs *bind.Errors
		if !errors.As(err, &errs) || len(errs.Fields) != 1 {
			t.Errorf("%s=%s: err = %v, want one field error", tc.key, tc.val, err)
			continue
		}
		fe := errs.Fields[0]
		if fe.Field != tc.key || fe.In != bind.InQuery || fe.Rule != bind.RuleType || !errs.Malformed() {
			t.Errorf("%s=%s: %+v", tc.key, tc.val, fe)
		}
		if got := fe.Error(); !strings.HasPrefix(got, "bind: "+tc.msg) {
			t.Errorf("%s=%s: %q, want prefix %q", tc.key, tc.val, got, "bind: "+tc.msg)
		}
	}
}

func TestErrorsListEveryField(t *testing.T) {
	type in struct {
		UserID int    `query:"user_id"`
		Token  string `header:"x-token" validate:"required"`
		Lang   string `cookie:"lang" validate:"oneof=en fr"`
		Email  string `json:"email" validate:"required,email"`
	}
	src := &fakeSource{
		query:  [][2]string{{"user_id", "abc"}},
		cookie: [][2]string{{"lang", "de"}},
		body:   []byte(`{"email":"x"}`),
		ctype:  "application/json; charset=utf-8",
	}
	var v in
	err := bind.Bind(src, &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) {
		t.Fatal(err)
	}
	type got struct {
		field string
		in    bind.Location
		rule  string
	}
	var g []got
	for _, fe := range errs.Fields {
		g = append(g, got{fe.Field, fe.In, fe.Rule})
	}
	want := []got{
		{"user_id", bind.InQuery, "type"},
		{"X-Token", bind.InHeader, "required"},
		{"lang", bind.InCookie, "oneof"},
		{"email", bind.InBody, "email"},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("got %v\nwant %v", g, want)
	}
	if !errs.Malformed() {
		t.Error("Malformed() = false with a type error")
	}
	var fe *bind.FieldError
	if !errors.As(err, &fe) || fe.Field != "user_id" {
		t.Errorf("errors.As *FieldError: %v", fe)
	}
	wantMsg := `bind: query "user_id": "abc" is not an integer; header "X-Token": is required; cookie "lang": must be one of en, fr; body "email": must be a valid email address`
	if err.Error() != wantMsg {
		t.Errorf("message\n got %s\nwant %s", err, wantMsg)
	}
	// Without the type error every failure is a validation rule: 422.
	src.query = nil
	err = bind.Bind(src, &v)
	if !errors.As(err, &errs) || errs.Malformed() || len(errs.Fields) != 3 {
		t.Errorf("validation only: %v (malformed %v)", err, errs.Malformed())
	}
}

func TestDefaultsAndAbsent(t *testing.T) {
	type in struct {
		Page  int      `query:"page" default:"1"`
		Sort  string   `query:"sort" default:"name"`
		Tags  []int    `query:"tag" default:"1,2"`
		Ptr   *int     `query:"ptr"`
		PDef  *int     `query:"pdef" default:"7"`
		Empty int      `query:"empty" default:"3"`
		Str   string   `query:"str" default:"d"`
		None  []string `query:"none"`
	}
	var v in
	if err := bind.Bind(&fakeSource{query: [][2]string{{"empty", ""}, {"str", ""}}}, &v); err != nil {
		t.Fatal(err)
	}
	seven := 7
	want := in{Page: 1, Sort: "name", Tags: []int{1, 2}, PDef: &seven, Empty: 3, Str: ""}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v\nwant %+v", v, want)
	}
}

func TestBadPlans(t *testing.T) {
	for name, target := range map[string]any{
		"not a pointer": struct{}{},
		"not a struct":  new(int),
		"chan field": &struct {
			C chan int `query:"c"`
		}{},
		"bad default": &struct {
			N int `query:"n" default:"x"`
		}{},
		"two sources": &struct {
			N int `query:"n" header:"n"`
		}{},
		"bad pattern": &struct {
			S string `query:"s" pattern:"("`
		}{},
		"bad min": &struct {
			S string `query:"s" validate:"min=x"`
		}{},
		"unknown rule": &struct {
			S string `query:"s" validate:"uuid4"`
		}{},
		"map without *": &struct {
			M map[string]string `query:"m"`
		}{},
		"star on non-map": &struct {
			S string `query:"*"`
		}{},
	} {
		err := bind.Bind(&fakeSource{}, target)
		var errs *bind.Errors
		if err == nil || errors.As(err, &errs) || !strings.HasPrefix(err.Error(), "bind: ") {
			t.Errorf("%s: err = %v, want a plan error", name, err)
		}
	}
	var nilPtr *kinds
	if err := bind.Bind(&fakeSource{}, nilPtr); err == nil {
		t.Error("nil pointer: no error")
	}
}

func TestMapFields(t *testing.T) {
	type in struct {
		Q map[string][]int  `query:"*"`
		H map[string]string `header:"*"`
	}
	src := &fakeSource{
		query:  [][2]string{{"a", "1"}, {"b", "2"}, {"a", "3"}},
		header: [][2]string{{"X-A", "x"}},
	}
	var v in
	if err := bind.Bind(src, &v); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Q, map[string][]int{"a": {1, 3}, "b": {2}}) || !reflect.DeepEqual(v.H, map[string]string{"X-A": "x"}) {
		t.Errorf("%+v", v)
	}
	src.query = append(src.query, [2]string{"c", "x"})
	err := bind.Bind(src, &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) || errs.Fields[0].Field != "c" || errs.Fields[0].Rule != bind.RuleType {
		t.Errorf("err = %v", err)
	}
}

func TestWireName(t *testing.T) {
	typ := reflect.TypeFor[kinds]()
	for _, tc := range []struct {
		path, name string
		in         bind.Location
		ok         bool
	}{
		{"Embedded.Region", "region", bind.InQuery, true},
		{"Nested.Zone", "zone", bind.InQuery, true},
		{"I64", "i64", bind.InQuery, true},
		{"Skip", "", 0, false},
		{"Nope", "", 0, false},
	} {
		name, in, ok := bind.WireName(typ, tc.path)
		if name != tc.name || in != tc.in || ok != tc.ok {
			t.Errorf("WireName(%q) = %q, %v, %v", tc.path, name, in, ok)
		}
	}
	name, in, ok := bind.WireName(reflect.TypeFor[*bodyIn](), "Address.Zip")
	if name != "address.zip" || in != bind.InBody || !ok {
		t.Errorf("nested JSON: %q %v %v", name, in, ok)
	}
}
