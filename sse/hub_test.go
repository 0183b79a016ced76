package sse

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// openStream connects with the net/http client and returns a parser over
// the body, read incrementally as events arrive.
func openStream(t *testing.T, url, lastID string) (*http.Response, *streamParser) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	return resp, newStreamParser(resp.Body)
}

// waitSubs waits until the hub has n subscribers (the stream is open).
func waitSubs(t *testing.T, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.Len() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers, want %d", h.Len(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestHubHTTP(t *testing.T) {
	h := NewHub(nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()

	resp, p := openStream(t, srv.URL, "")
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" {
		t.Fatalf("Content-Type %q", ct)
	}
	if resp.Header.Get("Cache-Control") != "no-cache" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatalf("headers %v", resp.Header)
	}
	waitSubs(t, h, 1)
	for i := range 3 {
		h.Publish(Event{Event: "tick", Data: fmt.Appendf(nil, "n=%d\nsecond line", i)})
		// Each event arrives on its own, before the next is published.
		got, err := p.next()
		if err != nil {
			t.Fatal(err)
		}
		want := received{typ: "tick", data: fmt.Sprintf("n=%d\nsecond line", i), lastID: strconv.Itoa(i + 1), retry: -1}
		if got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	}
}

func TestHubLastEventIDReplay(t *testing.T) {
	h := NewHub(&HubOptions{ReplaySize: 5})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	for i := 1; i <= 8; i++ {
		h.Publish(Event{Data: []byte(strconv.Itoa(i))})
	}
	// The buffer holds 4..8. A client that saw 6 resumes at 7.
	_, p := openStream(t, srv.URL, "6")
	for _, want := range []string{"7", "8"} {
		got, err := p.next()
		if err != nil || got.data != want || got.lastID != want {
			t.Fatalf("got %+v %v, want %s", got, err, want)
		}
	}
	waitSubs(t, h, 1)
	h.Publish(Event{Data: []byte("9")})
	if got, _ := p.next(); got.data != "9" {
		t.Fatalf("live event after replay: %+v", got)
	}
	// An ID older than the buffer: everything buffered is replayed.
	_, p2 := openStream(t, srv.URL, "1")
	for _, want := range []string{"5", "6", "7", "8", "9"} {
		if got, err := p2.next(); err != nil || got.data != want {
			t.Fatalf("got %+v %v, want %s", got, err, want)
		}
	}
}

// TestHubReconnect: the client drops the connection, events are published
// meanwhile, and it reconnects with the last ID it saw.
func TestHubReconnect(t *testing.T) {
	h := NewHub(nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	resp, p := openStream(t, srv.URL, "")
	waitSubs(t, h, 1)
	h.Publish(Event{Data: []byte("a")})
	got, _ := p.next()
	resp.Body.Close()
	waitSubs(t, h, 0) // clean removal of the gone client
	h.Publish(Event{Data: []byte("b")})
	h.Publish(Event{Data: []byte("c")})
	_, p = openStream(t, srv.URL, got.lastID)
	for _, want := range []string{"b", "c"} {
		if g, err := p.next(); err != nil || g.data != want {
			t.Fatalf("got %+v %v, want %s", g, err, want)
		}
	}
}

func TestReplayLongerThanQueue(t *testing.T) {
	h := NewHub(&HubOptions{QueueSize: 2, ReplaySize: 10})
	for i := 1; i <= 10; i++ {
		h.Publish(Event{Data: []byte(strconv.Itoa(i))})
	}
	s, _ := h.Subscribe("3")
	if q := s.Drain(nil); len(q) != 7 || s.Dropped() != 0 {
		t.Fatalf("replayed %d events, dropped %d; want 7, 0", len(q), s.Dropped())
	}
}

func TestHubHeartbeat(t *testing.T) {
	h := NewHub(&HubOptions{Heartbeat: 20 * time.Millisecond})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	resp, _ := openStream(t, srv.URL, "")
	buf := make([]byte, 16)
	resp.Body.(interface{ Read([]byte) (int, error) }).Read(buf)
	n, err := io.ReadFull(resp.Body, buf[:len(heartbeat)])
	if err != nil || string(buf[:n]) != heartbeat {
		t.Fatalf("read %q %v, want heartbeat %q", buf[:n], err, heartbeat)
	}
}

func TestHubCloseEndsStreams(t *testing.T) {
	h := NewHub(nil)
	srv := httptest.NewServer(h)
	defer srv.Close()
	var parsers []*streamParser
	for range 5 {
		_, p := openStream(t, srv.URL, "")
		parsers = append(parsers, p)
	}
	waitSubs(t, h, 5)
	h.Publish(Event{Data: []byte("last")})
	h.Close()
	for _, p := range parsers {
		if got, err := p.next(); err != nil || got.data != "last" {
			t.Fatalf("got %+v %v", got, err)
		}
		if _, err := p.next(); !errors.Is(err, io.EOF) {
			t.Fatalf("after Close: %v, want EOF", err)
		}
	}
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("after Close: status %d", resp.StatusCode)
	}
	if _, err := h.Subscribe(""); !errors.Is(err, ErrHubClosed) {
		t.Fatalf("Subscribe after Close: %v", err)
	}
}

