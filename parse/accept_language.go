package parse

import "iter"

// Accept-Language (RFC 9110 §12.5.4) with RFC 4647 language ranges:
//
//	Accept-Language = #( language-range [ weight ] )
//	language-range  = ( 1*8ALPHA *( "-" 1*8alphanum ) ) / "*"

// LanguageRange is one element of an Accept-Language header. Tag is a
// sub-string of the header value and is valid as long as it is.
type LanguageRange struct {
	Tag string // "en-GB", or "*"
	Q   int    // weight in thousandths (0..1000); 1000 when absent
}

// LanguageIter iterates over the language ranges of an Accept-Language
// header value. Create one with ParseAcceptLanguage.
type LanguageIter struct {
	s   string
	i   int
	bad httpErrState
}

// ParseAcceptLanguage returns an iterator over the language ranges of an
// Accept-Language header value. It allocates nothing.
func ParseAcceptLanguage(header string) LanguageIter { return LanguageIter{s: header} }

// Next returns the next well-formed language range, skipping malformed ones.
func (it *LanguageIter) Next() (LanguageRange, bool) {
	var e httpWeighted
	for {
		i := httpSkipListSep(it.s, it.i)
		if i >= len(it.s) {
			it.i = i
			return LanguageRange{}, false
		}
		next, reason, off := httpScanWeighted(it.s, i, &e)
		it.i = next
		if reason != "" {
			it.bad.set(reason, off)
			continue
		}
		if !languageRangeValid(e.value) {
			it.bad.set("bad language range", i)
			continue
		}
		return LanguageRange{Tag: e.value, Q: e.q}, true
	}
}

// Err returns the first syntax error met so far (a *HeaderError), or nil.
func (it *LanguageIter) Err() error { return it.bad.err("accept-language") }

func languageRangeValid(v string) bool {
	if v == "*" {
		return true
	}
	n, primary := 0, true // length of the current subtag; in the first one
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '-':
			if n == 0 {
				return false
			}
			n, primary = 0, false
			continue
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && !primary: // the primary subtag is letters only
		default:
			return false
		}
		n++
		if n > 8 {
			return false
		}
	}
	return n > 0
}

// MaxLanguageRanges is how many language ranges of one Accept-Language
// header NegotiateLanguage considers; later ranges are ignored. Browsers send
// fewer than ten. The bound keeps the priority list on the stack.
const MaxLanguageRanges = 32

// NegotiateLanguage chooses among offered language tags by RFC 4647 §3.4
// Lookup. The ranges of the header are tried from the highest weight down
// (header order among equal weights); each range is progressively truncated
// ("zh-Hant-CN" -> "zh-Hant" -> "zh", dropping a trailing single-letter
// subtag as it goes) until it equals an offer, ASCII case-insensitively.
// A range with q=0 excludes every offer it matches by RFC 4647 basic
// filtering ("en;q=0" excludes "en" and "en-US"); "*" matches nothing in
// Lookup.
//
// When no range matches, the result is offers[0], the default, with ok
// false, so the caller can still label the response. With no offers it
// returns "", false. It allocates nothing.
func NegotiateLanguage(header string, offers ...string) (best string, ok bool) {
	if len(offers) == 0 {
		return "", false
	}
	var list [MaxLanguageRanges]LanguageRange
	n := 0
	it := ParseAcceptLanguage(header)
	for n < len(list) {
		r, more := it.Next()
		if !more {
			break
		}
		// Insertion sort by weight, stable: equal weights keep header order.
		k := n
		for k > 0 && list[k-1].Q < r.Q {
			list[k] = list[k-1]
			k--
		}
		list[k] = r
		n++
	}
	for _, r := range list[:n] {
		if r.Q == 0 {
			break // sorted: only exclusions remain
		}
		if r.Tag == "*" {
			continue
		}
		for tag := r.Tag; tag != ""; tag = languageTruncate(tag) {
			for _, o := range offers {
				if httpEqualFold(o, tag) && !languageExcluded(list[:n], o) {
					return o, true
				}
			}
		}
	}
	return offers[0], false
}

// languageTruncate removes the last subtag of tag, and a single-character
// subtag left in front of it (RFC 4647 §3.4).
func languageTruncate(tag string) string {
	i := len(tag) - 1
	for i >= 0 && tag[i] != '-' {
		i--
	}
	if i < 0 {
		return ""
	}
	tag = tag[:i]
	if len(tag) >= 2 && tag[len(tag)-2] == '-' {
		tag = tag[:len(tag)-2]
	}
	return tag
}

// languageExcluded reports whether a q=0 range matches tag by basic
// filtering (RFC 4647 §3.3.1).
func languageExcluded(list []LanguageRange, tag string) bool {
	for _, r := range list {
		if r.Q == 0 && r.Tag != "*" && LanguageMatches(r.Tag, tag) {
			return true
		}
	}
	return false
}

// LanguageMatches reports whether the language range matches tag by RFC 4647
// §3.3.1 basic filtering: the range equals the tag, or is a prefix of it
// followed by "-", ASCII case-insensitively; "*" matches every tag.
func LanguageMatches(rangeTag, tag string) bool {
	if rangeTag == "*" {
		return true
	}
	if len(tag) < len(rangeTag) || !httpEqualFold(tag[:len(rangeTag)], rangeTag) {
		return false
	}
	return len(tag) == len(rangeTag) || tag[len(rangeTag)] == '-'
}

// All returns the remaining items of it as a range-over-func sequence:
//
//	for x := range it.All() { ... }
//
// It is Next in a loop, and equally allocation-free when the loop body is
// inlined into the caller, as a range loop is; check Err (where there is one)
// afterwards.
func (it *LanguageIter) All() iter.Seq[LanguageRange] {
	return func(yield func(LanguageRange) bool) {
		for {
			x, ok := it.Next()
			if !ok || !yield(x) {
				return
			}
		}
	}
}
