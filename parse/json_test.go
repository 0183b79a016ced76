package parse

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// jsonModes are the configurations every behaviour test runs under.
var jsonModes = []JSON{
	{},
	{Mode: JSONAlways},
	{Mode: JSONNever},
	{Mode: JSONThreshold, Threshold: 64},
	{ZeroCopy: true},
}

func TestJSONSonicNative(t *testing.T) {
	// The point of this test: a Go upgrade past sonic's build tags
	// (go1.17 && !go1.28) turns sonic into encoding/json without a word.
	// On linux/amd64 that must fail CI instead of slowing every request.
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("sonic native path only required on linux/amd64, not %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	if !jsonSonicNative {
		t.Fatalf("sonic native (JIT) path is not compiled in for %s: check sonic's build tags against this Go version and upgrade sonic", runtime.Version())
	}
	t.Logf("sonic native on %s; simdjson-go supported CPU: %v", runtime.Version(), jsonSimdSupported)
}

// jsonDiff decodes in with the configuration and with encoding/json into
// fresh values made by mk, and fails if they accept differently or decode to
// different values.
func jsonDiff(t *testing.T, c JSON, in []byte, mk func() any) {
	t.Helper()
	want, got := mk(), mk()
	var stdErr error
	if c.UseNumber || c.DisallowUnknownFields {
		stdErr = jsonStdUnmarshal(in, want, &JSON{UseNumber: c.UseNumber, DisallowUnknownFields: c.DisallowUnknownFields})
	} else {
		stdErr = json.Unmarshal(in, want)
	}
	buf := append([]byte(nil), in...)
	err := c.Unmarshal(buf, got)
	if (err == nil) != (stdErr == nil) {
		t.Fatalf("%+v on %.80q: err %v, encoding/json err %v", c, in, err, stdErr)
	}
	if err != nil {
		if !strings.HasPrefix(err.Error(), "parse: json: ") {
			t.Errorf("error %q lacks the package prefix", err)
		}
		return
	}
	if !c.ZeroCopy {
		// Decoded values must not alias the input.
		for i := range buf {
			buf[i] = 'X'
		}
	}
	if !reflect.DeepEqual(want, got) && !jsonSame(want, got) {
		t.Fatalf("%+v on %.80q: got %#v, encoding/json %#v", c, in, got, want)
	}
}

type jsonEdge struct {
	Name   string             `json:"name"`
	ID     int                `json:"id"`
	F      float64            `json:"f"`
	F32    float32            `json:"f32"`
	U8     uint8              `json:"u8"`
	B      bool               `json:"b"`
	P      *int               `json:"p"`
	S      []string           `json:"s"`
	M      map[string]int     `json:"m"`
	MI     map[int]string     `json:"mi"`
	A      any                `json:"a"`
	Raw    json.RawMessage    `json:"raw"`
	Num    json.Number        `json:"num"`
	Str    int                `json:"str,string"`
	Arr    [2]int             `json:"arr"`
	Nested *jsonEdge          `json:"nested"`
	Bytes  []byte             `json:"bytes"`
	Ignore string             `json:"-"`
	Deep   map[string][]any   `json:"deep"`
	Embed  struct{ X, Y int } `json:"embed"`
}

