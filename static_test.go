package tako_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/tako-go/tako"
)

// staticDir builds a root with a file, an index, a nested dir, sidecars and
// a secret outside the root reachable only by escaping.
func staticDir(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "secret.txt")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub", "empty"), 0o755))
	must(os.WriteFile(outside, []byte("TOP SECRET"), 0o644))
	must(os.WriteFile(filepath.Join(root, "hello.txt"), []byte("0123456789abcdefghij"), 0o644))
	must(os.WriteFile(filepath.Join(root, "sub", "index.html"), []byte("<h1>index</h1>"), 0o644))
	must(os.WriteFile(filepath.Join(root, "app.js"), []byte("console.log('identity')"), 0o644))
	must(os.WriteFile(filepath.Join(root, "app.js.br"), []byte("BROTLI-BYTES"), 0o644))
	must(os.WriteFile(filepath.Join(root, "app.js.gz"), []byte("GZIP-BYTES"), 0o644))
	must(os.WriteFile(filepath.Join(root, "noext"), []byte("%PDF-1.4 hello"), 0o644))
	// A symlink from inside the root to the secret outside it.
	must(os.Symlink(outside, filepath.Join(root, "link.txt")))
	must(os.Symlink(filepath.Dir(outside), filepath.Join(root, "uplink")))
	return root, outside
}

func TestStaticServesFiles(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		h.newApp().Static("/static", root, tako.StaticConfig{CacheControl: "public, max-age=60"})
		h.start()
		r := h.get("/static/hello.txt")
		expect(t, r, 200, "0123456789abcdefghij")
		if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if r.header.Get("ETag") == "" || r.header.Get("Last-Modified") == "" || r.header.Get("Accept-Ranges") != "bytes" {
			t.Errorf("validators missing: %v", r.header)
		}
		if r.header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		if r.header.Get("Content-Length") != "20" {
			t.Errorf("Content-Length %q", r.header.Get("Content-Length"))
		}
		// Sniffed type for an unknown extension.
		if ct := h.get("/static/noext").header.Get("Content-Type"); ct != "application/pdf" {
			t.Errorf("sniffed Content-Type %q", ct)
		}
		// HEAD: headers, no body.
		hr := h.do("HEAD", "/static/hello.txt", nil)
		if hr.status != 200 || hr.body != "" || hr.header.Get("Content-Length") != "20" {
			t.Errorf("HEAD: %d %q %v", hr.status, hr.body, hr.header)
		}
		// Index file, and the redirect to the directory's slash form.
		expect(t, h.get("/static/sub/"), 200, "<h1>index</h1>")
		if rr := h.get("/static/sub"); rr.status != 301 || rr.header.Get("Location") != "/static/sub/" {
			t.Errorf("directory without slash: %d %q", rr.status, rr.header.Get("Location"))
		}
		// No listing by default.
		if rr := h.get("/static/sub/empty/"); rr.status != 404 {
			t.Errorf("listing without Browse: %d", rr.status)
		}
		if rr := h.get("/static/missing.txt"); rr.status != 404 {
			t.Errorf("missing file: %d", rr.status)
		}
	})
}

func TestStaticConditional(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		h.newApp().Static("/", root)
		h.start()
		r := h.get("/hello.txt")
		etag, lm := r.header.Get("ETag"), r.header.Get("Last-Modified")
		for _, hdr := range [][]string{
			{"If-None-Match: " + etag},
			{"If-None-Match: \"other\", W/" + etag},
			{"If-None-Match: *"},
			{"If-Modified-Since: " + lm},
		} {
			rr := h.get("/hello.txt", hdr...)
			if rr.status != 304 || rr.body != "" {
				t.Errorf("%v: %d %q, want 304", hdr, rr.status, rr.body)
			}
			if rr.header.Get("ETag") != etag {
				t.Errorf("%v: 304 without the ETag", hdr)
			}
		}
		expect(t, h.get("/hello.txt", "If-None-Match: \"other\""), 200, "0123456789abcdefghij")
		old := time.Now().Add(-48 * time.Hour).UTC().Format(http.TimeFormat)
		expect(t, h.get("/hello.txt", "If-Modified-Since: "+old), 200, "0123456789abcdefghij")
		if rr := h.get("/hello.txt", "If-Match: \"other\""); rr.status != 412 {
			t.Errorf("If-Match mismatch: %d", rr.status)
		}
		expect(t, h.get("/hello.txt", "If-Match: "+etag), 200, "0123456789abcdefghij")
		if rr := h.get("/hello.txt", "If-Unmodified-Since: "+old); rr.status != 412 {
			t.Errorf("If-Unmodified-Since in the past: %d", rr.status)
		}
	})
}

