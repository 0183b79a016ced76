package parse

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseRange(t *testing.T) {
	type br = ByteRange
	tests := []struct {
		in   string
		size int64
		lim  RangeLimits
		want []ByteRange
		err  error // nil, a sentinel, or errRangeTestSyntax
	}{
		{"bytes=0-499", 10000, RangeLimits{}, []br{{0, 500}}, nil},
		{"bytes=500-999", 10000, RangeLimits{}, []br{{500, 500}}, nil},
		{"bytes=-500", 10000, RangeLimits{}, []br{{9500, 500}}, nil},
		{"bytes=9500-", 10000, RangeLimits{}, []br{{9500, 500}}, nil},
		{"bytes=0-0,-1", 10000, RangeLimits{}, []br{{0, 1}, {9999, 1}}, nil},
		{"Bytes = 0-0 ,\t, -1", 10000, RangeLimits{}, nil, errRangeTestSyntax}, // no OWS before '='
		{"BYTES=0-0 ,\t, -1 ", 10000, RangeLimits{}, []br{{0, 1}, {9999, 1}}, nil},
		{"bytes=0-99999", 10000, RangeLimits{}, []br{{0, 10000}}, nil},
		{"bytes=-20000", 10000, RangeLimits{}, []br{{0, 10000}}, nil},
		{"bytes=10000-", 10000, RangeLimits{}, nil, ErrRangeUnsatisfiable},
		{"bytes=10000-,-0", 10000, RangeLimits{}, nil, ErrRangeUnsatisfiable},
		{"bytes=10000-, 5-5", 10000, RangeLimits{}, []br{{5, 1}}, nil},
		{"bytes=-1", 0, RangeLimits{}, nil, ErrRangeUnsatisfiable},
		{"bytes=0-", 0, RangeLimits{}, nil, ErrRangeUnsatisfiable},
		{"items=0-5", 10000, RangeLimits{}, nil, ErrRangeUnit},
		{"bytes=5-4", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=-", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=a-b", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=1-2-3", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=99999999999999999999-", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes 0-1", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"", 10000, RangeLimits{}, nil, errRangeTestSyntax},
		{"bytes=0-1", -1, RangeLimits{}, nil, errRangeTestSyntax},
		// overlap limits: default allows 2 overlapping ranges
		{"bytes=0-10,5-15,8-20", 100, RangeLimits{}, []br{{0, 11}, {5, 11}, {8, 13}}, nil},
		{"bytes=0-10,5-15,8-20,9-9", 100, RangeLimits{}, nil, ErrRangeOverlap},
		{"bytes=0-10,11-20,21-30", 100, RangeLimits{MaxOverlaps: -1}, []br{{0, 11}, {11, 10}, {21, 10}}, nil},
		{"bytes=0-10,10-20", 100, RangeLimits{MaxOverlaps: -1}, nil, ErrRangeOverlap},
		{"bytes=50-60,0-10,5-15,8-20,9-9,11-12,70-", 100, RangeLimits{Coalesce: true}, []br{{0, 21}, {50, 11}, {70, 30}}, nil},
		// count limits
		{"bytes=" + strings.Repeat("1-1,", 16) + "1-1", 100, RangeLimits{MaxOverlaps: 100}, nil, ErrRangeTooMany},
		{"bytes=" + strings.Repeat("1-1,", 15) + "1-1", 100, RangeLimits{MaxOverlaps: 100}, rangeRepeat(br{1, 1}, 16), nil},
		{"bytes=" + strings.Repeat("1-1,", 3), 100, RangeLimits{MaxRanges: 2, MaxOverlaps: 100}, nil, ErrRangeTooMany},
		{"bytes=" + strings.Repeat("900-,", 40), 100, RangeLimits{MaxRanges: 1000}, nil, ErrRangeTooMany},
	}
	for _, tt := range tests {
		rs, err := ParseRange(tt.in, tt.size, tt.lim)
		var he *HeaderError
		switch {
		case tt.err == errRangeTestSyntax:
			if !errors.As(err, &he) || !strings.HasPrefix(err.Error(), "parse: range: ") {
				t.Errorf("ParseRange(%q, %d) err = %v, want syntax error", tt.in, tt.size, err)
			}
		case err != tt.err:
			t.Errorf("ParseRange(%q, %d) err = %v, want %v", tt.in, tt.size, err, tt.err)
		}
		if got := rs.Slice(); len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ParseRange(%q, %d) = %v, want %v", tt.in, tt.size, got, tt.want)
		}
	}
}