var jsonEdgeInputs = []string{
	`{}`, `[]`, `null`, `true`, `0`, `-0`, `-0.0`, `[-0]`, `{"f":-0}`, `{"a":-0}`, `1e400`, `[1e400]`,
	`{"f":1e400}`, `{"f32":1e39}`, `{"u8":256}`, `{"u8":-1}`, `{"id":1.5}`, `{"id":"1"}`, `{"id":9223372036854775808}`,
	`"a\xffb"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud834\udd1e"`, "\"\x01\"", "\"\x7f\"", `"\u0000"`, `"\q"`, `"\u12"`,
	`{"a":1,"a":2}`, `{"name":"a","NAME":"b"}`, `{"NAME":"b","name":"a"}`, `{"Name":"x"}`, `{"nAmE":"y"}`,
	`{"name":"x"} `, `{"name":"x"}x`, `1 2`, `[1,]`, `{"a":1,}`, `01`, `-`, `1.`, `.1`, `tru`, ``, ` `, "\xef\xbb\xbf{}",
	`{"raw":{"a" : [1, 2]}}`, `{"raw":nul}`, `{"num":1.5e3}`, `{"num":"1"}`, `{"str":"12"}`, `{"str":12}`, `{"str":"x"}`,
	`{"arr":[1,2,3]}`, `{"arr":[1]}`, `{"arr":[0,0,]}`, `{"arr":[0,0,1 2]}`, `{"nested":{"nested":{"id":3}}}`, `{"bytes":"aGVsbG8="}`, `{"bytes":"!!"}`,
	`{"mi":{"1":"a","x":"b"}}`, `{"m":{"a":1.0}}`, `{"s":[1]}`, `{"s":null}`, `{"p":null}`, `{"p":5}`, `{"-":"x"}`,
	`{"deep":{"k":[1,"a",null,{"z":[]}]}}`, `{"embed":{"X":1,"y":2}}`, `{"unknown":[1,{"a":"\x01"}]}`, `{"unknown":[1,{"a":tru}]}`,
	`{"a":"2014-08-31"}`, `{"a":"x: -0"}`, `[1, -0 ]`, `{"id":-0}`, `{"k\u212a":1}`, `{"nam\u0065":"esc"}`,
	strings.Repeat("[", 5000) + strings.Repeat("]", 5000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 5000) + "1" + strings.Repeat("}", 5000),
}

func TestJSONUnmarshalEdgeCases(t *testing.T) {
	targets := map[string]func() any{
		"any":    func() any { return new(any) },
		"struct": func() any { return new(jsonEdge) },
		"map":    func() any { return new(map[string]any) },
		"slice":  func() any { return new([]any) },
		"float":  func() any { return new(float64) },
		"string": func() any { return new(string) },
	}
	for _, c := range append(jsonModes, JSON{UseNumber: true}, JSON{DisallowUnknownFields: true}) {
		for name, mk := range targets {
			for _, in := range jsonEdgeInputs {
				t.Run(name, func(t *testing.T) { jsonDiff(t, c, []byte(in), mk) })
			}
		}
	}
}

func TestJSONUnmarshalCorpus(t *testing.T) {
	for _, bk := range jsonBuckets(t) {
		for _, c := range jsonModes {
			if bk.typed != nil {
				jsonDiff(t, c, bk.data, bk.typed)
			}
			jsonDiff(t, c, bk.data, func() any { return new(any) })
		}
	}
	jsonDiff(t, JSON{}, jsonLoad(t, "string_unicode"), func() any { return new(map[string]string) })
}

func TestJSONNoAlias(t *testing.T) {
	type T struct {
		S   string
		Raw json.RawMessage
		A   any
	}
	in := `{"S":"hello","Raw":{"k":"v"},"A":{"key":"val"}}`
	for _, c := range jsonModes {
		buf := []byte(in)
		var v T
		if err := c.Unmarshal(buf, &v); err != nil {
			t.Fatal(err)
		}
		for i := range buf {
			buf[i] = '#'
		}
		aliased := v.S != "hello" || string(v.Raw) != `{"k":"v"}` || !reflect.DeepEqual(v.A, map[string]any{"key": "val"})
		if aliased && !c.ZeroCopy {
			t.Errorf("%+v: decoded value changed with the input buffer: %+v", c, v)
		}
		if c.ZeroCopy && jsonSonicNative && v.S == "hello" {
			t.Errorf("ZeroCopy with sonic native: expected strings to alias the input (the documented contract), got a copy")
		}
	}
}

