package tako

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgryski/go-farm"
	"github.com/tako-go/tako/parse"
)

// StaticConfig configures App.Static. The zero value serves files with
// index.html as the index, no directory listing, no Cache-Control, and
// precompressed sidecars when present.
type StaticConfig struct {
	// Index lists the files served for a directory, in order. nil means
	// {"index.html"}; an empty non-nil slice serves no index.
	Index []string
	// Browse lists a directory that has no index file. Off by default.
	Browse bool
	// CacheControl, when set, is sent as Cache-Control with every file
	// (for example "public, max-age=86400").
	CacheControl string
	// NoPrecompressed turns off serving precompressed sidecars: by default
	// a request for "app.js" from a client that accepts brotli, zstd or gzip
	// is answered with "app.js.br", "app.js.zst" or "app.js.gz" when that
	// file exists (in this order of preference), with Content-Encoding set.
	NoPrecompressed bool

	// CacheDuration is how long Static trusts what it learned about a path
	// (whether it exists, is a directory, its size and modification time,
	// whether it has precompressed sidecars, and the content of small files)
	// before it asks the file system again. Default 2s: an edited file is
	// served at most that long after it changed, and a busy site opens no
	// file per request. Negative turns the cache off: every request opens
	// the file.
	CacheDuration time.Duration
	// MaxCacheFileSize is the largest file whose content the cache keeps in
	// memory (default 64 KiB); larger files are opened per request and sent
	// with sendfile(2).
	MaxCacheFileSize int64
	// MaxCacheBytes bounds the memory the cache keeps for file contents
	// (default 32 MiB). Files that do not fit are served from the file
	// system. The cache also holds at most 65,536 paths.
	MaxCacheBytes int64
}

// Static cache defaults (StaticConfig).
const (
	defaultStaticCacheDuration = 2 * time.Second
	defaultStaticMaxFileSize   = 64 << 10
	defaultStaticMaxBytes      = 32 << 20
	staticMaxEntries           = 1 << 16
)

var sidecars = [...]struct{ coding, ext string }{{"br", ".br"}, {"zstd", ".zst"}, {"gzip", ".gz"}}

// Static serves the files under root at prefix: GET and HEAD of
// prefix+"/some/file" send root's "some/file". root is a directory path
// (string) or an fs.FS (embed.FS works).
//
// A directory path is opened with os.OpenRoot, so neither ".." nor a
// symbolic link can reach outside it. For any root, request paths are
// decoded once and refused with 404 when they hold "..", a backslash, a NUL
// byte or a colon, so percent-encoded tricks cannot escape either. (An
// fs.FS such as os.DirFS that follows symbolic links out of its directory is
// trusted as given: pass the directory path instead.)
//
// Files are sent as Ctx.SendFile sends them: Content-Type by extension (or
// sniffed), ETag and Last-Modified with 304s, Range (single and multipart)
// with If-Range. Files of an fs.FS without modification times (embed.FS) get
// an ETag from a hash of their content, computed once.
//
// What Static learns about a path is cached for StaticConfig.CacheDuration
// (default 2s), and the content of small files (up to MaxCacheFileSize,
// default 64 KiB, within MaxCacheBytes in all) is kept in memory and sent
// without a copy, so a busy site opens no file per request. Larger files are
// opened per request and sent with sendfile(2) on the FastHTTP engine.
//
// It panics if root is neither, or the directory cannot be opened.
func (a *App) Static(prefix string, root any, cfg ...StaticConfig) {
	var c StaticConfig
	if len(cfg) > 0 {
		c = cfg[0]
	}
	if c.Index == nil {
		c.Index = []string{"index.html"}
	}
	if c.CacheDuration == 0 {
		c.CacheDuration = defaultStaticCacheDuration
	}
	if c.MaxCacheFileSize == 0 {
		c.MaxCacheFileSize = defaultStaticMaxFileSize
	}
	if c.MaxCacheBytes == 0 {
		c.MaxCacheBytes = defaultStaticMaxBytes
	}
	s := &staticServer{cfg: c}
	switch r := root.(type) {
	case string:
		or, err := os.OpenRoot(r)
		if err != nil {
			panic(fmt.Sprintf("tako: Static(%q): %v", prefix, err))
		}
		s.fsys = or.FS()
	case fs.FS:
		s.fsys = r
	default:
		panic(fmt.Sprintf("tako: Static(%q): root is %T, want a directory path or an fs.FS", prefix, root))
	}
	prefix = strings.TrimSuffix(prefix, "/")
	a.Get(prefix+"/*filepath", s.serve)
	if prefix != "" {
		a.Get(prefix, func(c *Ctx) error { return c.Redirect(http.StatusMovedPermanently, prefix+"/") })
	}
}