func TestStaticRange(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		h.newApp().Static("/", root)
		h.start()
		etag := h.get("/hello.txt").header.Get("ETag")
		r := h.get("/hello.txt", "Range: bytes=2-5")
		expect(t, r, 206, "2345")
		if r.header.Get("Content-Range") != "bytes 2-5/20" || r.header.Get("Content-Length") != "4" {
			t.Errorf("single range headers: %v", r.header)
		}
		expect(t, h.get("/hello.txt", "Range: bytes=-3"), 206, "hij")
		expect(t, h.get("/hello.txt", "Range: bytes=18-"), 206, "ij")
		// If-Range with the current ETag honours the range; a stale one
		// sends the whole file.
		expect(t, h.get("/hello.txt", "Range: bytes=0-1", "If-Range: "+etag), 206, "01")
		expect(t, h.get("/hello.txt", "Range: bytes=0-1", "If-Range: \"stale\""), 200, "0123456789abcdefghij")
		// Unsatisfiable.
		r = h.get("/hello.txt", "Range: bytes=50-60")
		if r.status != 416 || r.header.Get("Content-Range") != "bytes */20" {
			t.Errorf("unsatisfiable: %d %v", r.status, r.header)
		}
		// Another unit is ignored.
		expect(t, h.get("/hello.txt", "Range: items=0-1"), 200, "0123456789abcdefghij")
		// Multiple ranges: multipart/byteranges, read with mime/multipart.
		r = h.get("/hello.txt", "Range: bytes=0-1, 10-12, 19-")
		if r.status != 206 {
			t.Fatalf("multipart: status %d", r.status)
		}
		mt, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
		if err != nil || mt != "multipart/byteranges" {
			t.Fatalf("multipart Content-Type %q: %v", r.header.Get("Content-Type"), err)
		}
		if cl := r.header.Get("Content-Length"); cl != strconv.Itoa(len(r.body)) {
			t.Errorf("multipart Content-Length %q for %d bytes", cl, len(r.body))
		}
		mr := multipart.NewReader(strings.NewReader(r.body), params["boundary"])
		want := []struct{ cr, body string }{{"bytes 0-1/20", "01"}, {"bytes 10-12/20", "abc"}, {"bytes 19-19/20", "j"}}
		for i, w := range want {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatalf("part %d: %v", i, err)
			}
			b, _ := io.ReadAll(p)
			if p.Header.Get("Content-Range") != w.cr || string(b) != w.body || p.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("part %d: %q %q %q", i, p.Header.Get("Content-Range"), b, p.Header.Get("Content-Type"))
			}
		}
		if _, err := mr.NextPart(); err != io.EOF {
			t.Errorf("after the parts: %v", err)
		}
	})
}

func TestStaticPrecompressed(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		h.newApp().Static("/", root)
		h.start()
		for _, tc := range []struct{ ae, enc, body string }{
			{"br, gzip", "br", "BROTLI-BYTES"},
			{"gzip", "gzip", "GZIP-BYTES"},
			{"zstd, gzip;q=0.5", "gzip", "GZIP-BYTES"}, // no .zst sidecar
			{"zstd", "", "console.log('identity')"},
			{"", "", "console.log('identity')"},
			{"br;q=0, gzip", "gzip", "GZIP-BYTES"},
		} {
			var hdr []string
			if tc.ae != "" {
				hdr = append(hdr, "Accept-Encoding: "+tc.ae)
			}
			r := h.get("/app.js", hdr...)
			if r.status != 200 || r.body != tc.body || r.header.Get("Content-Encoding") != tc.enc {
				t.Errorf("%q: %d %q Content-Encoding %q", tc.ae, r.status, r.body, r.header.Get("Content-Encoding"))
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
				t.Errorf("%q: Content-Type %q, want the original file's", tc.ae, ct)
			}
			if r.header.Get("Vary") != "Accept-Encoding" {
				t.Errorf("%q: Vary %q", tc.ae, r.header.Get("Vary"))
			}
		}
		// A Range request gets the identity file.
		expect(t, h.get("/app.js", "Accept-Encoding: br", "Range: bytes=0-6"), 206, "console")
		// Sidecar and identity ETags differ.
		if h.get("/app.js").header.Get("ETag") == h.get("/app.js", "Accept-Encoding: br").header.Get("ETag") {
			t.Error("the brotli sidecar has the identity file's ETag")
		}
	})
}