func TestJSONErrors(t *testing.T) {
	type User struct {
		ID int `json:"id"`
	}
	type Req struct {
		User User `json:"user"`
	}
	cases := []struct {
		in      string
		offset  int64
		field   string
		message string
	}{
		{`{"user": x}`, 10, "", `parse: json: invalid character 'x' looking for beginning of value at offset 10`},
		{`{"user":{"id":"7"}}`, 17, "user.id", `parse: json: cannot unmarshal string into Go struct field User.user.id of type int at offset 17`},
		{`{"user":{}} [`, 13, "", `parse: json: invalid character '[' after top-level value at offset 13`},
		{`{"user":`, 8, "", `parse: json: unexpected end of JSON input at offset 8`},
	}
	for _, c := range jsonModes {
		for _, tc := range cases {
			var v Req
			err := c.Unmarshal([]byte(tc.in), &v)
			var je *JSONError
			if !errors.As(err, &je) {
				t.Fatalf("%+v %q: error %v is not a *JSONError", c, tc.in, err)
			}
			if je.Offset != tc.offset || je.Field != tc.field || err.Error() != tc.message {
				t.Errorf("%+v %q: got offset %d field %q message %q; want %d %q %q", c, tc.in, je.Offset, je.Field, err, tc.offset, tc.field, tc.message)
			}
			var se *json.SyntaxError
			var te *json.UnmarshalTypeError
			if !errors.As(err, &se) && !errors.As(err, &te) {
				t.Errorf("%q: error does not unwrap to encoding/json's error type", tc.in)
			}
		}
	}
	var ie *json.InvalidUnmarshalError
	if err := Unmarshal([]byte(`{}`), nil); !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "parse: json: ") {
		t.Errorf("nil target: got %v", err)
	}
}

func TestJSONMarshal(t *testing.T) {
	type Inner struct {
		HTML  string            `json:"html"`
		M     map[string]int    `json:"m"`
		MI    map[int]bool      `json:"mi"`
		F     []float64         `json:"f"`
		Raw   json.RawMessage   `json:"raw"`
		Bytes []byte            `json:"bytes"`
		Opt   string            `json:"opt,omitempty"`
		Str   int64             `json:"str,string"`
		Any   any               `json:"any"`
		P     *Inner            `json:"p,omitempty"`
		E     map[string]string `json:"e"`
	}
	values := []any{
		nil, true, 0, -0.0, 1e21, 1e-7, 123456789.0, math.MaxInt64, "a<b>&c", "line\u2028sep\u2029", "bad\xffutf8\xe2\x80", "é😀\x00\x1f\"\\/", "\b\f\x08x\\\x0c", `\u0008\\u000c`,
		[]any{1, "x", nil}, map[string]any{"z": 1, "a": []int{}, "m": map[string]int{"b": 2, "a": 1}},
		&Inner{HTML: "<script>&amp;</script>", M: map[string]int{"b": 2, "a": 1, "c": 3}, MI: map[int]bool{10: true, 2: false, -1: true},
			F: []float64{0.1, 1e20, 1e21, 1e-6, 1e-7, -0.0, 3.0}, Raw: json.RawMessage(` { "a" : 1 } `), Bytes: []byte("hi"), Str: 42,
			Any: map[string]any{"<": ">"}, P: &Inner{}, E: map[string]string{"\u2028": "\xff"}},
		[]Inner{{}, {}},
	}
	for _, bk := range jsonBuckets(t) {
		if bk.typed == nil {
			continue
		}
		v := bk.typed()
		if err := json.Unmarshal(bk.data, v); err != nil {
			t.Fatal(err)
		}
		values = append(values, v)
	}
	for _, v := range values {
		want, wantErr := json.Marshal(v)
		for _, c := range jsonModes {
			got, err := c.Marshal(v)
			if (err == nil) != (wantErr == nil) || string(got) != string(want) {
				t.Fatalf("%+v: Marshal(%.60v) = %.200q, %v; encoding/json %.200q, %v", c, v, got, err, want, wantErr)
			}
			app, err := c.AppendJSON([]byte("prefix<&>"), v)
			if err != nil || string(app) != "prefix<&>"+string(want) {
				t.Fatalf("%+v: AppendJSON = %.200q, %v; want prefix + %.200q", c, app, err, want)
			}
		}
	}
	for _, v := range []any{math.NaN(), math.Inf(1), make(chan int), map[[2]int]int{{1, 2}: 3}} {
		_, err := Marshal(v)
		_, wantErr := json.Marshal(v)
		if err == nil || wantErr == nil || !strings.HasPrefix(err.Error(), "parse: json: ") {
			t.Errorf("Marshal(%T): err %v, encoding/json err %v", v, err, wantErr)
		}
		if dst, err := AppendJSON([]byte("keep"), v); err == nil || string(dst) != "keep" {
			t.Errorf("AppendJSON(%T) on error: dst %q, err %v", v, dst, err)
		}
	}
}

