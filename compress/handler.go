package compress

import (
	"bufio"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/tako-go/tako/parse"
)

// Middleware returns net/http middleware that compresses responses as cfg
// says. It panics if cfg is invalid (an out-of-range level), as a
// registration-time mistake.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	p, err := NewPolicy(cfg)
	if err != nil {
		panic(err)
	}
	return func(next http.Handler) http.Handler { return &handler{next: next, p: p} }
}

// Handler wraps next with compression under cfg; see Middleware.
func Handler(next http.Handler, cfg Config) http.Handler { return Middleware(cfg)(next) }

type handler struct {
	next http.Handler
	p    *Policy
}

// Shared header values: assigning these slices instead of calling
// Header.Set saves an allocation per response. Their capacity equals their
// length, so a later Header.Add copies rather than writing into them.
var (
	varyAcceptEncoding = []string{"Accept-Encoding"}
	encodingValues     = [numEncodings][]string{
		Gzip: {"gzip"}, Deflate: {"deflate"}, Brotli: {"br"}, Zstd: {"zstd"},
	}
)

func addVary(h http.Header) {
	v, ok := h["Vary"]
	if !ok {
		h["Vary"] = varyAcceptEncoding
		return
	}
	for _, s := range v {
		if hasToken(s, "Accept-Encoding") || hasToken(s, "*") {
			return
		}
	}
	h["Vary"] = append(v[:len(v):len(v)], "Accept-Encoding")
}

// hasToken reports whether a comma-separated list contains tok
// (case-insensitively).
func hasToken(list, tok string) bool {
	for len(list) > 0 {
		i := 0
		for i < len(list) && list[i] != ',' {
			i++
		}
		el := list[:i]
		for len(el) > 0 && (el[0] == ' ' || el[0] == '\t') {
			el = el[1:]
		}
		for len(el) > 0 && (el[len(el)-1] == ' ' || el[len(el)-1] == '\t') {
			el = el[:len(el)-1]
		}
		if len(el) == len(tok) && parse.EqualFold(el, tok) {
			return true
		}
		if i == len(list) {
			break
		}
		list = list[i+1:]
	}
	return false
}

var responseWriterPool = sync.Pool{New: func() any { return new(responseWriter) }}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	addVary(w.Header())
	enc := h.p.Request(r.Method, r.Header.Get("Accept-Encoding"), r.Header.Get("Range"))
	if enc == Identity {
		h.next.ServeHTTP(w, r)
		return
	}
	rw := responseWriterPool.Get().(*responseWriter)
	rw.rw, rw.p, rw.enc = w, h.p, enc
	h.next.ServeHTTP(rw, r)
	rw.finish()
	rw.rw, rw.p = nil, nil
	responseWriterPool.Put(rw)
}

const (
	stateBuffering uint8 = iota
	statePlain
	stateCompressing
	stateHijacked
)

// responseWriter buffers the start of a body until the decision to compress
// can be made, then either passes through or compresses as it goes.
type responseWriter struct {
	rw     http.ResponseWriter
	p      *Policy
	enc    Encoding
	state  uint8
	status int // 0 until WriteHeader (1xx are passed on and not recorded)
	// large: a Content-Length at or over MinSize was declared, but the
	// Content-Type is missing, so the decision waits for the first Write
	// to sniff it.
	large bool
	buf    []byte
	cw     Writer
}

var _ http.Flusher = (*responseWriter)(nil)

func (w *responseWriter) Header() http.Header { return w.rw.Header() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.rw }

