package parse

import (
	"iter"
	"strings"
)

// Accept-Encoding (RFC 9110 §12.5.3):
//
//	Accept-Encoding = #( codings [ weight ] )
//	codings         = content-coding / "identity" / "*"

// Coding is one element of an Accept-Encoding header. Name is a sub-string
// of the header value and is valid as long as it is.
type Coding struct {
	Name string // "gzip", "identity", "*"
	Q    int    // weight in thousandths (0..1000); 1000 when absent
}

// EncodingIter iterates over the codings of an Accept-Encoding header value.
// Create one with ParseAcceptEncoding.
type EncodingIter struct {
	s   string
	i   int
	bad httpErrState
}

// ParseAcceptEncoding returns an iterator over the codings of an
// Accept-Encoding header value. It allocates nothing.
func ParseAcceptEncoding(header string) EncodingIter { return EncodingIter{s: header} }

// Next returns the next well-formed coding, skipping malformed ones.
func (it *EncodingIter) Next() (Coding, bool) {
	var e httpWeighted
	for {
		i := httpSkipListSep(it.s, it.i)
		if i >= len(it.s) {
			it.i = i
			return Coding{}, false
		}
		next, reason, off := httpScanWeighted(it.s, i, &e)
		it.i = next
		if reason != "" {
			it.bad.set(reason, off)
			continue
		}
		if strings.IndexByte(e.value, '/') >= 0 { // otherwise a token already

			it.bad.set("bad content coding", i)
			continue
		}
		return Coding{Name: e.value, Q: e.q}, true
	}
}

// Err returns the first syntax error met so far (a *HeaderError), or nil.
func (it *EncodingIter) Err() error { return it.bad.err("accept-encoding") }

// encodingSame compares content-coding names, treating "x-gzip" as "gzip"
// and "x-compress" as "compress" (RFC 9110 §8.4.1).
func encodingSame(a, b string) bool {
	if len(a) > 2 && (a[0] == 'x' || a[0] == 'X') && a[1] == '-' {
		a = a[2:]
	}
	if len(b) > 2 && (b[0] == 'x' || b[0] == 'X') && b[1] == '-' {
		b = b[2:]
	}
	return httpEqualFold(a, b)
}

// NegotiateEncoding chooses the content coding for a response from the
// offers (the codings the server can produce, in its order of preference,
// such as "br", "zstd", "gzip") by the Accept-Encoding header (RFC 9110
// §12.5.3). Each offer takes the weight of its own entry, else of "*"; the
// highest non-zero weight wins and ties go to the earlier offer. "x-gzip"
// matches "gzip".
//
// "identity" (no coding) is acceptable unless the header says
// "identity;q=0", or "*;q=0" without an identity entry; when it is only
// implicitly acceptable it ranks below every coding the client listed. When
// no offer is acceptable but identity is, the result is "identity", true
// even if "identity" was not offered; ok is false only when nothing at all
// is acceptable (answer 406, or send identity anyway as RFC 9110 allows).
//
// An empty header means identity only (RFC 9110: "does not want any content
// coding"); callers that see no header at all may pass "*" instead. It
// allocates nothing.
func NegotiateEncoding(header string, offers ...string) (best string, ok bool) {
	bestQ := 0
	identity := -1 // weight the header gives identity; -1 if unmentioned
	star := -1
	for base := 0; base == 0 || base < len(offers); base += encodingOfferChunk {
		chunk := offers[min(base, len(offers)):min(base+encodingOfferChunk, len(offers))]
		var exact [encodingOfferChunk]int
		for k := range chunk {
			exact[k] = -1
		}
		// One pass over the header scores every offer of the chunk.
		it := ParseAcceptEncoding(header)
		for {
			c, more := it.Next()
			if !more {
				break
			}
			switch {
			case c.Name == "*":
				if star < 0 {
					star = c.Q
				}
				continue
			case identity < 0 && httpEqualFold(c.Name, "identity"):
				identity = c.Q
			}
			for k, o := range chunk {
				if exact[k] < 0 && encodingSame(c.Name, o) {
					exact[k] = c.Q
				}
			}
		}
		for k, o := range chunk {
			q := exact[k]
			switch {
			case q >= 0:
			case star >= 0:
				q = star
			case httpEqualFold(o, "identity"):
				q = 1 // acceptable by default, below anything listed
			default:
				q = 0
			}
			if q > bestQ {
				best, bestQ = o, q
			}
		}
	}
	if bestQ > 0 {
		return best, true
	}
	if identity > 0 || (identity < 0 && star != 0) {
		return "identity", true
	}
	return "", false
}

// encodingOfferChunk bounds the offers NegotiateEncoding scores per pass
// over the header, so that its bookkeeping stays on the stack.
const encodingOfferChunk = 16

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *EncodingIter) All() iter.Seq[Coding] {
	return func(yield func(Coding) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