func TestJSONAppendAllocs(t *testing.T) {
	if !jsonSonicNative {
		t.Skip("zero-allocation encoding needs sonic's native path")
	}
	if raceEnabled {
		t.Skip("the race detector's checks in sonic allocate")
	}
	v := &jsonTweet{ID: 505874924095815681, IDStr: "505874924095815681", Text: "hello <world> & friends", Lang: "en"}
	dst := make([]byte, 0, 1024)
	want, _ := json.Marshal(v)
	allocs := testing.AllocsPerRun(1000, func() {
		var err error
		dst, err = AppendJSON(dst[:0], v)
		if err != nil {
			t.Fatal(err)
		}
	})
	if string(dst) != string(want) {
		t.Fatalf("AppendJSON = %s, want %s", dst, want)
	}
	// sonic's encoder entry point (encoder.EncodeInto) boxes the interface
	// header it is given on the heap: one 16-byte allocation per call that
	// no caller can avoid (JSONNever is the zero-allocation path, see
	// TestJSONAppendStdAllocs). Everything this package adds is pooled.
	if allocs > 1 {
		t.Errorf("AppendJSON of a small struct into a reused buffer: %v allocs, want at most sonic's 1", allocs)
	}
}

func TestJSONUnmarshalAllocs(t *testing.T) {
	if !jsonSonicNative || raceEnabled {
		t.Skip("needs sonic native, no race detector")
	}
	// Decoding a struct of numbers and bools needs no allocation at all:
	// the dispatcher adds none of its own (no copy of the input, no
	// decoder object). Strings allocate (they are copied by default).
	type T struct {
		ID    int64   `json:"id"`
		F     float64 `json:"f"`
		OK    bool    `json:"ok"`
		Count int     `json:"count"`
	}
	in := []byte(`{"id": 505874924095815681, "f": 0.25, "ok": true, "count": 12}`)
	var v T
	allocs := testing.AllocsPerRun(1000, func() {
		if err := Unmarshal(in, &v); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Unmarshal into a struct of scalars: %v allocs, want 0", allocs)
	}
}

func TestJSONValid(t *testing.T) {
	inputs := append([]string{}, jsonEdgeInputs...)
	for _, bk := range jsonBuckets(t) {
		inputs = append(inputs, string(bk.data), string(bk.data)+"x", string(bk.data[:len(bk.data)/2]))
	}
	for _, c := range jsonModes {
		for _, in := range inputs {
			if got, want := c.Valid([]byte(in)), json.Valid([]byte(in)); got != want {
				t.Errorf("%+v: Valid(%.60q) = %v, json.Valid %v", c, in, got, want)
			}
		}
	}
}

func TestJSONGet(t *testing.T) {
	data := jsonLoad(t, "twitter")
	var tw jsonTwitter
	if err := json.Unmarshal(data, &tw); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path []any
		want any
	}{
		{[]any{"search_metadata", "count"}, tw.SearchMetadata.Count},
		{[]any{"statuses", 0, "user", "screen_name"}, tw.Statuses[0].User.ScreenName},
		{[]any{"statuses", 99, "id_str"}, tw.Statuses[99].IDStr},
		{[]any{"statuses", 3, "entities", "user_mentions"}, tw.Statuses[3].Entities.UserMentions},
		{[]any{"statuses", 5, "user"}, tw.Statuses[5].User},
	}
	for _, c := range []JSON{{}, {Mode: JSONNever}} {
		for _, tc := range cases {
			raw, err := c.Get(data, tc.path...)
			if err != nil {
				t.Fatalf("%+v Get(%v): %v", c, tc.path, err)
			}
			got := reflect.New(reflect.TypeOf(tc.want))
			if err := json.Unmarshal(raw, got.Interface()); err != nil {
				t.Fatalf("%+v Get(%v) = %.80q: %v", c, tc.path, raw, err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), tc.want) {
				t.Errorf("%+v Get(%v) = %.80q, want %v", c, tc.path, raw, tc.want)
			}
		}
		for _, path := range [][]any{{"nope"}, {"statuses", 100}, {"statuses", "x"}, {"search_metadata", 0}} {
			if _, err := c.Get(data, path...); !errors.Is(err, ErrJSONNotFound) || !strings.HasPrefix(err.Error(), "parse: json: path not found: [") {
				t.Errorf("%+v Get(%v): err %v, want ErrJSONNotFound", c, path, err)
			}
		}
		if _, err := c.Get([]byte(`{"a": [1, x]}`), "a", 1); err == nil {
			t.Errorf("%+v: Get on broken JSON: no error", c)
		}
		if _, err := c.Get(data, 1.5); err == nil {
			t.Errorf("%+v: Get with a float path element: no error", c)
		}
		raw, err := c.Get([]byte(` {"a" : { "b" : [ 1 , "x" ] } } `), "a", "b", 1)
		if err != nil || string(raw) != `"x"` {
			t.Errorf("%+v: Get = %q, %v", c, raw, err)
		}
		raw, err = c.Get([]byte(` {"a" : 1} `))
		if err != nil || string(raw) != `{"a" : 1}` {
			t.Errorf("%+v: Get with empty path = %q, %v", c, raw, err)
		}
	}
}