type staticServer struct {
	fsys  fs.FS
	cfg   StaticConfig
	etags sync.Map // name -> content-hash ETag, for large files without modtime

	cache      sync.Map     // name -> *staticEntry
	entries    atomic.Int64 // paths in cache
	cacheBytes atomic.Int64 // content bytes held by cache entries
	sweeping   sync.Mutex
	lastSweep  atomic.Int64 // UnixNano of the last sweep
}

// staticEntry is what Static knows about one path. Entries are never changed once stored
// (a refresh stores a new one), so their data can be sent without copying.
type staticEntry struct {
	expires int64 // UnixNano; 0 when not cached
	missing bool
	dir     bool
	size    int64
	modtime time.Time
	etag    string // "" until known (large files without a modification time)
	ctype   string // Content-Type by extension or sniffed; "" if neither gives one
	data    []byte // the whole content, for small files while caching
}

var errStaticNotFound = NewError(http.StatusNotFound, "file not found")

func (s *staticServer) serve(c *Ctx) error {
	raw := c.RawParam("filepath")
	name, err := resolveStaticPath(raw)
	if err != nil {
		return errStaticNotFound
	}
	e := s.lookup(name)
	if e.missing {
		return errStaticNotFound
	}
	if e.dir {
		if raw != "" && !strings.HasSuffix(raw, "/") {
			return c.Redirect(http.StatusMovedPermanently, c.RawPath()+"/")
		}
		found := false
		for _, idx := range s.cfg.Index {
			iname := path.Join(name, idx)
			if ie := s.lookup(iname); !ie.missing && !ie.dir {
				name, e, found = iname, ie, true
				break
			}
		}
		if !found {
			if s.cfg.Browse {
				return s.list(c, name)
			}
			return errStaticNotFound
		}
	}
	if s.cfg.CacheControl != "" {
		c.SetHeader("Cache-Control", s.cfg.CacheControl)
	}
	orig, sent, encoding := e, name, ""
	if !s.cfg.NoPrecompressed {
		c.AddHeader("Vary", "Accept-Encoding")
		if ae := c.Header("Accept-Encoding"); ae != "" && c.Header("Range") == "" {
			for _, sc := range sidecars {
				if best, ok := parse.NegotiateEncoding(ae, sc.coding); !ok || best != sc.coding {
					continue
				}
				if ze := s.lookup(name + sc.ext); !ze.missing && !ze.dir {
					e, sent, encoding = ze, name+sc.ext, sc.coding
					break
				}
			}
		}
	}
	// A sidecar is sent with the original's type and modification time.
	ct := &contentSpec{name: name, size: e.size, modtime: orig.modtime, etag: e.etag, encoding: encoding, data: e.data, ctype: orig.ctype}
	if e.data != nil {
		ct.r = bytes.NewReader(e.data)
	} else {
		f, err := s.fsys.Open(sent)
		if err != nil {
			return errStaticNotFound
		}
		fi, err := f.Stat()
		if err != nil || fi.IsDir() {
			f.Close()
			return errStaticNotFound
		}
		// The file may have changed since it was looked up: describe what is sent.
		ct.size, ct.r, ct.closer = fi.Size(), f, f
		if encoding == "" {
			ct.modtime = fi.ModTime()
		}
		if !fi.ModTime().Equal(e.modtime) || fi.Size() != e.size || ct.etag == "" {
			if ct.etag, err = s.etag(sent, fi, f); err != nil {
				f.Close()
				return err
			}
		}
		if _, ok := ct.r.(io.ReadSeeker); !ok {
			// An fs.File that cannot seek still streams, without ranges.
			ct.r = struct{ io.Reader }{ct.r}
		}
	}
	return c.serveContent(ct)
}

// lookup returns what is known about name, from the cache while it is fresh.
func (s *staticServer) lookup(name string) *staticEntry {
	caching := s.cfg.CacheDuration > 0
	var now int64
	var old *staticEntry
	if caching {
		now = time.Now().UnixNano()
		if v, ok := s.cache.Load(name); ok {
			old = v.(*staticEntry)
			if now < old.expires {
				return old
			}
		}
	}
	e := s.stat(name, old)
	if caching {
		e.expires = now + int64(s.cfg.CacheDuration)
		s.store(name, old, e)
	}
	return e
}

