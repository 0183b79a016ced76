package parse

import (
	"errors"
	"strconv"
)

// Range (RFC 9110 §14.1.2, §14.2):
//
//	Range         = ranges-specifier
//	range-set     = 1#range-spec
//	range-spec    = int-range / suffix-range / other-range
//	int-range     = first-pos "-" [ last-pos ]
//	suffix-range  = "-" suffix-length
//
// ParseRange resolves the byte ranges against the representation size and
// returns them in a fixed-capacity value, so nothing is allocated.
//
// The defence against CVE-2011-3192 style requests (many overlapping ranges
// that make one small request produce a huge multipart response) is three
// limits: at most RangeLimits.MaxRanges range-specs are read (ErrRangeTooMany
// past that, before any more parsing), at most RangeLimits.MaxOverlaps of the
// satisfiable ranges may overlap an earlier one in start order
// (ErrRangeOverlap), and with Coalesce set overlapping or adjacent ranges are
// merged instead, which bounds the response to the representation's size.

// Errors returned by ParseRange besides *HeaderError for bad syntax. Only
// ErrRangeUnsatisfiable calls for 416 Range Not Satisfiable; on any other
// error a server serves the whole representation with 200, as RFC 9110
// §14.2 allows for a Range header it ignores.
var (
	// ErrRangeUnsatisfiable: no range-spec overlaps the representation.
	ErrRangeUnsatisfiable = errors.New("parse: range: not satisfiable")
	// ErrRangeUnit: the range unit is not "bytes"; RFC 9110 says to ignore
	// the header.
	ErrRangeUnit = errors.New("parse: range: unit is not bytes")
	// ErrRangeTooMany: more range-specs than RangeLimits.MaxRanges.
	ErrRangeTooMany = errors.New("parse: range: too many ranges")
	// ErrRangeOverlap: more overlapping ranges than RangeLimits.MaxOverlaps.
	ErrRangeOverlap = errors.New("parse: range: too many overlapping ranges")
)

// MaxRangeCount is the capacity of Ranges and the largest usable
// RangeLimits.MaxRanges.
const MaxRangeCount = 32

// Defaults of RangeLimits.
const (
	DefaultMaxRanges   = 16
	DefaultMaxOverlaps = 2
)

// RangeLimits bounds what ParseRange accepts. The zero value uses the
// defaults.
type RangeLimits struct {
	// MaxRanges is the most range-specs (satisfiable or not) a header may
	// hold; 0 means DefaultMaxRanges, values above MaxRangeCount mean
	// MaxRangeCount.
	MaxRanges int
	// MaxOverlaps is how many satisfiable ranges may overlap an earlier
	// one (sorted by start); 0 means DefaultMaxOverlaps, a negative value
	// allows none. Ignored when Coalesce is set.
	MaxOverlaps int
	// Coalesce merges overlapping and adjacent ranges (RFC 9110 §14.3
	// allows it) and returns them sorted by start, instead of counting
	// overlaps.
	Coalesce bool
}

// ByteRange is one satisfiable range resolved against the representation:
// bytes Start through Start+Length-1.
type ByteRange struct {
	Start  int64 // offset of the first byte
	Length int64 // number of bytes, at least 1
}

// End returns the offset of the last byte of the range (inclusive).
func (r ByteRange) End() int64 { return r.Start + r.Length - 1 }

// AppendContentRange appends the Content-Range value for r within a
// representation of size bytes: "bytes 0-499/1234".
func (r ByteRange) AppendContentRange(dst []byte, size int64) []byte {
	dst = append(dst, "bytes "...)
	dst = strconv.AppendInt(dst, r.Start, 10)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, r.End(), 10)
	dst = append(dst, '/')
	return strconv.AppendInt(dst, size, 10)
}

// AppendContentRangeUnsatisfied appends the Content-Range value of a 416
// response: "bytes */1234".
func AppendContentRangeUnsatisfied(dst []byte, size int64) []byte {
	dst = append(dst, "bytes */"...)
	return strconv.AppendInt(dst, size, 10)
}

// Ranges holds the satisfiable ranges of a Range header, in request order
// (sorted by start when coalesced). It is a plain value with room for
// MaxRangeCount ranges.
type Ranges struct {
	n int
	r [MaxRangeCount]ByteRange
}

// Len returns the number of ranges.
func (rs *Ranges) Len() int { return rs.n }

// At returns range i, 0 <= i < Len().
func (rs *Ranges) At(i int) ByteRange { return rs.r[:rs.n][i] }

// Slice returns the ranges as a slice of rs's own array.
func (rs *Ranges) Slice() []ByteRange { return rs.r[:rs.n] }

// TotalLength returns the sum of the ranges' lengths.
func (rs *Ranges) TotalLength() int64 {
	var t int64
	for _, r := range rs.r[:rs.n] {
		t += r.Length
	}
	return t
}

func rangeSyntax(reason string, off int) error {
	return &HeaderError{Header: "range", Offset: off, Reason: reason}
}