func TestSlowConsumerDropOldest(t *testing.T) {
	h := NewHub(&HubOptions{QueueSize: 4})
	s, _ := h.Subscribe("")
	for i := 1; i <= 10; i++ {
		h.Publish(Event{Data: []byte(strconv.Itoa(i))})
	}
	got := s.Drain(nil)
	if len(got) != 4 || string(got[0]) != "id: 7\ndata: 7\n\n" || string(got[3]) != "id: 10\ndata: 10\n\n" {
		t.Fatalf("queue %q", got)
	}
	if s.Dropped() != 6 {
		t.Fatalf("Dropped %d", s.Dropped())
	}
	if h.Len() != 1 || s.Err() != nil {
		t.Fatal("DropOldest must keep the subscriber")
	}
}

func TestSlowConsumerDisconnect(t *testing.T) {
	h := NewHub(&HubOptions{QueueSize: 4, Policy: Disconnect})
	slow, _ := h.Subscribe("")
	fast, _ := h.Subscribe("")
	for i := 1; i <= 5; i++ {
		h.Publish(Event{Data: []byte(strconv.Itoa(i))})
		fast.Drain(nil)
	}
	select {
	case <-slow.Done():
	default:
		t.Fatal("slow subscriber not ended")
	}
	if !errors.Is(slow.Err(), ErrSlowConsumer) || fast.Err() != nil || h.Len() != 1 {
		t.Fatalf("slow %v fast %v len %d", slow.Err(), fast.Err(), h.Len())
	}
	// The slow one still gets what was queued before it was cut.
	if q := slow.Drain(nil); len(q) != 4 {
		t.Fatalf("slow queue %d", len(q))
	}
}

func TestSlowConsumerDisconnectHTTP(t *testing.T) {
	// A client that never reads: with Disconnect its stream is ended and
	// removed, the other client is unaffected.
	h := NewHub(&HubOptions{QueueSize: 64, Policy: Disconnect, WriteTimeout: 200 * time.Millisecond})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	_, good := openStream(t, srv.URL, "")
	openStream(t, srv.URL, "") // never read
	waitSubs(t, h, 2)
	big := make([]byte, 64<<10)
	for i := range big {
		big[i] = 'x'
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			if _, err := good.next(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 200 {
		h.Publish(Event{Data: big})
		time.Sleep(2 * time.Millisecond)
	}
	wg.Wait()
	waitSubs(t, h, 1)
}

func TestPublishAllocsIndependentOfSubscribers(t *testing.T) {
	for _, n := range []int{1, 1000} {
		h := NewHub(&HubOptions{QueueSize: 4})
		for range n {
			h.Subscribe("")
		}
		e := Event{Data: []byte("payload")}
		a := testing.AllocsPerRun(200, func() { h.Publish(e) })
		// The shared message, its wire bytes and the ID string.
		if a > 3 {
			t.Fatalf("%d subscribers: %v allocs per Publish, want <= 3", n, a)
		}
	}
}

// BenchmarkFanOut publishes events to 1,000 subscribers, each drained by
// its own goroutine; deliveries/s counts events handed to subscribers.
func BenchmarkFanOut(b *testing.B) {
	const subs = 1000
	h := NewHub(&HubOptions{QueueSize: 256, ReplaySize: -1})
	var wg sync.WaitGroup
	var delivered [subs]int
	for i := range subs {
		s, _ := h.Subscribe("")
		wg.Add(1)
		go func() {
			defer wg.Done()
			var batch [][]byte
			for {
				select {
				case <-s.Ready():
					batch = s.Drain(batch[:0])
					delivered[i] += len(batch)
				case <-s.Done():
					delivered[i] += len(s.Drain(batch[:0]))
					return
				}
			}
		}()
	}
	e := Event{Event: "price", Data: []byte(`{"sym":"TAKO","px":123.45}`)}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		h.Publish(e)
	}
	h.Close()
	wg.Wait()
	total := 0
	for _, d := range delivered {
		total += d
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(total)/el, "deliveries/s")
	b.ReportMetric(float64(total)/float64(b.N*subs), "delivered/sent")
}