func TestJSONHasNegZero(t *testing.T) {
	cases := map[string]bool{
		`-0`: true, `[-0]`: true, `{"a": -0}`: true, `[1,-0]`: true, "\n-0 ": true,
		`-0.0`: false, `-0e1`: false, `"2014-08-31"`: false, `-05`: true, `1`: false, `"a:-0"`: true, `-01`: true,
	}
	for in, want := range cases {
		if got := jsonHasNegZero([]byte(in)); got != want {
			t.Errorf("jsonHasNegZero(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestJSONModeString(t *testing.T) {
	for m, want := range map[JSONMode]string{JSONAuto: "auto", JSONAlways: "always", JSONNever: "never", JSONThreshold: "threshold", 9: "JSONMode(9)"} {
		if m.String() != want {
			t.Errorf("%d.String() = %q, want %q", m, m.String(), want)
		}
	}
}

func TestJSONAppendStdAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	v := &jsonTweet{ID: 505874924095815681, IDStr: "505874924095815681", Text: "hello <world> & friends", Lang: "en"}
	dst := make([]byte, 0, 1024)
	want, _ := json.Marshal(v)
	c := JSON{Mode: JSONNever}
	allocs := testing.AllocsPerRun(1000, func() {
		var err error
		dst, err = c.AppendJSON(dst[:0], v)
		if err != nil {
			t.Fatal(err)
		}
	})
	if string(dst) != string(want) {
		t.Fatalf("AppendJSON = %s, want %s", dst, want)
	}
	if allocs != 0 {
		t.Errorf("JSONNever AppendJSON of a small struct into a reused buffer: %v allocs, want 0", allocs)
	}
}

func TestJSONDecoder(t *testing.T) {
	stream := `{"id":1,"name":"a"}
{"id":2,"name":"b"} {"id":3,
"name":"c"}
[1,2]
{"id":"x"}
{"id": 4} {bad}`
	type T struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	for _, c := range jsonModes {
		want := json.NewDecoder(strings.NewReader(stream))
		got := c.NewDecoder(strings.NewReader(stream))
		for i := 0; ; i++ {
			var a, b T
			errWant := want.Decode(&a)
			errGot := got.Decode(&b)
			if (errWant == nil) != (errGot == nil) || a != b {
				t.Fatalf("%+v value %d: got %+v, %v; json.Decoder %+v, %v", c, i, b, errGot, a, errWant)
			}
			if errWant != nil {
				var te *json.UnmarshalTypeError
				if errors.As(errWant, &te) {
					var je *JSONError
					if !errors.As(errGot, &je) || je.Field != te.Field {
						t.Errorf("value %d: type error %v, want field %q", i, errGot, te.Field)
					}
					continue
				}
				if errWant == io.EOF {
					break
				}
				if !strings.HasPrefix(errGot.Error(), "parse: json: ") {
					t.Errorf("value %d: error %q lacks the package prefix", i, errGot)
				}
				break
			}
			if got.InputOffset() != want.InputOffset() || got.More() != want.More() {
				t.Fatalf("value %d: offset/More %d %v, json.Decoder %d %v", i, got.InputOffset(), got.More(), want.InputOffset(), want.More())
			}
		}
	}
	d := NewJSONDecoder(strings.NewReader(``))
	var v any
	if err := d.Decode(&v); err != io.EOF {
		t.Errorf("empty stream: %v, want io.EOF", err)
	}
}
