package parse

import (
	"bytes"
	"encoding/json"
	"testing"
)

// Differential fuzzing: the dispatcher against encoding/json. Seed corpora
// live in testdata/fuzz/FuzzJSON*; run for a bounded time, e.g.
//
//	go test ./parse -run '^$' -fuzz '^FuzzJSONUnmarshal$' -fuzztime 60s

// jsonFuzzConfig picks a configuration from the fuzzer's flag byte.
func jsonFuzzConfig(flags byte) JSON {
	c := JSON{Mode: JSONAlways, ZeroCopy: flags&1 != 0, UseNumber: flags&2 != 0, DisallowUnknownFields: flags&4 != 0}
	if flags&8 != 0 {
		c.Mode = JSONAuto
	}
	return c
}

var jsonFuzzTargets = []func() any{
	func() any { return new(any) },
	func() any { return new(jsonEdge) },
	func() any { return new(map[string]any) },
	func() any { return new([]any) },
	func() any { return new(jsonStatus) },
	func() any { return new(float64) },
	func() any { return new(string) },
	func() any { return new(map[int]json.RawMessage) },
}

func FuzzJSONUnmarshal(f *testing.F) {
	for _, in := range jsonEdgeInputs {
		if len(in) < 4096 {
			f.Add([]byte(in), byte(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, flags byte) {
		mk := jsonFuzzTargets[int(flags>>4)%len(jsonFuzzTargets)]
		jsonDiff(t, jsonFuzzConfig(flags), data, mk)
	})
}

func FuzzJSONValid(f *testing.F) {
	for _, in := range jsonEdgeInputs {
		if len(in) < 4096 {
			f.Add([]byte(in))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := json.Valid(data)
		for _, c := range []JSON{{}, {Mode: JSONAlways}} {
			if got := c.Valid(data); got != want {
				t.Fatalf("%+v: Valid(%q) = %v, json.Valid %v", c, data, got, want)
			}
		}
	})
}

func FuzzJSONMarshal(f *testing.F) {
	for _, in := range jsonEdgeInputs {
		if len(in) < 4096 {
			f.Add([]byte(in), byte(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, flags byte) {
		v := jsonFuzzTargets[int(flags>>4)%len(jsonFuzzTargets)]()
		if json.Unmarshal(data, v) != nil {
			return
		}
		want, wantErr := json.Marshal(v)
		got, err := Marshal(v)
		if (err == nil) != (wantErr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("Marshal(%#v) = %q, %v; encoding/json %q, %v", v, got, err, want, wantErr)
		}
		app, err := AppendJSON([]byte("<pre>"), v)
		if (err == nil) != (wantErr == nil) || (err == nil && string(app) != "<pre>"+string(want)) {
			t.Fatalf("AppendJSON(%#v) = %q, %v; encoding/json %q, %v", v, app, err, want, wantErr)
		}
	})
}

func FuzzJSONGet(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,"x",{"c":null}]}}`), "a", "b", 2)
	f.Add([]byte(`{"a":1,"a":2}`), "a", "", -1)
	f.Add([]byte(`[{"k":"v"}]`), "", "k", 0)
	f.Fuzz(func(t *testing.T, data []byte, k1, k2 string, idx int) {
		var path []any
		if k1 != "" {
			path = append(path, k1)
		}
		if idx >= 0 {
			path = append(path, idx%8)
		}
		if k2 != "" {
			path = append(path, k2)
		}
		got, err := GetJSON(data, path...) // must not panic on any input
		if !json.Valid(data) {
			return
		}
		want, wantErr := JSON{Mode: JSONNever}.Get(data, path...)
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("GetJSON(%q, %v): %q, %v; encoding/json walk %q, %v", data, path, got, err, want, wantErr)
		}
		if err == nil && !bytes.Equal(got, want) {
			t.Fatalf("GetJSON(%q, %v) = %q; encoding/json walk %q", data, path, got, want)
		}
	})
}
