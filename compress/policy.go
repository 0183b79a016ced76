package compress

import (
	"fmt"
	"net/http"

	"github.com/tako-go/tako/parse"
)

// DefaultMinSize is the body size below which responses are sent
// uncompressed when Config.MinSize is 0: 1 KiB. Smaller bodies gain too
// little (often less than the coding's own framing) to pay for compressing.
const DefaultMinSize = 1024

// ETagMode says what happens to an ETag when the body is compressed. A
// strong ETag names one exact representation; the compressed body is a
// different one, so it must change (RFC 9110 §8.8.3).
type ETagMode uint8

const (
	// ETagWeaken (the zero value) turns a strong ETag into a weak one
	// (`"x"` becomes `W/"x"`), so conditional GETs still match and range
	// requests never use it.
	ETagWeaken ETagMode = iota
	// ETagSuffix appends the coding to a strong ETag: `"x"` becomes
	// `"x-gzip"`, a distinct strong validator per coding.
	ETagSuffix
	// ETagDrop removes the ETag of compressed responses.
	ETagDrop
)

// Config configures compression. The zero Config works: server preference
// DefaultPreference, default levels, a 1 KiB minimum, ETags weakened, the
// built-in content-type deny-list.
type Config struct {
	// Preference lists the codings the server offers, most preferred first;
	// the client's q-values rank first, this order breaks ties. nil means
	// DefaultPreference.
	Preference []Encoding

	// Levels per codec, codec-native (see the package documentation).
	// 0 means the package default (brotli quality 0 is therefore not
	// selectable here; it compresses worse than gzip level 1).
	GzipLevel, DeflateLevel, BrotliLevel, ZstdLevel int

	// MinSize is the smallest body that is compressed; bodies are buffered
	// up to it before the decision. 0 means DefaultMinSize; a negative value
	// compresses every non-empty body.
	MinSize int

	// ETag says what happens to a strong ETag on a compressed response.
	ETag ETagMode

	// Compressible, when set, replaces CompressibleType as the test of the
	// response Content-Type.
	Compressible func(contentType string) bool
}

// Policy is a compiled Config: it negotiates codings and decides, from the
// request and the response headers, whether a response is compressed. Both
// the net/http middleware and engine adapters drive it. Its methods allocate
// nothing and are safe for concurrent use.
type Policy struct {
	neg          *Negotiator
	levels       [numEncodings]int
	minSize      int
	etag         ETagMode
	compressible func(string) bool
}

// NewPolicy validates cfg and compiles it.
func NewPolicy(cfg Config) (*Policy, error) {
	p := &Policy{
		neg:          NewNegotiator(cfg.Preference),
		minSize:      cfg.MinSize,
		etag:         cfg.ETag,
		compressible: cfg.Compressible,
	}
	if p.minSize == 0 {
		p.minSize = DefaultMinSize
	} else if p.minSize < 0 {
		p.minSize = 1
	}
	if p.compressible == nil {
		p.compressible = CompressibleType
	}
	if cfg.ETag > ETagDrop {
		return nil, fmt.Errorf("compress: unknown ETag mode %d", cfg.ETag)
	}
	for e, lv := range [numEncodings]int{Gzip: cfg.GzipLevel, Deflate: cfg.DeflateLevel, Brotli: cfg.BrotliLevel, Zstd: cfg.ZstdLevel} {
		if e == int(Identity) {
			continue
		}
		if lv == 0 {
			lv = DefaultLevel
		}
		r, err := resolveLevel(Encoding(e), lv)
		if err != nil {
			return nil, err
		}
		p.levels[e] = r
	}
	return p, nil
}

// Level returns the configured codec-native level for e.
func (p *Policy) Level(e Encoding) int {
	if e < numEncodings {
		return p.levels[e]
	}
	return 0
}

// MinSize returns the smallest body size that is compressed.
func (p *Policy) MinSize() int { return p.minSize }

// ETagMode returns the configured ETag handling.
func (p *Policy) ETagMode() ETagMode { return p.etag }

// Request negotiates the coding for a request. It returns Identity for HEAD
// requests, for requests with a Range header (the answer may be a 206 of the
// identity body) and when the client accepts none of the offers.
func (p *Policy) Request(method, acceptEncoding, rangeHeader string) Encoding {
	if method == http.MethodHead || rangeHeader != "" || acceptEncoding == "" {
		return Identity
	}
	e, _ := p.neg.Negotiate(acceptEncoding)
	return e
}

// Decision is the outcome of Policy.Decide.
type Decision uint8

const (
	// Undecided: the headers allow compression but the body size is
	// unknown; buffer up to MinSize bytes, then compress.
	Undecided Decision = iota
	// Plain: send the body as it is.
	Plain
	// Compress: compress the body now.
	Compress
)

// Decide inspects a response's status and headers. contentLength is -1 when
// unknown. It returns Plain for bodiless or partial statuses (1xx, 204, 206,
// 304), an existing Content-Encoding, Cache-Control: no-transform, a
// Content-Type that is already compressed, and a known length under
// MinSize; Compress for a known length at or over MinSize; Undecided
// otherwise.
func (p *Policy) Decide(status int, contentEncoding, cacheControl, contentType string, contentLength int64) Decision {
	switch {
	case !StatusAllowsBody(status),
		contentEncoding != "" && !isIdentity(contentEncoding),
		cacheControl != "" && NoTransform(cacheControl),
		contentType != "" && !p.compressible(contentType),
		contentLength >= 0 && contentLength < int64(p.minSize):
		return Plain
	case contentLength >= 0:
		return Compress
	}
	return Undecided
}

// CompressibleContentType applies the configured content-type test.
func (p *Policy) CompressibleContentType(contentType string) bool {
	return p.compressible(contentType)
}

func isIdentity(s string) bool { return parse.EqualFold(s, "identity") }

// AppendETag appends the ETag for the compressed representation of a
// response whose identity ETag is etag, per mode: a weak ETag is kept, a
// strong one is weakened or suffixed with "-"+coding; with ETagDrop nothing
// is appended. It allocates nothing when dst has room.
func AppendETag(dst []byte, etag string, e Encoding, mode ETagMode) []byte {
	if mode == ETagDrop || etag == "" {
		return dst
	}
	if len(etag) >= 2 && (etag[0] == 'W' || etag[0] == 'w') && etag[1] == '/' {
		return append(dst, etag...)
	}
	if mode == ETagSuffix && len(etag) >= 2 && etag[len(etag)-1] == '"' {
		dst = append(dst, etag[:len(etag)-1]...)
		dst = append(dst, '-')
		dst = append(dst, e.String()...)
		return append(dst, '"')
	}
	dst = append(dst, "W/"...)
	return append(dst, etag...)
}
