package compress

import "testing"

func TestCompressibleType(t *testing.T) {
	for ct, want := range map[string]bool{
		"":                               true,
		"text/html; charset=utf-8":       true,
		"application/json":               true,
		"application/javascript":         true,
		"text/event-stream":              true,
		"image/svg+xml":                  true,
		"IMAGE/SVG+XML":                  true,
		"image/png":                      false,
		"image/jpeg":                     false,
		"image/webp":                     false,
		"image/avif":                     false,
		"Image/GIF":                      false,
		"audio/mpeg":                     false,
		"video/mp4":                      false,
		"font/woff2":                     false,
		"font/woff":                      false,
		"font/ttf":                       true,
		"application/zip":                false,
		"application/gzip":               false,
		"application/zstd":               false,
		"application/x-7z-compressed":    false,
		"application/octet-stream":       true,
		"application/wasm":               true,
		"multipart/byteranges; boundary": false,
		"not a type at all":              true,
	} {
		if got := CompressibleType(ct); got != want {
			t.Errorf("CompressibleType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestNoTransform(t *testing.T) {
	for cc, want := range map[string]bool{
		"no-transform":                  true,
		"public, no-transform":          true,
		"No-Transform, max-age=3":       true,
		"max-age=3,no-transform":        true,
		"no-transformation":             false,
		"x-no-transform":                false,
		"public, max-age=60":            false,
		"":                              false,
		"private=\"x\", no-transform\t": true,
	} {
		if got := NoTransform(cc); got != want {
			t.Errorf("NoTransform(%q) = %v, want %v", cc, got, want)
		}
	}
}

func TestStatusAllowsBody(t *testing.T) {
	for code, want := range map[int]bool{100: false, 103: false, 200: true, 201: true, 204: false, 206: false, 304: false, 404: true, 500: true} {
		if got := StatusAllowsBody(code); got != want {
			t.Errorf("StatusAllowsBody(%d) = %v", code, got)
		}
	}
}

func TestAppendETag(t *testing.T) {
	for _, tc := range []struct {
		etag string
		mode ETagMode
		want string
	}{
		{`"abc"`, ETagWeaken, `W/"abc"`},
		{`"abc"`, ETagSuffix, `"abc-gzip"`},
		{`"abc"`, ETagDrop, ``},
		{`W/"abc"`, ETagWeaken, `W/"abc"`},
		{`W/"abc"`, ETagSuffix, `W/"abc"`},
		{``, ETagWeaken, ``},
	} {
		if got := string(AppendETag(nil, tc.etag, Gzip, tc.mode)); got != tc.want {
			t.Errorf("AppendETag(%q, %d) = %q, want %q", tc.etag, tc.mode, got, tc.want)
		}
	}
}
