package tako

import (
	"encoding/json"
	"testing"
)

// FuzzAppendJSONString checks the problem+json string encoder against encoding/json: the
// output must be valid JSON that decodes to the same string encoding/json's own encoding
// decodes to (invalid UTF-8 becomes U+FFFD in both).
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `quote " backslash \ slash /`, "ctl \x00\x01\x1f\x7f", "<a href='x'>&amp;</a>",
		"tab\tnl\ncr\r", "ünïcødé ✓ 𝄞", "bad \xff\xfe utf8 \xc3", "\u2028\u2029"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		if !json.Valid(got) {
			t.Fatalf("invalid JSON %q for %q", got, s)
		}
		var a, b string
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatal(err)
		}
		ref, _ := json.Marshal(s)
		if err := json.Unmarshal(ref, &b); err != nil {
			t.Fatal(err)
		}
		if a != b {
			t.Fatalf("decodes to %q, encoding/json's to %q (input %q)", a, b, s)
		}
	})
}

func TestAppendJSONStringAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		buf = appendJSONString(buf[:0], "no route matches the request path <é>")
	})
	if allocs != 0 {
		t.Errorf("%v allocs, want 0", allocs)
	}
}