// TestStaticEscapes: no request path reaches outside the root, whatever
// its encoding, on either engine.
func TestStaticEscapes(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		h.newApp().Static("/static", root)
		h.start()
		for _, p := range []string{
			"/static/%2e%2e/secret.txt",
			"/static/%2E%2E/secret.txt",
			"/static/.%2e/secret.txt",
			"/static/sub/%2e%2e/%2e%2e/secret.txt",
			"/static/..%2fsecret.txt",
			"/static/%2e%2e%2fsecret.txt",
			"/static/..%5csecret.txt",
			"/static/sub%5c..%5c..%5csecret.txt",
			"/static/%5c..%5c..%5csecret.txt",
			"/static/hello.txt%00.png",
			"/static/%00",
			"/static/link.txt",          // symlink to the file outside
			"/static/uplink/secret.txt", // symlink to the directory outside
			"/static/C:%5csecret.txt",
			"/static/%252e%252e/secret.txt", // double encoding stays literal
		} {
			r := h.get(p)
			if strings.Contains(r.body, "TOP SECRET") || r.status == 200 {
				t.Errorf("%s: %d %q", p, r.status, r.body)
			}
		}
	})
}

func TestStaticFS(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		fsys := fstest.MapFS{
			"index.html":  {Data: []byte("<p>home</p>")},
			"css/app.css": {Data: []byte("body{color:red}")},
			"dir/a.txt":   {Data: []byte("a")},
		}
		h.newApp().Static("/", fsys, tako.StaticConfig{Browse: true})
		h.start()
		expect(t, h.get("/"), 200, "<p>home</p>")
		r := h.get("/css/app.css", "Range: bytes=5-9")
		expect(t, r, 206, "color")
		full := h.get("/css/app.css")
		etag := full.header.Get("ETag")
		if etag == "" || full.header.Get("Last-Modified") != "" {
			t.Errorf("content-hash ETag %q, Last-Modified %q", etag, full.header.Get("Last-Modified"))
		}
		if rr := h.get("/css/app.css", "If-None-Match: "+etag); rr.status != 304 {
			t.Errorf("If-None-Match on an fs.FS file: %d", rr.status)
		}
		l := h.get("/dir/")
		if l.status != 200 || !strings.Contains(l.body, `<a href="./a.txt">a.txt</a>`) {
			t.Errorf("listing: %d %q", l.status, l.body)
		}
	})
}

func TestSendFileAttachment(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		root, _ := staticDir(t)
		app := h.newApp()
		app.Get("/dl", func(c *tako.Ctx) error {
			c.Attachment("report ü.txt")
			return c.SendFile(filepath.Join(root, "hello.txt"))
		})
		app.Get("/missing", func(c *tako.Ctx) error { return c.SendFile(filepath.Join(root, "nope")) })
		app.Get("/reader", func(c *tako.Ctx) error {
			return c.SendReader(bytes.NewBufferString("streamed body"), 13, "text/plain")
		})
		app.Get("/content", func(c *tako.Ctx) error {
			return c.SendContent("x.json", time.Time{}, strings.NewReader(`{"a":1}`))
		})
		h.start()
		r := h.get("/dl")
		expect(t, r, 200, "0123456789abcdefghij")
		if cd := r.header.Get("Content-Disposition"); cd != `attachment; filename="report _.txt"; filename*=UTF-8''report%20%C3%BC.txt` {
			t.Errorf("Content-Disposition %q", cd)
		}
		expect(t, h.get("/dl", "Range: bytes=10-"), 206, "abcdefghij")
		if rr := h.get("/missing"); rr.status != 404 {
			t.Errorf("missing: %d", rr.status)
		}
		expect(t, h.get("/reader"), 200, "streamed body")
		expect(t, h.get("/reader", "Range: bytes=9-12"), 206, "body")
		rc := h.get("/content", "Range: bytes=1-3")
		expect(t, rc, 206, `"a"`)
		if rc.header.Get("Content-Type") != "application/json" {
			t.Errorf("SendContent Content-Type %q", rc.header.Get("Content-Type"))
		}
	})
}
