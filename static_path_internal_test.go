package tako

import (
	"io/fs"
	"net/url"
	"path"
	"strings"
	"testing"
)

func TestResolveStaticPath(t *testing.T) {
	for raw, want := range map[string]string{
		"":                              ".",
		"/":                             ".",
		"a.txt":                         "a.txt",
		"/a/b.txt":                      "a/b.txt",
		"a//b/./c":                      "a/b/c",
		"dir/":                          "dir",
		"%61.txt":                       "a.txt",
		"a%20b":                         "a b",
		"%252e%252e":                    "%2e%2e",
		"..":                            "",
		"../x":                          "",
		"a/../../x":                     "",
		"a/..":                          "",
		"%2e%2e/x":                      "",
		"%2E%2e":                        "",
		".%2e/x":                        "",
		"a%2f..%2f..%2fx":               "",
		"..%5cx":                        "",
		"a\\b":                          "",
		"x%00.png":                      "",
		"x\x00":                         "",
		"C:%5cwin":                      "",
		"c:/x":                          "",
		"%":                             "",
		"%2":                            "",
		"%zz":                           "",
		"...":                           "...",
		"a/.../b":                       "a/.../b",
		"..a":                           "..a",
		strings.Repeat("a/", 300) + "f": strings.Repeat("a/", 300) + "f",
	} {
		got, err := resolveStaticPath(raw)
		if want == "" {
			if err == nil {
				t.Errorf("resolveStaticPath(%q) = %q, want an error", raw, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("resolveStaticPath(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
}

// FuzzStaticPath: whatever the request path, the resolved name is a valid
// fs.FS path that stays under the root: no ".." element, no backslash, no
// NUL, no colon, and joining it to a root never climbs out of it. It also
// agrees with a reference: url.PathUnescape then path.Clean.
func FuzzStaticPath(f *testing.F) {
	for _, s := range []string{"a/b.txt", "%2e%2e/x", "..%5c..%5cetc/passwd", "a/./b//c/", "x%00", "%zz", "C:\\x", "....//....//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := resolveStaticPath(raw)
		if err != nil {
			return
		}
		if !fs.ValidPath(name) {
			t.Fatalf("%q resolved to invalid fs path %q", raw, name)
		}
		if strings.ContainsAny(name, "\\\x00:") {
			t.Fatalf("%q resolved to %q", raw, name)
		}
		for _, el := range strings.Split(name, "/") {
			if el == ".." {
				t.Fatalf("%q resolved to %q with a .. element", raw, name)
			}
		}
		joined := path.Join("/root", name)
		if joined != "/root" && !strings.HasPrefix(joined, "/root/") {
			t.Fatalf("%q resolved to %q, which leaves the root (%q)", raw, name, joined)
		}
		// Reference: decoding once and cleaning gives the same file.
		dec, derr := url.PathUnescape(raw)
		if derr != nil {
			t.Fatalf("%q accepted, but url.PathUnescape refuses it: %v", raw, derr)
		}
		if ref := strings.TrimPrefix(path.Clean("/"+dec), "/"); ref != name && !(ref == "" && name == ".") {
			t.Fatalf("%q resolved to %q, reference %q", raw, name, ref)
		}
	})
}
