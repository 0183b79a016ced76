package tako_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// countingFS is an fs.FS over a directory that counts how often Static reaches the file
// system.
type countingFS struct {
	fsys  fs.FS
	calls atomic.Int64
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.calls.Add(1)
	return c.fsys.Open(name)
}

func (c *countingFS) Stat(name string) (fs.FileInfo, error) {
	c.calls.Add(1)
	return fs.Stat(c.fsys, name)
}

func TestStaticCache(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mod time.Time) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	write("a.txt", "version one", t1)
	write("big.bin", strings.Repeat("x", 5000), t1)
	write("app.js", "console.log(1)", t1)
	write("app.js.gz", "GZIP", t1)

	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		cfs := &countingFS{fsys: os.DirFS(dir)}
		app.Static("/c", cfs, tako.StaticConfig{CacheDuration: time.Second, MaxCacheFileSize: 4096})
		off := &countingFS{fsys: os.DirFS(dir)}
		app.Static("/off", off, tako.StaticConfig{CacheDuration: -1})
		h.start()

		// Small files: the first request looks, the next ones are answered from memory.
		expect(t, h.get("/c/a.txt"), 200, "version one")
		first := cfs.calls.Load()
		for range 5 {
			r := h.get("/c/a.txt")
			expect(t, r, 200, "version one")
			if r.header.Get("ETag") == "" || r.header.Get("Last-Modified") != "Thu, 01 Jan 2026 00:00:00 GMT" || r.header.Get("Content-Type") != "text/plain; charset=utf-8" {
				t.Errorf("cached response headers: %v", r.header)
			}
		}
		if n := cfs.calls.Load() - first; n != 0 {
			t.Errorf("5 cached requests reached the file system %d times", n)
		}
		// Ranges, HEAD and 304 from the cached copy.
		expect(t, h.get("/c/a.txt", "Range: bytes=8-"), 206, "one")
		etag := h.get("/c/a.txt").header.Get("ETag")
		expect(t, h.get("/c/a.txt", "If-None-Match: "+etag), 304, "")
		if r := h.do("HEAD", "/c/a.txt", nil); r.status != 200 || r.body != "" || r.header.Get("Content-Length") != "11" {
			t.Errorf("HEAD: %d %q %v", r.status, r.body, r.header)
		}
		// A sidecar's absence and presence are cached too.
		expect(t, h.get("/c/app.js", "Accept-Encoding: gzip"), 200, "GZIP")
		expect(t, h.get("/c/a.txt", "Accept-Encoding: gzip"), 200, "version one")
		before := cfs.calls.Load()
		for range 3 {
			expect(t, h.get("/c/app.js", "Accept-Encoding: gzip"), 200, "GZIP")
			expect(t, h.get("/c/a.txt", "Accept-Encoding: gzip"), 200, "version one")
		}
		if n := cfs.calls.Load() - before; n != 0 {
			t.Errorf("cached sidecar lookups reached the file system %d times", n)
		}
		// A file larger than MaxCacheFileSize is opened per request (and sent with sendfile
		// on fasthttp); its metadata is still cached.
		expect(t, h.get("/c/big.bin"), 200, strings.Repeat("x", 5000))
		before = cfs.calls.Load()
		expect(t, h.get("/c/big.bin"), 200, strings.Repeat("x", 5000))
		if n := cfs.calls.Load() - before; n != 1 {
			t.Errorf("large file: %d file system calls per request, want 1 (the open)", n)
		}

		// An edit shows once CacheDuration has passed; with the cache off at once.
		write("a.txt", "version two!", t1.Add(time.Hour))
		expect(t, h.get("/off/a.txt"), 200, "version two!")
		deadline := time.Now().Add(5 * time.Second)
		for h.get("/c/a.txt").body != "version two!" {
			if time.Now().After(deadline) {
				t.Fatal("the edited file was not served after CacheDuration")
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A deleted file is gone after CacheDuration too.
		os.Remove(filepath.Join(dir, "app.js.gz"))
		deadline = time.Now().Add(5 * time.Second)
		for h.get("/c/app.js", "Accept-Encoding: gzip").body != "console.log(1)" {
			if time.Now().After(deadline) {
				t.Fatal("a removed sidecar was still served after CacheDuration")
			}
			time.Sleep(50 * time.Millisecond)
		}
		write("app.js.gz", "GZIP", t1)
		write("a.txt", "version one", t1)
	})
}

// TestStaticCacheBounds checks MaxCacheBytes and concurrent refreshes (under -race).
func TestStaticCacheBounds(t *testing.T) {
	dir := t.TempDir()
	for i := range 20 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%d", i)), []byte(strings.Repeat(string(rune('a'+i)), 1000)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		cfs := &countingFS{fsys: os.DirFS(dir)}
		// Room for 5 files of 1000 bytes; a 1 ms duration makes requests refresh entries
		// while others read them.
		app.Static("/", cfs, tako.StaticConfig{CacheDuration: time.Millisecond, MaxCacheBytes: 5000})
		h.start()
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 100 {
					n := (i + w) % 20
					r := h.get(fmt.Sprintf("/f%d", n))
					if want := strings.Repeat(string(rune('a'+n)), 1000); r.status != 200 || r.body != want {
						t.Errorf("/f%d: %d %.20q", n, r.status, r.body)
						return
					}
				}
			}()
		}
		wg.Wait()
	})
}