func (w *responseWriter) WriteHeader(code int) {
	if w.status != 0 || w.state != stateBuffering {
		if w.state == statePlain {
			w.rw.WriteHeader(code) // let net/http report the superfluous call
		}
		return
	}
	if code >= 100 && code <= 199 {
		w.rw.WriteHeader(code)
		return
	}
	w.status = code
	h := w.rw.Header()
	cl := int64(-1)
	if v := h.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			cl = n
		}
	}
	switch w.p.Decide(code, h.Get("Content-Encoding"), h.Get("Cache-Control"), h.Get("Content-Type"), cl) {
	case Plain:
		w.startPlain()
	case Compress:
		if _, set := h["Content-Type"]; !set {
			w.large = true
			return
		}
		w.startCompress()
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if w.status == 0 && w.state == stateBuffering {
		w.WriteHeader(http.StatusOK)
	}
	switch w.state {
	case statePlain:
		return w.rw.Write(p)
	case stateCompressing:
		return w.cw.Write(p)
	case stateHijacked:
		return 0, http.ErrHijacked
	}
	if len(w.buf)+len(p) < w.p.minSize && !w.large {
		if w.buf == nil {
			w.buf = make([]byte, 0, w.p.minSize)
		}
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	if err := w.decideOnBody(p); err != nil {
		return 0, err
	}
	if w.state == stateCompressing {
		return w.cw.Write(p)
	}
	return w.rw.Write(p)
}

// decideOnBody settles a buffering response once enough body is known:
// sniffs a missing Content-Type from the body's first bytes (after
// compression nobody could), applies the content-type test, starts the
// chosen path and writes out the buffer.
func (w *responseWriter) decideOnBody(next []byte) error {
	h := w.rw.Header()
	ct := h.Get("Content-Type")
	if ct == "" {
		if _, set := h["Content-Type"]; !set && (len(w.buf) > 0 || len(next) > 0) {
			var sniff [512]byte
			n := copy(sniff[:], w.buf)
			n += copy(sniff[n:], next)
			ct = http.DetectContentType(sniff[:n])
			h["Content-Type"] = []string{ct}
		}
	}
	if ct != "" && !w.p.compressible(ct) {
		w.startPlain()
	} else {
		w.startCompress()
	}
	if len(w.buf) > 0 {
		var err error
		if w.state == stateCompressing {
			_, err = w.cw.Write(w.buf)
		} else {
			_, err = w.rw.Write(w.buf)
		}
		w.buf = w.buf[:0]
		return err
	}
	return nil
}

func (w *responseWriter) startPlain() {
	w.state = statePlain
	addVary(w.rw.Header())
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.rw.WriteHeader(w.status)
}

func (w *responseWriter) startCompress() {
	w.state = stateCompressing
	h := w.rw.Header()
	addVary(h)
	h["Content-Encoding"] = encodingValues[w.enc]
	delete(h, "Content-Length")
	delete(h, "Accept-Ranges")
	if et, ok := h["Etag"]; ok && len(et) > 0 {
		if w.p.etag == ETagDrop {
			delete(h, "Etag")
		} else if v := et[0]; v != "" && !(len(v) >= 2 && (v[0] == 'W' || v[0] == 'w') && v[1] == '/') {
			h["Etag"] = []string{string(AppendETag(make([]byte, 0, len(v)+10), v, w.enc, w.p.etag))}
		}
	}
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.rw.WriteHeader(w.status)
	// The level was validated by NewPolicy, so Reset cannot fail.
	_ = w.cw.Reset(w.rw, w.enc, w.p.levels[w.enc])
}

// Flush sends everything written so far to the client, compressed if the
// response is compressed, so streamed responses (SSE) are compressed
// incrementally. A Flush before the decision decides: a body whose
// Content-Type allows compression is compressed from here on.
func (w *responseWriter) Flush() {
	if w.state == stateHijacked {
		return
	}
	if w.state == stateBuffering {
		if w.status == 0 {
			w.WriteHeader(http.StatusOK)
		}
		if w.state == stateBuffering {
			h := w.rw.Header()
			if _, set := h["Content-Type"]; !set && len(w.buf) == 0 {
				// Nothing to sniff and no type: cannot judge the body.
				w.startPlain()
			} else if err := w.decideOnBody(nil); err != nil {
				return
			}
		}
	}
	if w.state == stateCompressing {
		if err := w.cw.Flush(); err != nil {
			return
		}
	}
	if f, ok := w.rw.(http.Flusher); ok {
		f.Flush()
	} else {
		_ = http.NewResponseController(w.rw).Flush()
	}
}

// Hijack passes through to the underlying writer when it supports it.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.state == stateCompressing {
		return nil, nil, http.ErrNotSupported
	}
	c, rw, err := http.NewResponseController(w.rw).Hijack()
	if err == nil {
		w.state = stateHijacked
	}
	return c, rw, err
}

// finish ends the response after the handler returns: a body still in the
// buffer is under MinSize and goes out plain; a compressed stream gets its
// trailer.
func (w *responseWriter) finish() {
	switch w.state {
	case stateBuffering:
		if w.status != 0 || len(w.buf) > 0 {
			w.startPlain()
			if len(w.buf) > 0 {
				_, _ = w.rw.Write(w.buf)
			}
		}
	case stateCompressing:
		_ = w.cw.Close()
	}
	w.state, w.status, w.buf, w.large = stateBuffering, 0, w.buf[:0], false
}
