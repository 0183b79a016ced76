package tako

import (
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"

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
}

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
// Files are sent as Ctx.SendFile sends them: Content-Type by extension,
// ETag and Last-Modified with 304s, Range (single and multipart) with
// If-Range, and sendfile(2) on the FastHTTP engine for files from a
// directory. Files of an fs.FS without modification times (embed.FS) get an
// ETag from a hash of their content, computed once.
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
	etags sync.Map // name -> content-hash ETag, for files without modtime
}

var errStaticNotFound = NewError(http.StatusNotFound, "file not found")

func (s *staticServer) serve(c *Ctx) error {
	raw := c.RawParam("filepath")
	name, err := resolveStaticPath(raw)
	if err != nil {
		return errStaticNotFound
	}
	f, fi, err := s.open(name)
	if err != nil {
		return errStaticNotFound
	}
	if fi.IsDir() {
		f.Close()
		if raw != "" && !strings.HasSuffix(raw, "/") {
			return c.Redirect(http.StatusMovedPermanently, c.RawPath()+"/")
		}
		for _, idx := range s.cfg.Index {
			iname := path.Join(name, idx)
			if f, fi, err = s.open(iname); err == nil && !fi.IsDir() {
				name = iname
				goto file
			}
			if err == nil {
				f.Close()
			}
		}
		if s.cfg.Browse {
			return s.list(c, name)
		}
		return errStaticNotFound
	}
file:
	if s.cfg.CacheControl != "" {
		c.SetHeader("Cache-Control", s.cfg.CacheControl)
	}
	ct := &contentSpec{name: name, size: fi.Size(), modtime: fi.ModTime(), r: f, closer: f}
	if !s.cfg.NoPrecompressed {
		c.AddHeader("Vary", "Accept-Encoding")
		if ae := c.Header("Accept-Encoding"); ae != "" && c.Header("Range") == "" {
			for _, sc := range sidecars {
				if best, ok := parse.NegotiateEncoding(ae, sc.coding); !ok || best != sc.coding {
					continue
				}
				zf, zfi, err := s.open(name + sc.ext)
				if err != nil {
					continue
				}
				if zfi.IsDir() {
					zf.Close()
					continue
				}
				f.Close()
				ct = &contentSpec{name: name, size: zfi.Size(), modtime: fi.ModTime(), r: zf, closer: zf, encoding: sc.coding}
				fi = zfi
				name += sc.ext
				break
			}
		}
	}
	if _, ok := ct.r.(io.ReadSeeker); !ok {
		// An fs.File that cannot seek still streams, without ranges.
		ct.r = struct{ io.Reader }{ct.r}
	}
	etag, err := s.etag(name, fi, ct)
	if err != nil {
		ct.close()
		return err
	}
	ct.etag = etag
	return c.serveContent(ct)
}

func (s *staticServer) open(name string) (fs.File, fs.FileInfo, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// etag: size and modification time, or for files without a modification
// time (embed.FS) a hash of the content, computed once per name.
func (s *staticServer) etag(name string, fi fs.FileInfo, ct *contentSpec) (string, error) {
	if !fi.ModTime().IsZero() {
		return fileETag(fi.Size(), fi.ModTime()), nil
	}
	if v, ok := s.etags.Load(name); ok {
		return v.(string), nil
	}
	rs, ok := ct.r.(io.ReadSeeker)
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
	etag := fmt.Sprintf(`"%x-%x"`, len(b), farm.Fingerprint64(b))
	s.etags.Store(name, etag)
	return etag, nil
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
