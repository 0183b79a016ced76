package compress

import (
	"github.com/tako-go/tako/parse"
)

// DefaultPreference is the server's order of preference when the client
// weighs several codings equally: zstd first (fastest at a ratio close to
// brotli's, see the package documentation), then brotli, gzip and deflate.
var DefaultPreference = []Encoding{Zstd, Brotli, Gzip, Deflate}

// Negotiator chooses a content coding from an Accept-Encoding header. Build
// one with NewNegotiator; its Negotiate method allocates nothing.
type Negotiator struct {
	offers []string
}

// NewNegotiator returns a Negotiator offering the given encodings in the
// server's order of preference (nil means DefaultPreference). Identity in
// the list is ignored: it is always the fallback.
func NewNegotiator(pref []Encoding) *Negotiator {
	if pref == nil {
		pref = DefaultPreference
	}
	n := &Negotiator{offers: make([]string, 0, len(pref))}
	for _, e := range pref {
		if e != Identity && e < numEncodings {
			n.offers = append(n.offers, e.String())
		}
	}
	return n
}

// Negotiate returns the coding to use for a response by the request's
// Accept-Encoding header, with RFC 9110 §12.5.3 semantics as parse
// implements them: q-values, "*", "identity" and q=0 exclusions. The client's
// highest weight wins; among equal weights the server's preference decides.
//
// An absent or empty header yields Identity, as does a header that accepts
// none of the offers. ok is false only when the header rejects identity too
// ("identity;q=0" or "*;q=0" with no acceptable offer); the server may then
// answer 406 or send identity anyway.
func (n *Negotiator) Negotiate(acceptEncoding string) (e Encoding, ok bool) {
	if acceptEncoding == "" {
		return Identity, true
	}
	best, ok := parse.NegotiateEncoding(acceptEncoding, n.offers...)
	if !ok {
		return Identity, false
	}
	e, _ = ParseEncoding(best)
	return e, true
}