var errRangeTestSyntax = errors.New("syntax")

func rangeRepeat(r ByteRange, n int) []ByteRange {
	out := make([]ByteRange, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func TestContentRange(t *testing.T) {
	if got := string(ByteRange{Start: 0, Length: 500}.AppendContentRange(nil, 1234)); got != "bytes 0-499/1234" {
		t.Errorf("got %q", got)
	}
	if got := string(AppendContentRangeUnsatisfied(nil, 1234)); got != "bytes */1234" {
		t.Errorf("got %q", got)
	}
}

const rangeSample = "bytes=0-1023, 4096-8191, -512"

func TestRangeAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		rs, err := ParseRange(rangeSample, 1<<20, RangeLimits{})
		if err != nil || rs.Len() != 3 || rs.TotalLength() != 1024+4096+512 {
			t.Fatal("bad parse")
		}
		if _, err := ParseRange("bytes=2000000-", 1<<20, RangeLimits{}); err != ErrRangeUnsatisfiable {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("allocs = %v, want 0", n)
	}
}

func BenchmarkRange(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(rangeSample)))
	for b.Loop() {
		rs, err := ParseRange(rangeSample, 1<<20, RangeLimits{})
		if err != nil || rs.Len() != 3 {
			b.Fatal(err)
		}
	}
}

// rangeServeContent runs net/http's Range handling on a representation of
// size bytes and returns the status and Content-Range.
func rangeServeContent(h string, size int64) (int, string) {
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Range", h)
	w := httptest.NewRecorder()
	http.ServeContent(w, req, "x.bin", time.Time{}, bytes.NewReader(make([]byte, size)))
	return w.Code, w.Header().Get("Content-Range")
}

func FuzzRange(f *testing.F) {
	for _, s := range []string{rangeSample, "bytes=0-499", "bytes=-500", "bytes=9500-", "bytes=0-0,-1", "bytes=5-4", "items=1-2", "bytes=0-10,5-15,8-20,9-9", "bytes=,,1-2,", "bytes=99999999999999999999-"} {
		f.Add(s, int64(10000), false)
	}
	f.Fuzz(func(t *testing.T, h string, size int64, coalesce bool) {
		if size < 0 {
			size = -size
		}
		size %= 1 << 20
		lim := RangeLimits{Coalesce: coalesce}
		rs, err := ParseRange(h, size, lim)
		if err != nil {
			if rs.Len() != 0 {
				t.Fatalf("ranges returned with error %v", err)
			}
			return
		}
		var buf []byte
		buf = append(buf, "bytes="...)
		for i, r := range rs.Slice() {
			if r.Length <= 0 || r.Start < 0 || r.End() >= size {
				t.Fatalf("ParseRange(%q, %d): bad range %+v", h, size, r)
			}
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = strconv.AppendInt(buf, r.Start, 10)
			buf = append(buf, '-')
			buf = strconv.AppendInt(buf, r.End(), 10)
		}
		// Round trip: the resolved ranges re-serialised parse identically.
		again, err := ParseRange(string(buf), size, lim)
		if err != nil || !reflect.DeepEqual(again.Slice(), rs.Slice()) {
			t.Fatalf("round trip of %q via %q: %v, %v; want %v", h, buf, again.Slice(), err, rs.Slice())
		}
		// Differential: where we find one range in a header net/http can
		// read (it wants "bytes=" exactly and only SP/HTAB around ranges),
		// net/http serves the same bytes.
		if rs.Len() == 1 && !coalesce && strings.HasPrefix(h, "bytes=") && !strings.ContainsAny(h, "\r\n") {
			code, cr := rangeServeContent(h, size)
			want := string(rs.At(0).AppendContentRange(nil, size))
			// net/http keeps "-0" as an empty range where RFC 9110 calls
			// it unsatisfiable, so it may answer multipart (no
			// Content-Range) where we see one range.
			if code == http.StatusPartialContent && cr != "" && cr != want {
				t.Fatalf("ParseRange(%q, %d) = %s; net/http %d %s", h, size, want, code, cr)
			}
			if code != http.StatusPartialContent && !strings.Contains(h, ",") {
				t.Fatalf("ParseRange(%q, %d) = %s; net/http %d", h, size, want, code)
			}
		}
	})
}