// ParseRange parses a Range header value such as "bytes=0-499, -500"
// against a representation of size bytes. A syntax error is a *HeaderError;
// see ErrRangeUnsatisfiable and its siblings for the rest. Ranges that start
// at or past size are dropped as unsatisfiable, a last-pos past the end is
// clamped, and a suffix longer than size means the whole representation.
// It allocates nothing unless it returns a *HeaderError.
func ParseRange(header string, size int64, lim RangeLimits) (Ranges, error) {
	var rs Ranges
	if size < 0 {
		return rs, rangeSyntax("negative representation size", 0)
	}
	maxRanges := lim.MaxRanges
	if maxRanges <= 0 {
		maxRanges = DefaultMaxRanges
	}
	maxRanges = min(maxRanges, MaxRangeCount)

	s := header
	i := httpSkipOWS(s, 0)
	j := httpTokenEnd(s, i)
	if j == i || j >= len(s) || s[j] != '=' {
		return rs, rangeSyntax("missing range unit", i)
	}
	if !httpEqualFold(s[i:j], "bytes") {
		return rs, ErrRangeUnit
	}
	i = j + 1
	specs := 0
	for {
		i = httpSkipListSep(s, i)
		if i >= len(s) {
			break
		}
		specs++
		if specs > maxRanges {
			return Ranges{}, ErrRangeTooMany
		}
		start := i
		var first, last int64 = -1, -1
		var ok bool
		if s[i] != '-' {
			if first, i, ok = rangeNumber(s, i); !ok {
				return Ranges{}, rangeSyntax("bad first-pos", start)
			}
		}
		if i >= len(s) || s[i] != '-' {
			return Ranges{}, rangeSyntax("missing '-'", i)
		}
		i++
		if i < len(s) && '0' <= s[i] && s[i] <= '9' {
			at := i
			if last, i, ok = rangeNumber(s, i); !ok {
				return Ranges{}, rangeSyntax("bad last-pos", at)
			}
		} else if first < 0 {
			return Ranges{}, rangeSyntax("empty range-spec", start)
		}
		i = httpSkipOWS(s, i)
		if i < len(s) && s[i] != ',' {
			return Ranges{}, rangeSyntax("unexpected byte", i)
		}
		var r ByteRange
		switch {
		case first < 0: // suffix-range "-N"
			if last == 0 || size == 0 {
				continue
			}
			r = ByteRange{Start: size - min(last, size), Length: min(last, size)}
		case last >= 0 && last < first:
			return Ranges{}, rangeSyntax("last-pos before first-pos", start)
		case first >= size:
			continue
		default:
			if last < 0 || last >= size {
				last = size - 1
			}
			r = ByteRange{Start: first, Length: last - first + 1}
		}
		rs.r[rs.n] = r
		rs.n++
	}
	if specs == 0 {
		return Ranges{}, rangeSyntax("no range-spec", i)
	}
	if rs.n == 0 {
		return Ranges{}, ErrRangeUnsatisfiable
	}
	if lim.Coalesce {
		rangeCoalesce(&rs)
		return rs, nil
	}
	maxOverlaps := lim.MaxOverlaps
	switch {
	case maxOverlaps == 0:
		maxOverlaps = DefaultMaxOverlaps
	case maxOverlaps < 0:
		maxOverlaps = 0
	}
	if rangeOverlaps(&rs) > maxOverlaps {
		return Ranges{}, ErrRangeOverlap
	}
	return rs, nil
}

// rangeNumber parses 1*DIGIT at s[i:] as a non-negative int64.
func rangeNumber(s string, i int) (n int64, next int, ok bool) {
	start := i
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		d := int64(s[i] - '0')
		if n > (1<<63-1-d)/10 {
			return 0, i, false // overflows int64
		}
		n = n*10 + d
	}
	return n, i, i > start
}

// rangeSort sorts ranges by start (insertion sort: at most MaxRangeCount).
func rangeSort(rs []ByteRange) {
	for i := 1; i < len(rs); i++ {
		for k := i; k > 0 && rs[k].Start < rs[k-1].Start; k-- {
			rs[k], rs[k-1] = rs[k-1], rs[k]
		}
	}
}

// rangeOverlaps counts the ranges that overlap an earlier one in start
// order.
func rangeOverlaps(rs *Ranges) int {
	if rs.n < 2 {
		return 0
	}
	sorted := rs.r
	s := sorted[:rs.n]
	rangeSort(s)
	n := 0
	end := s[0].Start + s[0].Length // one past the furthest byte so far
	for _, r := range s[1:] {
		if r.Start < end {
			n++
		}
		end = max(end, r.Start+r.Length)
	}
	return n
}

// rangeCoalesce sorts the ranges and merges overlapping or adjacent ones.
func rangeCoalesce(rs *Ranges) {
	s := rs.r[:rs.n]
	rangeSort(s)
	out := 0
	for _, r := range s[1:] {
		cur := &s[out]
		if r.Start <= cur.Start+cur.Length {
			cur.Length = max(cur.Length, r.Start+r.Length-cur.Start)
			continue
		}
		out++
		s[out] = r
	}
	rs.n = out + 1
}
