package sse

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestAppendEvent(t *testing.T) {
	cases := []struct {
		e    Event
		want string
	}{
		{Event{Data: []byte("hello")}, "data: hello\n\n"},
		{Event{ID: "7", Event: "chat", Data: []byte("hi")}, "id: 7\nevent: chat\ndata: hi\n\n"},
		{Event{Data: []byte("a\nb\r\nc\rd")}, "data: a\ndata: b\ndata: c\ndata: d\n\n"},
		{Event{Data: []byte("trailing\n")}, "data: trailing\ndata: \n\n"},
		{Event{Data: []byte(" leading space")}, "data:  leading space\n\n"},
		{Event{Retry: 1500 * time.Millisecond}, "retry: 1500\n\n"},
		{Event{Comment: "one\ntwo"}, ": one\n: two\n\n"},
		// Field values cannot inject lines or fields.
		{Event{ID: "1\nevent: evil\x00", Event: "x\r\ndata: evil", Data: []byte("ok")}, "id: 1event: evil\nevent: xdata: evil\ndata: ok\n\n"},
	}
	for _, tc := range cases {
		if got := string(AppendEvent(nil, &tc.e)); got != tc.want {
			t.Errorf("AppendEvent(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}

// TestAppendEventParses checks the encoding with a parser written from the
// HTML standard: what the browser dispatches is what was sent.
func TestAppendEventParses(t *testing.T) {
	e := Event{ID: "42", Event: "update", Data: []byte("line1\r\nline2\rline3\n\nline5"), Retry: time.Second, Comment: "c"}
	p := newStreamParser(bytes.NewReader(AppendEvent(nil, &e)))
	got, err := p.next()
	if err != nil {
		t.Fatal(err)
	}
	want := received{typ: "update", data: "line1\nline2\nline3\n\nline5", lastID: "42", retry: 1000}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// FuzzAppendEvent: any field values encode to exactly one event that a
// standard parser reads back (line endings normalised to LF, CR/LF/NUL
// removed from id and event type).
func FuzzAppendEvent(f *testing.F) {
	f.Add("1", "msg", "hello\r\nworld", "note")
	f.Add("a\nb", "x\ry", "\r\r\n\n", "")
	f.Add("\x00", "", "data: x\n\nid: 9", ":")
	f.Fuzz(func(t *testing.T, id, typ, data, comment string) {
		e := Event{ID: id, Event: typ, Data: []byte(data), Comment: comment}
		wire := AppendEvent(nil, &e)
		p := newStreamParser(bytes.NewReader(append(wire, "data: sentinel\n\n"...)))
		got, err := p.next()
		if err != nil {
			t.Fatal(err)
		}
		clean := func(s string, nul bool) string {
			s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
			if nul {
				s = strings.ReplaceAll(s, "\x00", "")
			}
			return s
		}
		if data == "" {
			// Not dispatched: the next event is the sentinel, with our id.
			if got.data != "sentinel" || got.lastID != clean(id, true) {
				t.Fatalf("empty data: next event %+v", got)
			}
			return
		}
		wantData := strings.ReplaceAll(strings.ReplaceAll(data, "\r\n", "\n"), "\r", "\n")
		wantType := clean(typ, false)
		if wantType == "" {
			wantType = "message"
		}
		if got.data != wantData || got.typ != wantType || got.lastID != clean(id, true) {
			t.Fatalf("got %+v, want data %q type %q id %q", got, wantData, wantType, clean(id, true))
		}
		if next, _ := p.next(); next.data != "sentinel" {
			t.Fatalf("event leaked into another: %+v", next)
		}
	})
}

type flushRecorder struct {
	h       http.Header
	buf     bytes.Buffer
	flushes int
}

func (f *flushRecorder) Header() http.Header         { return f.h }
func (f *flushRecorder) Write(p []byte) (int, error) { return f.buf.Write(p) }
func (f *flushRecorder) WriteHeader(int)             {}
func (f *flushRecorder) Flush()                      { f.flushes++ }

func TestWriterAllocs(t *testing.T) {
	rec := &flushRecorder{h: http.Header{}}
	w, err := NewWriter(rec, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ct := rec.h.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" || rec.h.Get("Cache-Control") != "no-cache" || rec.h.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("headers %v", rec.h)
	}
	e := Event{ID: "1", Event: "tick", Data: []byte("some data\nmore")}
	w.Send(&e)
	n := testing.AllocsPerRun(1000, func() {
		rec.buf.Reset()
		if err := w.Send(&e); err != nil {
			t.Fatal(err)
		}
	})
	if n != 0 {
		t.Fatalf("Send: %v allocs, want 0", n)
	}
	if rec.flushes < 1000 {
		t.Fatalf("%d flushes", rec.flushes)
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	e := Event{ID: "12345", Event: "update", Data: []byte(strings.Repeat("x", 200) + "\n" + strings.Repeat("y", 200))}
	buf := AppendEvent(nil, &e)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendEvent(buf[:0], &e)
	}
}
