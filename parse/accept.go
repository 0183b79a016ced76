package parse

import (
	"iter"
	"strings"
)

// Accept (RFC 9110 §12.5.1) and the weighted-list scanner that Accept,
// Accept-Language and Accept-Encoding share:
//
//	Accept      = #( media-range [ weight ] )
//	media-range = ( "*/*" / ( type "/" "*" ) / ( type "/" subtype ) ) parameters
//	weight      = OWS ";" OWS "q=" qvalue
//
// The iterators are lenient the way browsers need: a malformed element is
// skipped (the scan resumes after the next top-level comma) and remembered
// for Err, while the well-formed elements around it are still returned.
// Weights are integers in thousandths (q=0.5 is 500), which keeps them exact.

// httpWeighted is one element of a weighted list.
type httpWeighted struct {
	value  string // the element before any parameter
	params string // raw parameters before the weight, OWS-trimmed
	q      int    // weight in thousandths; 1000 when absent
}

// httpScanWeighted scans the list element at s[i:] (i is at its first byte)
// into e. It returns the index just after the element (at a comma or the
// end). On a syntax error it returns the resume index, a reason and the
// offset of the fault.
func httpScanWeighted(s string, i int, e *httpWeighted) (next int, reason string, off int) {
	j := i
	for j < len(s) && httpElemChar[s[j]] {
		j++
	}
	if j == i {
		return httpListSkip(s, i), "bad list element", i
	}
	*e = httpWeighted{value: s[i:j], q: httpWeightMax}
	hasQ := false
	pstart, pend := -1, -1
	k := j
	for {
		k = httpSkipOWS(s, k)
		if k >= len(s) || s[k] == ',' {
			break
		}
		if s[k] != ';' {
			return httpListSkip(s, k), "unexpected byte", k
		}
		k = httpSkipOWS(s, k+1)
		if k >= len(s) || s[k] == ',' || s[k] == ';' {
			continue // empty parameter
		}
		var p MediaParam
		end, reason := httpScanParam(s, k, &p)
		if reason != "" {
			return httpListSkip(s, end), reason, end
		}
		switch {
		case hasQ:
			// accept-ext after the weight (RFC 7231): validated, ignored.
		case len(p.Name) == 1 && (p.Name[0] == 'q' || p.Name[0] == 'Q'):
			q := -1
			if !p.Quoted {
				q = httpParseQ(p.Value)
			}
			if q < 0 {
				return httpListSkip(s, end), "bad weight", k
			}
			e.q, hasQ = q, true
		default:
			if pstart < 0 {
				pstart = k
			}
			pend = end
		}
		k = end
	}
	if pstart >= 0 {
		e.params = s[pstart:pend]
	}
	return k, "", 0
}

// httpSkipListSep skips OWS and empty list elements (commas).
func httpSkipListSep(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
		i++
	}
	return i
}

// MediaRange is one element of an Accept header. Its strings are sub-strings
// of the header value and are valid as long as it is.
type MediaRange struct {
	Type    string // "text", or "*" in "*/*"
	Subtype string // "html", or "*" in "text/*" and "*/*"
	// RawParams holds the media-type parameters before the weight,
	// OWS-trimmed ("level=1" in "text/html;level=1;q=0.5"). Iterate
	// them with Params.
	RawParams string
	Q         int // weight in thousandths (0..1000); 1000 when absent
}

// Params returns an iterator over the media range's parameters.
func (r MediaRange) Params() ParamIter { return ParamIter{s: r.RawParams} }

// Weight returns the weight as a number between 0 and 1.
func (r MediaRange) Weight() float64 { return float64(r.Q) / httpWeightMax }

// AcceptIter iterates over the media ranges of an Accept header value.
// Create one with ParseAccept; the zero value is an empty iterator.
type AcceptIter struct {
	s   string
	i   int
	bad httpErrState
}

// ParseAccept returns an iterator over the media ranges of an Accept header
// value. It allocates nothing.
func ParseAccept(header string) AcceptIter { return AcceptIter{s: header} }

// Next returns the next well-formed media range, skipping malformed ones.
func (it *AcceptIter) Next() (MediaRange, bool) {
	var e httpWeighted
	for {
		i := httpSkipListSep(it.s, it.i)
		if i >= len(it.s) {
			it.i = i
			return MediaRange{}, false
		}
		next, reason, off := httpScanWeighted(it.s, i, &e)
		it.i = next
		if reason != "" {
			it.bad.set(reason, off)
			continue
		}
		typ, sub, ok := httpCutMediaRange(e.value)
		if !ok {
			it.bad.set("bad media range", i)
			continue
		}
		return MediaRange{Type: typ, Subtype: sub, RawParams: e.params, Q: e.q}, true
	}
}