// stat asks the file system about name. A regular file that is unchanged since old keeps
// old's content; a new or changed small file is read while caching and the budget allows.
func (s *staticServer) stat(name string, old *staticEntry) *staticEntry {
	fi, err := fs.Stat(s.fsys, name)
	if err != nil {
		return &staticEntry{missing: true}
	}
	if fi.IsDir() {
		return &staticEntry{dir: true}
	}
	e := &staticEntry{size: fi.Size(), modtime: fi.ModTime(), ctype: mime.TypeByExtension(path.Ext(name))}
	if !e.modtime.IsZero() {
		e.etag = fileETag(e.size, e.modtime)
	}
	if old != nil && !old.missing && !old.dir && old.size == e.size && old.modtime.Equal(e.modtime) && !e.modtime.IsZero() {
		e.data, e.ctype = old.data, old.ctype
		return e
	}
	if s.cfg.CacheDuration <= 0 || e.size > s.cfg.MaxCacheFileSize {
		if e.etag == "" {
			if v, ok := s.etags.Load(name); ok {
				e.etag = v.(string)
			}
		}
		return e
	}
	if old != nil && old.data != nil && e.modtime.IsZero() {
		e.data, e.ctype, e.etag = old.data, old.ctype, old.etag // an fs.FS without modification times does not change
		return e
	}
	if s.cacheBytes.Load()+e.size > s.cfg.MaxCacheBytes {
		return e
	}
	data, err := fs.ReadFile(s.fsys, name)
	if err != nil || int64(len(data)) > s.cfg.MaxCacheFileSize {
		return e
	}
	e.data, e.size = data[:len(data):len(data)], int64(len(data)) // appends must copy
	if e.modtime.IsZero() {
		e.etag = contentETag(data)
	}
	if e.ctype == "" {
		e.ctype = http.DetectContentType(data)
	}
	return e
}

// store puts e in the cache in place of old, within the cache's bounds.
func (s *staticServer) store(name string, old, e *staticEntry) {
	if old == nil && s.entries.Load() >= staticMaxEntries {
		s.sweep()
		if s.entries.Load() >= staticMaxEntries {
			return
		}
	}
	if old == nil {
		if _, loaded := s.cache.LoadOrStore(name, e); loaded {
			return // another request stored it first
		}
		s.entries.Add(1)
	} else if !s.cache.CompareAndSwap(name, old, e) {
		return
	} else {
		s.cacheBytes.Add(-int64(len(old.data)))
	}
	s.cacheBytes.Add(int64(len(e.data)))
}

// sweep drops expired entries, when the cache is full; at most once per CacheDuration, so
// that requests for ever new paths (404s) cannot make every request scan the cache.
func (s *staticServer) sweep() {
	now := time.Now().UnixNano()
	if now-s.lastSweep.Load() < int64(s.cfg.CacheDuration) || !s.sweeping.TryLock() {
		return
	}
	defer s.sweeping.Unlock()
	s.lastSweep.Store(now)
	s.cache.Range(func(k, v any) bool {
		if e := v.(*staticEntry); now >= e.expires && s.cache.CompareAndDelete(k, v) {
			s.entries.Add(-1)
			s.cacheBytes.Add(-int64(len(e.data)))
		}
		return true
	})
}

// etag: size and modification time, or for files without a modification
// time (embed.FS) a hash of the content, computed once per name.
func (s *staticServer) etag(name string, fi fs.FileInfo, f fs.File) (string, error) {
	if !fi.ModTime().IsZero() {
		return fileETag(fi.Size(), fi.ModTime()), nil
	}
	if v, ok := s.etags.Load(name); ok {
		return v.(string), nil
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return "", nil
	}
	b, err := io.ReadAll(rs)
	if err != nil {
		return "", err
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	etag := contentETag(b)
	s.etags.Store(name, etag)
	return etag, nil
}

// contentETag is the ETag of a file without a modification time: its length and a hash
// of its content.
func contentETag(b []byte) string {
	return fmt.Sprintf(`"%x-%x"`, len(b), farm.Fingerprint64(b))
}

// list writes a minimal HTML listing of a directory.
func (s *staticServer) list(c *Ctx, name string) error {
	entries, err := fs.ReadDir(s.fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return errStaticNotFound
		}
		return err
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<meta name=\"viewport\" content=\"width=device-width\">\n<pre>\n")
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			n += "/"
		}
		fmt.Fprintf(&b, "<a href=\"%s\">%s</a>\n", html.EscapeString("./"+(&url.URL{Path: n}).EscapedPath()), html.EscapeString(n))
	}
	b.WriteString("</pre>\n")
	return c.Bytes("text/html; charset=utf-8", []byte(b.String()))
}
