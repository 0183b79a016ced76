// Package compress is Tako's response compression middleware: the codecs,
// negotiation and skip rules of github.com/tako-go/tako/compress, on both of
// Tako's engines.
//
//	app := tako.New()
//	app.Use(compress.New(compress.Config{}))
//
// On the NetHTTP engine the response is compressed as the handler writes it:
// bodies are buffered up to Config.MinSize, then compressed incrementally, and
// Flush (Ctx.Stream's StreamWriter) sends each compressed block at once, so
// SSE streams are compressed event by event.
//
// On the FastHTTP engine fasthttp holds the whole response body when the
// handler returns; the middleware compresses it then, into a pooled buffer
// swapped with the response's (fasthttp.Response.SwapBody), so a response
// costs no allocation in steady state. Responses streamed with Ctx.Stream
// are compressed by fasthttp's stream compressor, which flushes the encoder
// whenever the stream writer flushes, so SSE works there too.
//
// A handler error is rendered by the App's ErrorHandler after the middleware
// returns, uncompressed.
package compress

import (
	"sync"
	"unsafe"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/compress"
	"github.com/tako-go/tako/parse"
	"github.com/valyala/fasthttp"
)

// Config is compress.Config: the zero value works (server preference zstd,
// br, gzip, deflate; default levels; 1 KiB minimum; strong ETags weakened).
type Config = compress.Config

// New returns the compression middleware. It panics if cfg is invalid (a
// level out of range), as a registration-time mistake.
func New(cfg Config) tako.Middleware {
	p, err := compress.NewPolicy(cfg)
	if err != nil {
		panic(err)
	}
	// Streamed bodies on fasthttp go through fasthttp's own stream
	// compressor (it flushes the encoder after every chunk the stream
	// writer flushes), one handler per negotiated coding.
	var streams [5]fasthttp.RequestHandler
	nop := func(*fasthttp.RequestCtx) {}
	for _, e := range []compress.Encoding{compress.Gzip, compress.Deflate, compress.Brotli, compress.Zstd} {
		streams[e] = fasthttp.CompressHandlerBrotliLevel(nop, p.Level(compress.Brotli), p.Level(e))
	}
	return func(next tako.Handler) tako.Handler {
		return func(c *tako.Ctx) error {
			if c.Engine() == tako.FastHTTP {
				return serveFast(p, &streams, next, c)
			}
			return serveNet(p, next, c)
		}
	}
}

func serveNet(p *compress.Policy, next tako.Handler, c *tako.Ctx) error {
	w, r := c.HTTP()
	enc := p.Request(r.Method, r.Header.Get("Accept-Encoding"), r.Header.Get("Range"))
	if enc == compress.Identity {
		compress.AddVary(w.Header())
		return next(c)
	}
	rw := p.AcquireResponseWriter(w, enc)
	c.SwapResponseWriter(rw)
	err := next(c)
	c.SwapResponseWriter(w)
	rw.Release()
	return err
}

// fastBuf is a pooled destination for a compressed body; after SwapBody it
// holds the response's previous body buffer, which the next response reuses.
type fastBuf struct {
	b    []byte
	etag []byte
}

func (f *fastBuf) Write(p []byte) (int, error) {
	f.b = append(f.b, p...)
	return len(p), nil
}

var fastBufPool = sync.Pool{New: func() any { return new(fastBuf) }}

// b2s views b as a string without copying; the string is used only while b
// is unchanged (header values read within this request).
func b2s(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

const (
	hVary            = "Vary"
	hAcceptEncoding  = "Accept-Encoding"
	hContentEncoding = "Content-Encoding"
)

func serveFast(p *compress.Policy, streams *[5]fasthttp.RequestHandler, next tako.Handler, c *tako.Ctx) error {
	fc := c.FastHTTP()
	req := &fc.Request.Header
	enc := p.Request(b2s(req.Method()), b2s(req.Peek(hAcceptEncoding)), b2s(req.Peek("Range")))
	err := next(c)
	resp := &fc.Response
	addVaryFast(&resp.Header)
	if err != nil || enc == compress.Identity {
		return err
	}
	h := &resp.Header
	if resp.IsBodyStream() {
		if p.Decide(resp.StatusCode(), b2s(h.ContentEncoding()), b2s(h.Peek("Cache-Control")),
			b2s(h.ContentType()), -1) == compress.Plain {
			return nil
		}
		// fasthttp's stream compressor picks the coding from the request's
		// Accept-Encoding: show it only the negotiated one.
		fb := fastBufPool.Get().(*fastBuf)
		fb.etag = append(fb.etag[:0], req.Peek(hAcceptEncoding)...)
		req.Set(hAcceptEncoding, enc.String())
		streams[enc](fc)
		req.SetBytesV(hAcceptEncoding, fb.etag)
		fastBufPool.Put(fb)
		return nil
	}
	body := resp.Body()
	if p.Decide(resp.StatusCode(), b2s(h.ContentEncoding()), b2s(h.Peek("Cache-Control")),
		b2s(h.ContentType()), int64(len(body))) != compress.Compress {
		return nil
	}
	fb := fastBufPool.Get().(*fastBuf)
	fb.b = fb.b[:0]
	w, werr := compress.AcquireWriter(fb, enc, p.Level(enc))
	if werr != nil {
		fastBufPool.Put(fb)
		return nil // unreachable: NewPolicy validated the level
	}
	_, _ = w.Write(body)
	if cerr := w.Close(); cerr != nil {
		compress.ReleaseWriter(w)
		fastBufPool.Put(fb)
		return nil
	}
	compress.ReleaseWriter(w)
	fb.b = resp.SwapBody(fb.b)
	h.SetContentEncoding(enc.String())
	h.Del("Accept-Ranges")
	if et := h.Peek("ETag"); len(et) > 0 {
		if p.ETagMode() == compress.ETagDrop {
			h.Del("ETag")
		} else {
			fb.etag = compress.AppendETag(fb.etag[:0], b2s(et), enc, p.ETagMode())
			h.SetBytesV("ETag", fb.etag)
		}
	}
	fastBufPool.Put(fb)
	return nil
}

// addVaryFast adds Accept-Encoding to a fasthttp response's Vary header.
func addVaryFast(h *fasthttp.ResponseHeader) {
	v := h.Peek(hVary)
	if len(v) == 0 {
		h.Set(hVary, hAcceptEncoding)
		return
	}
	if parse.HasToken(b2s(v), hAcceptEncoding) || parse.HasToken(b2s(v), "*") {
		return
	}
	h.Set(hVary, string(v)+", "+hAcceptEncoding)
}
