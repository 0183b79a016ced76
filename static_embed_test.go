package tako_test

import (
	"embed"
	"io/fs"
	"testing"
)

//go:embed testdata/static
var embedded embed.FS

// TestStaticEmbed serves an embed.FS (no modification times: ETags come
// from the content) with ranges and 304s, on both engines.
func TestStaticEmbed(t *testing.T) {
	sub, err := fs.Sub(embedded, "testdata/static")
	if err != nil {
		t.Fatal(err)
	}
	runAll(t, func(t *testing.T, h *harness) {
		h.newApp().Static("/assets", sub)
		h.start()
		expect(t, h.get("/assets/"), 200, "<p>embedded home</p>\n")
		r := h.get("/assets/css/app.css")
		expect(t, r, 200, "body{color:red}\n")
		if ct := r.header.Get("Content-Type"); ct != "text/css; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		etag := r.header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag for an embedded file")
		}
		if rr := h.get("/assets/css/app.css", "If-None-Match: "+etag); rr.status != 304 {
			t.Errorf("If-None-Match: %d", rr.status)
		}
		expect(t, h.get("/assets/css/app.css", "Range: bytes=5-9"), 206, "color")
		if rr := h.get("/assets/%2e%2e/static_embed_test.go"); rr.status != 404 {
			t.Errorf("escape from an embed.FS: %d", rr.status)
		}
	})
}
