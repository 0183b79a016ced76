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

// AddVary adds "Accept-Encoding" to the Vary header unless it is there
// already (or Vary is "*"). It allocates only when another Vary value is
// present.
func AddVary(h http.Header) {
	v, ok := h["Vary"]
	if !ok {
		h["Vary"] = varyAcceptEncoding
		return
	}
	for _, s := range v {
		if parse.HasToken(s, "Accept-Encoding") || parse.HasToken(s, "*") {
			return
		}
	}
	h["Vary"] = append(v[:len(v):len(v)], "Accept-Encoding")
}

var responseWriterPool = sync.Pool{New: func() any { return new(ResponseWriter) }}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	AddVary(w.Header())
	enc := h.p.Request(r.Method, r.Header.Get("Accept-Encoding"), r.Header.Get("Range"))
	if enc == Identity {
		h.next.ServeHTTP(w, r)
		return
	}
	rw := h.p.AcquireResponseWriter(w, enc)
	h.next.ServeHTTP(rw, r)
	rw.Release()
}

// AcquireResponseWriter returns a pooled ResponseWriter that sends what is
// written to it on to w, compressed with e when the policy's skip rules allow
// (e comes from Request). Call Release when the handler has returned.
// Adapters that run handlers on a net/http ResponseWriter use it; plain
// net/http users want Middleware.
func (p *Policy) AcquireResponseWriter(w http.ResponseWriter, e Encoding) *ResponseWriter {
	rw := responseWriterPool.Get().(*ResponseWriter)
	rw.rw, rw.p, rw.enc = w, p, e
	AddVary(w.Header())
	return rw
}

// Release finishes the response (a body still buffered under MinSize goes
// out as it is; a compressed stream gets its trailer) and returns w to its
// pool. w must not be used afterwards.
func (w *ResponseWriter) Release() {
	w.finish()
	w.rw, w.p = nil, nil
	responseWriterPool.Put(w)
}

const (
	stateBuffering uint8 = iota
	statePlain
	stateCompressing
	stateHijacked
)

// ResponseWriter is the compressing http.ResponseWriter of the middleware.
// It buffers the start of a body until the decision to compress can be made
// (MinSize bytes, a declared Content-Length, or a Flush), then either passes
// through or compresses as the handler writes. It implements http.Flusher and
// http.Hijacker, and Unwrap for http.ResponseController.
type ResponseWriter struct {
	rw     http.ResponseWriter
	p      *Policy
	enc    Encoding
	state  uint8
	status int // 0 until WriteHeader (1xx are passed on and not recorded)
	// large: a Content-Length at or over MinSize was declared, but the
	// Content-Type is missing, so the decision waits for the first Write
	// to sniff it.
	large bool
	buf   []byte
	cw    Writer
}

var _ http.Flusher = (*ResponseWriter)(nil)

// Header returns the underlying writer's header map.
func (w *ResponseWriter) Header() http.Header { return w.rw.Header() }

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *ResponseWriter) Unwrap() http.ResponseWriter { return w.rw }

// WriteHeader records the status and decides what it can from the headers:
// 1xx statuses pass straight through; a bodiless status, a Content-Encoding,
// no-transform, an incompressible Content-Type or a short Content-Length
// send the body as it is.
func (w *ResponseWriter) WriteHeader(code int) {
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

// Write buffers p while the decision is open, then compresses or passes it.
func (w *ResponseWriter) Write(p []byte) (int, error) {
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
func (w *ResponseWriter) decideOnBody(next []byte) error {
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

func (w *ResponseWriter) startPlain() {
	w.state = statePlain
	AddVary(w.rw.Header())
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.rw.WriteHeader(w.status)
}

func (w *ResponseWriter) startCompress() {
	w.state = stateCompressing
	h := w.rw.Header()
	AddVary(h)
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
func (w *ResponseWriter) Flush() {
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
func (w *ResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
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
func (w *ResponseWriter) finish() {
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