// Err returns the first syntax error met so far (a *HeaderError), or nil.
// Malformed elements do not stop the iteration.
func (it *AcceptIter) Err() error { return it.bad.err("accept") }

// httpCutMediaRange splits "type/subtype" and checks that both halves are
// tokens and that "*/x" is not used. v holds only tchar and '/' already
// (httpScanWeighted saw to that), so the halves are tokens when they are
// non-empty and slash-free.
func httpCutMediaRange(v string) (typ, sub string, ok bool) {
	i := strings.IndexByte(v, '/')
	if i <= 0 || i == len(v)-1 || strings.IndexByte(v[i+1:], '/') >= 0 {
		return "", "", false
	}
	typ, sub = v[:i], v[i+1:]
	return typ, sub, typ != "*" || sub == "*"
}

// acceptOfferChunk bounds the offers NegotiateAccept scores per pass over
// the header, so that its bookkeeping stays on the stack.
const acceptOfferChunk = 16

type acceptOffer struct {
	typ, sub, params string
	valid            bool
	spec             int // specificity of the best matching range; -1 none
	q                int
}

// NegotiateAccept picks the offer the client prefers by its Accept header
// (RFC 9110 §12.5.1). Offers are media types such as "application/json" or
// "text/html;level=1", in the server's order of preference.
//
// Each offer takes the weight of the most specific media range that matches
// it: a range with parameters (all present in the offer, values compared
// ASCII case-insensitively) beats "type/subtype", which beats "type/*",
// which beats "*/*". A weight of 0 makes an offer unacceptable. The offer
// with the highest weight wins; ties go to the earlier offer.
//
// An empty header, or one with no well-formed element, accepts anything:
// the first offer is returned. ok is false when no offer is acceptable
// (answer 406, or ignore the header). It allocates nothing, including when
// called with a pre-built slice: NegotiateAccept(h, offers...).
func NegotiateAccept(header string, offers ...string) (best string, ok bool) {
	if len(offers) == 0 {
		return "", false
	}
	bestQ := 0
	for base := 0; base < len(offers); base += acceptOfferChunk {
		chunk := offers[base:min(base+acceptOfferChunk, len(offers))]
		var st [acceptOfferChunk]acceptOffer
		for k, o := range chunk {
			mt, err := ParseMediaType(o)
			st[k] = acceptOffer{typ: mt.Type, sub: mt.Subtype, params: mt.RawParams, valid: err == nil, spec: -1}
		}
		it := ParseAccept(header)
		seen := false
		for {
			r, more := it.Next()
			if !more {
				break
			}
			seen = true
			for k := range chunk {
				o := &st[k]
				if !o.valid {
					continue
				}
				if spec := acceptSpecificity(r, o); spec > o.spec {
					o.spec, o.q = spec, r.Q
				}
			}
		}
		if !seen {
			return offers[0], true // absent or unusable header: anything goes
		}
		for k := range chunk {
			if o := &st[k]; o.spec >= 0 && o.q > bestQ {
				best, bestQ = chunk[k], o.q
			}
		}
	}
	return best, bestQ > 0
}

// acceptSpecificity scores how specifically r matches offer o: -1 for no
// match, then */* < type/* < type/subtype, with each matching parameter
// adding one.
func acceptSpecificity(r MediaRange, o *acceptOffer) int {
	var level int
	switch {
	case r.Type == "*":
		level = 0
	case !httpEqualFold(r.Type, o.typ):
		return -1
	case r.Subtype == "*":
		level = 1
	case !httpEqualFold(r.Subtype, o.sub):
		return -1
	default:
		level = 2
	}
	n := 0
	rp := r.Params()
	for {
		p, more := rp.Next()
		if !more {
			break
		}
		v, found := httpParamLookup(o.params, p.Name)
		if !found || !httpParamValueEqualFold(v, p) {
			return -1
		}
		n++
	}
	return level<<16 | min(n, 1<<16-1)
}

// httpParamValueEqualFold compares two parameter values after resolving
// quoted-pairs, ASCII case-insensitively, without copying.
func httpParamValueEqualFold(a, b MediaParam) bool {
	if !a.Escaped && !b.Escaped {
		return httpEqualFold(a.Value, b.Value)
	}
	i, j := 0, 0
	for i < len(a.Value) && j < len(b.Value) {
		ca, cb := a.Value[i], b.Value[j]
		if a.Escaped && ca == '\\' && i+1 < len(a.Value) {
			i++
			ca = a.Value[i]
		}
		if b.Escaped && cb == '\\' && j+1 < len(b.Value) {
			j++
			cb = b.Value[j]
		}
		if httpLower(ca) != httpLower(cb) {
			return false
		}
		i++
		j++
	}
	return i == len(a.Value) && j == len(b.Value)
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *AcceptIter) All() iter.Seq[MediaRange] {
	return func(yield func(MediaRange) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
