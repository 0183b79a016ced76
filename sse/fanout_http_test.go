package sse

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkFanOutHTTP: 1,000 net/http clients each hold an event stream
// from one Hub over loopback; every op publishes one event, and the timer
// runs until every client has parsed every event (queues are sized to b.N
// so nothing is dropped). deliveries/s is events/s × subscribers, counted
// at the clients. Run it with a fixed count, e.g. -benchtime 2000x.
func BenchmarkFanOutHTTP(b *testing.B) {
	const clients = 1000
	h := NewHub(&HubOptions{QueueSize: b.N + 1, ReplaySize: -1, Heartbeat: -1})
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var got atomic.Int64
	var wg sync.WaitGroup
	for range clients {
		resp, err := client.Get(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if bytes.HasPrefix(sc.Bytes(), []byte("id: ")) {
					got.Add(1)
				}
			}
		}()
	}
	for h.Len() != clients {
		time.Sleep(time.Millisecond)
	}
	e := Event{Event: "price", Data: []byte(`{"sym":"TAKO","px":123.45}`)}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		h.Publish(e)
	}
	want := int64(b.N) * clients
	for deadline := time.Now().Add(60 * time.Second); got.Load() < want && time.Now().Before(deadline); {
		time.Sleep(100 * time.Microsecond)
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(got.Load())/el, "deliveries/s")
	b.ReportMetric(float64(got.Load())/float64(want), "delivered/sent")
	b.StopTimer()
	h.Close()
	wg.Wait()
}
