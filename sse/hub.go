package sse

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// SlowPolicy says what a [Hub] does when a subscriber's queue is full.
type SlowPolicy int

const (
	// DropOldest discards the oldest queued event to make room: the
	// subscriber stays connected and sees a gap (it can notice by the IDs).
	DropOldest SlowPolicy = iota
	// Disconnect ends a subscriber whose queue is full: its stream closes,
	// and the client reconnects with Last-Event-ID and is replayed what the
	// hub still buffers.
	Disconnect
)

// HubOptions configure a [Hub]. The zero value works: 64-event queues,
// DropOldest, a 256-event replay buffer, hub-assigned IDs, a heartbeat every
// 15 seconds, a 10-second write timeout.
type HubOptions struct {
	// QueueSize bounds each subscriber's queue of undelivered events
	// (default 64).
	QueueSize int
	// Policy applies when a queue is full (default DropOldest).
	Policy SlowPolicy
	// ReplaySize is how many recent events are kept for reconnecting
	// clients (default 256; negative disables replay).
	ReplaySize int
	// KeepIDs makes Publish keep events' own IDs. By default the hub
	// numbers events 1, 2, 3, ... (overwriting Event.ID) so replay after
	// Last-Event-ID always works.
	KeepIDs bool
	// Heartbeat is the interval of keep-alive comments on idle streams
	// (default 15s; negative disables).
	Heartbeat time.Duration
	// WriteTimeout bounds each write to a client (default 10s; negative
	// disables).
	WriteTimeout time.Duration
}

// ErrHubClosed is returned by Subscribe after Close.
var ErrHubClosed = errors.New("sse: hub closed")

// message is one encoded event, shared read-only by every subscriber.
type message struct {
	id   string
	wire []byte
}

// Hub broadcasts events to many subscribers. Each event is encoded once and
// the same bytes are queued to every subscriber; each subscriber has its
// own bounded queue, so one slow client never blocks Publish or the others.
type Hub struct {
	opt HubOptions

	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	replay  []*message // ring, oldest at rhead
	rhead   int
	rlen    int
	seq     uint64
	scratch []byte
	closed  bool
	done    chan struct{}
	active  sync.WaitGroup
}

// NewHub returns a hub with the given options (nil for the defaults).
func NewHub(opt *HubOptions) *Hub {
	var o HubOptions
	if opt != nil {
		o = *opt
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 64
	}
	if o.ReplaySize == 0 {
		o.ReplaySize = 256
	}
	if o.ReplaySize < 0 {
		o.ReplaySize = 0
	}
	if o.Heartbeat == 0 {
		o.Heartbeat = 15 * time.Second
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 10 * time.Second
	}
	return &Hub{
		opt:    o,
		subs:   make(map[*Subscription]struct{}),
		replay: make([]*message, o.ReplaySize),
		done:   make(chan struct{}),
	}
}

// Subscription is one subscriber's queue. Read it with Wait and Drain, or
// let [Hub.ServeHTTP] do it.
type Subscription struct {
	hub     *Hub
	mu      sync.Mutex
	queue   []*message // ring of QueueSize
	head, n int
	notify  chan struct{} // 1-buffered: "the queue is not empty"
	done    chan struct{} // closed when the subscription ends
	ended   bool
	reason  error
	dropped atomic.Uint64
}

// ErrSlowConsumer is the reason a Disconnect-policy subscription ended
// because its queue was full.
var ErrSlowConsumer = errors.New("sse: subscriber too slow, queue full")

// errUnsubscribed is the reason after Unsubscribe.
var errUnsubscribed = errors.New("sse: unsubscribed")

// Subscribe registers a subscriber. When lastEventID is not empty, the
// events buffered after it are queued first; if the ID is no longer (or
// never was) in the replay buffer, every buffered event is queued, so the
// client misses nothing that is still buffered.
func (h *Hub) Subscribe(lastEventID string) (*Subscription, error) {
	s := &Subscription{
		hub:    h,
		notify: make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrHubClosed
	}
	start := h.rlen
	if lastEventID != "" {
		start = 0
		for i := h.rlen - 1; i >= 0; i-- {
			if h.replay[(h.rhead+i)%len(h.replay)].id == lastEventID {
				start = i + 1
				break
			}
		}
	}
	// The queue holds the whole replay on top of QueueSize, so a replay
	// longer than the queue is not cut by the slow-consumer policy.
	s.queue = make([]*message, h.opt.QueueSize+h.rlen-start)
	if start < h.rlen {
		for i := start; i < h.rlen; i++ {
			s.push(h.replay[(h.rhead+i)%len(h.replay)], DropOldest)
		}
	}
	h.subs[s] = struct{}{}
	return s, nil
}

// push queues m; it reports false when the Disconnect policy ended s.
func (s *Subscription) push(m *message, policy SlowPolicy) bool {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return true
	}
	if s.n == len(s.queue) {
		if policy == Disconnect {
			s.mu.Unlock()
			return false
		}
		s.queue[s.head] = nil
		s.head = (s.head + 1) % len(s.queue)
		s.n--
		s.dropped.Add(1)
	}
	s.queue[(s.head+s.n)%len(s.queue)] = m
	s.n++
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
	return true
}

// Publish encodes e once and queues it to every subscriber, applying the
// slow-consumer policy to full queues, and keeps it for replay. Unless
// KeepIDs is set, the hub assigns e's ID. It returns the ID used.
func (h *Hub) Publish(e Event) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ""
	}
	h.seq++
	if !h.opt.KeepIDs {
		e.ID = strconv.FormatUint(h.seq, 10)
	}
	// Encode into a reused scratch buffer, then copy once into an exact-size
	// slice: one allocation however the event grows while encoding.
	h.scratch = AppendEvent(h.scratch[:0], &e)
	m := &message{id: e.ID, wire: append([]byte(nil), h.scratch...)}
	if cap(h.scratch) > 64<<10 {
		h.scratch = nil
	}
	if len(h.replay) > 0 {
		if h.rlen < len(h.replay) {
			h.replay[(h.rhead+h.rlen)%len(h.replay)] = m
			h.rlen++
		} else {
			h.replay[h.rhead] = m
			h.rhead = (h.rhead + 1) % len(h.replay)
		}
	}
	for s := range h.subs {
		if !s.push(m, h.opt.Policy) {
			delete(h.subs, s)
			s.end(ErrSlowConsumer)
		}
	}
	return e.ID
}

func (s *Subscription) end(reason error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	s.ended = true
	s.reason = reason
	close(s.done)
}

// Ready is signalled when the queue may hold events.
func (s *Subscription) Ready() <-chan struct{} { return s.notify }

// Done is closed when the subscription ends: Unsubscribe, the slow-consumer
// policy, or Hub.Close. Err then says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err is the reason the subscription ended, or nil while it is active.
func (s *Subscription) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// Dropped counts events discarded by the DropOldest policy.
func (s *Subscription) Dropped() uint64 { return s.dropped.Load() }

// Drain appends the queued events' wire bytes to dst and empties the queue.
// The byte slices are shared by all subscribers: do not modify them.
func (s *Subscription) Drain(dst [][]byte) [][]byte {
	s.mu.Lock()
	for s.n > 0 {
		dst = append(dst, s.queue[s.head].wire)
		s.queue[s.head] = nil
		s.head = (s.head + 1) % len(s.queue)
		s.n--
	}
	s.mu.Unlock()
	return dst
}

// Unsubscribe removes s from its hub. It is safe to call more than once.
func (s *Subscription) Unsubscribe() {
	h := s.hub
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
	s.end(errUnsubscribed)
}

// Len returns the number of active subscribers.
func (h *Hub) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Close ends every subscription and every stream served by ServeHTTP, and
// waits until those handlers have returned (each is bounded by the write
// timeout). Later Subscribe calls fail and ServeHTTP answers 503.
func (h *Hub) Close() {
	h.mu.Lock()
	if !h.closed {
		h.closed = true
		close(h.done)
		for s := range h.subs {
			delete(h.subs, s)
			s.end(ErrHubClosed)
		}
	}
	h.mu.Unlock()
	h.active.Wait()
}

// ServeHTTP streams the hub's events to one client until the client goes
// away, its subscription ends (slow-consumer policy) or the hub closes. A
// reconnecting client's Last-Event-ID is honoured from the replay buffer.
// It writes a heartbeat comment when the stream is idle.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "sse: stream closed", http.StatusServiceUnavailable)
		return
	}
	h.active.Add(1)
	h.mu.Unlock()
	defer h.active.Done()

	s, err := h.Subscribe(LastEventID(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	defer s.Unsubscribe()
	timeout := h.opt.WriteTimeout
	if timeout < 0 {
		timeout = 0
	}
	sw, err := NewWriter(w, timeout)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var tick <-chan time.Time
	if h.opt.Heartbeat > 0 {
		t := time.NewTicker(h.opt.Heartbeat)
		defer t.Stop()
		tick = t.C
	}
	batch := make([][]byte, 0, h.opt.QueueSize)
	for {
		select {
		case <-s.Ready():
			batch = s.Drain(batch[:0])
			if err := sw.writeBatch(batch); err != nil {
				return
			}
		case <-tick:
			if err := sw.Heartbeat(); err != nil {
				return
			}
		case <-s.Done():
			// Deliver what was queued before the end (a slow consumer's
			// queue is full: it gets its queue, then the stream ends).
			batch = s.Drain(batch[:0])
			sw.writeBatch(batch)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// writeBatch writes several encoded events and flushes once.
func (w *Writer) writeBatch(b [][]byte) error {
	if len(b) == 0 {
		return nil
	}
	if w.timeout > 0 {
		if err := w.rc.SetWriteDeadline(time.Now().Add(w.timeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
	}
	for _, p := range b {
		if _, err := w.w.Write(p); err != nil {
			return err
		}
	}
	return w.rc.Flush()
}
