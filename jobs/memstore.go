package jobs

import (
	"container/heap"
	"context"
	"slices"
	"sync"
	"time"
)

// MemoryStore is the in-memory Store, the default. Jobs do not survive the
// process. Safe for concurrent use.
//
// Layout, per kind: runnable jobs in one FIFO per priority level (levels
// sorted high to low; real programs use a handful), scheduled jobs in a
// min-heap on RunAt, and leases in a min-heap of lease batches on expiry —
// one entry per Lease call, not per job, and removed when its last job is
// acked. Records of finished jobs and their payload buffers are recycled,
// so steady-state enqueue/lease/ack does not allocate.
type MemoryStore struct {
	mu        sync.Mutex
	nextID    ID
	nextToken uint64
	recs      recTable
	unique    map[string]ID
	kinds     map[string]*memKind
	dead      map[ID]*memRec
	freeRecs  []*memRec
	freeBat   []*leaseBatch
}

type memRec struct {
	job     Job
	kind    *memKind
	heapIdx int
	batch   *leaseBatch
}

type memKind struct {
	levels []*memLevel // by priority, high first
	sched  schedHeap
	leases leaseHeap
}

type memLevel struct {
	prio  int
	items []*memRec
	head  int
}

type leaseBatch struct {
	until time.Time
	recs  []*memRec // the records leased together; those still Running with batch == this expire together
	live  int
	idx   int
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		recs:   recTable{pages: make(map[uint64]*recPage)},
		unique: make(map[string]ID),
		kinds:  make(map[string]*memKind),
		dead:   make(map[ID]*memRec),
	}
}

func (s *MemoryStore) kind(name string) *memKind {
	k := s.kinds[name]
	if k == nil {
		k = &memKind{}
		s.kinds[name] = k
	}
	return k
}

func (k *memKind) push(r *memRec) {
	p := r.job.Priority
	i, found := slices.BinarySearchFunc(k.levels, p, func(l *memLevel, p int) int { return p - l.prio })
	if !found {
		k.levels = slices.Insert(k.levels, i, &memLevel{prio: p})
	}
	l := k.levels[i]
	l.items = append(l.items, r)
}

// pushFront puts r back at the head of its level: a released job keeps
// its place in line.
func (k *memKind) pushFront(r *memRec) {
	k.push(r)
	for _, l := range k.levels {
		if l.prio == r.job.Priority {
			l.items = l.items[:len(l.items)-1]
			if l.head > 0 {
				l.head--
				l.items[l.head] = r
			} else {
				l.items = slices.Insert(l.items, 0, r)
			}
			return
		}
	}
}

func (k *memKind) pop() *memRec {
	for _, l := range k.levels {
		if l.head < len(l.items) {
			r := l.items[l.head]
			l.items[l.head] = nil
			l.head++
			if l.head == len(l.items) {
				l.items, l.head = l.items[:0], 0
			} else if l.head >= 1024 && l.head*2 >= len(l.items) {
				n := copy(l.items, l.items[l.head:])
				clear(l.items[n:])
				l.items, l.head = l.items[:n], 0
			}
			return r
		}
	}
	return nil
}

// Enqueue implements Store.
func (s *MemoryStore) Enqueue(_ context.Context, jobs []Job, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range jobs {
		j := &jobs[i]
		if j.UniqueKey != "" {
			if id, ok := s.unique[j.UniqueKey]; ok {
				j.ID, j.Duplicate = id, true
				continue
			}
		}
		s.nextID++
		j.ID = s.nextID
		var r *memRec
		if n := len(s.freeRecs); n > 0 {
			r = s.freeRecs[n-1]
			s.freeRecs = s.freeRecs[:n-1]
		} else {
			r = &memRec{}
		}
		buf := r.job.Payload[:0]
		r.job = *j
		r.job.Payload = append(buf, j.Payload...)
		r.job.Errors = slices.Clone(j.Errors)
		r.kind = s.kind(j.Kind)
		s.recs.put(j.ID, r)
		if j.UniqueKey != "" {
			s.unique[j.UniqueKey] = j.ID
		}
		if j.RunAt.After(now) {
			r.job.State = Scheduled
			heap.Push(&r.kind.sched, r)
		} else {
			r.job.State = Pending
			r.kind.push(r)
		}
		j.State = r.job.State
	}
	return nil
}

// promote moves due scheduled jobs and expired leases of k to runnable.
func (s *MemoryStore) promote(k *memKind, now time.Time) {
	for len(k.sched) > 0 && !k.sched[0].job.RunAt.After(now) {
		r := heap.Pop(&k.sched).(*memRec)
		r.job.State = Pending
		k.push(r)
	}
	for len(k.leases) > 0 && !k.leases[0].until.After(now) {
		b := heap.Pop(&k.leases).(*leaseBatch)
		for _, r := range b.recs {
			if r.batch == b && r.job.State == Running {
				r.batch = nil
				r.job.State = Pending
				r.job.LeaseToken = 0
				r.job.addError(r.job.Attempt, now, "jobs: lease expired")
				k.push(r)
			}
		}
		s.freeBatch(b)
	}
}

func (s *MemoryStore) freeBatch(b *leaseBatch) {
	clear(b.recs)
	b.recs, b.live = b.recs[:0], 0
	s.freeBat = append(s.freeBat, b)
}

// Lease implements Store.
func (s *MemoryStore) Lease(_ context.Context, req LeaseRequest, dst []Job) ([]Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lease(req, dst), nil
}

func (s *MemoryStore) lease(req LeaseRequest, dst []Job) []Job {
	k := s.kinds[req.Kind]
	if k == nil {
		return dst
	}
	s.promote(k, req.Now)
	var b *leaseBatch
	until := req.Now.Add(req.Visibility)
	for range req.Max {
		r := k.pop()
		if r == nil {
			break
		}
		if b == nil {
			if n := len(s.freeBat); n > 0 {
				b = s.freeBat[n-1]
				s.freeBat = s.freeBat[:n-1]
			} else {
				b = &leaseBatch{}
			}
			b.until, b.live = until, 0
		}
		s.nextToken++
		r.job.State = Running
		r.job.Attempt++
		r.job.LeaseToken = s.nextToken
		r.job.LeaseUntil = until
		r.batch = b
		b.live++
		b.recs = append(b.recs, r)
		dst = append(dst, r.job)
	}
	if b != nil {
		heap.Push(&k.leases, b)
	}
	return dst
}

// AckLease implements AckLeaser.
func (s *MemoryStore) AckLease(_ context.Context, acks []Ack, req LeaseRequest, dst []Job) ([]Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ack(acks)
	return s.lease(req, dst), nil
}

// Ack implements Store.
func (s *MemoryStore) Ack(_ context.Context, acks []Ack) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ack(acks)
	return nil
}

func (s *MemoryStore) ack(acks []Ack) {
	// Releases go back to the head of their queue, so they are applied
	// last and in reverse: a released batch keeps its order.
	for i := range acks {
		if acks[i].Outcome != Release {
			s.ackOne(&acks[i])
		}
	}
	for i := len(acks) - 1; i >= 0; i-- {
		if acks[i].Outcome == Release {
			s.ackOne(&acks[i])
		}
	}
}

func (s *MemoryStore) ackOne(a *Ack) {
	{
		r := s.recs.get(a.ID)
		if r == nil || r.job.State != Running || r.job.LeaseToken != a.Token {
			return // stale
		}
		k := r.kind
		if b := r.batch; b != nil {
			r.batch = nil
			b.live--
			if b.live == 0 {
				heap.Remove(&k.leases, b.idx)
				s.freeBatch(b)
			}
		}
		r.job.LeaseToken = 0
		switch a.Outcome {
		case Succeeded:
			s.remove(r)
		case Retry:
			r.job.addError(r.job.Attempt, a.At, a.Err)
			r.job.State = Scheduled
			r.job.RunAt = a.RunAt
			heap.Push(&k.sched, r)
		case Bury:
			r.job.addError(r.job.Attempt, a.At, a.Err)
			r.job.State = Dead
			s.dead[r.job.ID] = r
			if r.job.UniqueKey != "" {
				delete(s.unique, r.job.UniqueKey)
			}
		case Release:
			r.job.Attempt--
			r.job.State = Pending
			k.pushFront(r)
		}
	}
}

// Extend implements Store: the extended records leave their lease batches
// for a new one expiring at until.
func (s *MemoryStore) Extend(_ context.Context, leases []LeaseRef, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var nb *leaseBatch
	var nk *memKind
	for _, l := range leases {
		r := s.recs.get(l.ID)
		if r == nil || r.job.State != Running || r.job.LeaseToken != l.Token {
			continue
		}
		k := r.kind
		if b := r.batch; b != nil {
			r.batch = nil
			b.live--
			if b.live == 0 {
				heap.Remove(&k.leases, b.idx)
				s.freeBatch(b)
			}
		}
		if nb == nil || nk != k {
			if nb != nil {
				heap.Push(&nk.leases, nb)
			}
			nb, nk = &leaseBatch{until: until}, k
		}
		nb.live++
		nb.recs = append(nb.recs, r)
		r.batch = nb
		r.job.LeaseUntil = until
	}
	if nb != nil {
		heap.Push(&nk.leases, nb)
	}
	return nil
}

// remove forgets r and recycles it.
func (s *MemoryStore) remove(r *memRec) {
	s.recs.del(r.job.ID, s.nextID)
	delete(s.dead, r.job.ID)
	if r.job.UniqueKey != "" && s.unique[r.job.UniqueKey] == r.job.ID {
		delete(s.unique, r.job.UniqueKey)
	}
	p := r.job.Payload[:0]
	*r = memRec{}
	r.job.Payload = p
	s.freeRecs = append(s.freeRecs, r)
}

// NextWake implements Store.
func (s *MemoryStore) NextWake(_ context.Context, kind string) (time.Time, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.kinds[kind]
	if k == nil {
		return time.Time{}, false, nil
	}
	var t time.Time
	ok := false
	if len(k.sched) > 0 {
		t, ok = k.sched[0].job.RunAt, true
	}
	if len(k.leases) > 0 && (!ok || k.leases[0].until.Before(t)) {
		t, ok = k.leases[0].until, true
	}
	return t, ok, nil
}

func cloneJob(j Job) Job {
	j.Payload = slices.Clone(j.Payload)
	j.Errors = slices.Clone(j.Errors)
	return j
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, id ID) (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.recs.get(id)
	if r == nil {
		return Job{}, ErrNotFound
	}
	return cloneJob(r.job), nil
}

// Dead implements Store.
func (s *MemoryStore) Dead(_ context.Context, kind string, after ID, limit int) ([]Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Job
	for id, r := range s.dead {
		if id > after && (kind == "" || r.job.Kind == kind) {
			out = append(out, cloneJob(r.job))
		}
	}
	slices.SortFunc(out, func(a, b Job) int { return cmpID(a.ID, b.ID) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func cmpID(a, b ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Requeue implements Store.
func (s *MemoryStore) Requeue(_ context.Context, id ID, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.recs.get(id)
	if r == nil {
		return ErrNotFound
	}
	if r.job.State != Dead {
		return ErrNotDead
	}
	delete(s.dead, id)
	r.job.State = Pending
	r.job.Attempt = 0
	r.job.RunAt = now
	if r.job.UniqueKey != "" {
		if _, taken := s.unique[r.job.UniqueKey]; !taken {
			s.unique[r.job.UniqueKey] = id
		}
	}
	r.kind.push(r)
	return nil
}

// Purge implements Store.
func (s *MemoryStore) Purge(_ context.Context, ids ...ID) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	if len(ids) == 0 {
		for _, r := range s.dead {
			s.remove(r)
			n++
		}
		return n, nil
	}
	for _, id := range ids {
		if r := s.dead[id]; r != nil {
			s.remove(r)
			n++
		}
	}
	return n, nil
}

// Stats implements Store.
func (s *MemoryStore) Stats(context.Context) (Stats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var st Stats
	for _, p := range s.recs.pages {
		for _, r := range p.recs {
			if r == nil {
				continue
			}
			switch r.job.State {
			case Pending:
				st.Pending++
			case Scheduled:
				st.Scheduled++
			case Running:
				st.Running++
			case Dead:
				st.Dead++
			}
		}
	}
	return st, nil
}

// Close implements Store; the memory store has nothing to release.
func (s *MemoryStore) Close() error { return nil }

// schedHeap orders scheduled records by RunAt, then ID.
type schedHeap []*memRec

func (h schedHeap) Len() int { return len(h) }
func (h schedHeap) Less(i, j int) bool {
	a, b := &h[i].job, &h[j].job
	if a.RunAt.Equal(b.RunAt) {
		return a.ID < b.ID
	}
	return a.RunAt.Before(b.RunAt)
}
func (h schedHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx, h[j].heapIdx = i, j
}
func (h *schedHeap) Push(x any) {
	r := x.(*memRec)
	r.heapIdx = len(*h)
	*h = append(*h, r)
}
func (h *schedHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return r
}

// leaseHeap orders lease batches by expiry.
type leaseHeap []*leaseBatch

func (h leaseHeap) Len() int           { return len(h) }
func (h leaseHeap) Less(i, j int) bool { return h[i].until.Before(h[j].until) }
func (h leaseHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *leaseHeap) Push(x any) {
	b := x.(*leaseBatch)
	b.idx = len(*h)
	*h = append(*h, b)
}
func (h *leaseHeap) Pop() any {
	old := *h
	b := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return b
}

// recTable finds a record by ID. IDs are dense and increasing, so instead
// of a hash map entry per job (the top cost in the BenchmarkMemory profile
// with a map) it keeps pages of 1024 slots in a map keyed by ID/1024: a
// lookup is one small-map probe, usually served by the cached last page,
// plus an array index, and a page is freed when its last job is.
type recTable struct {
	pages    map[uint64]*recPage
	lastNo   uint64
	last     *recPage
	freePage *recPage
}

const recPageBits = 10

type recPage struct {
	recs [1 << recPageBits]*memRec
	live int
}

func (t *recTable) page(id ID) *recPage {
	no := uint64(id) >> recPageBits
	if t.last != nil && t.lastNo == no {
		return t.last
	}
	p := t.pages[no]
	if p != nil {
		t.last, t.lastNo = p, no
	}
	return p
}

func (t *recTable) get(id ID) *memRec {
	if p := t.page(id); p != nil {
		return p.recs[uint64(id)&(1<<recPageBits-1)]
	}
	return nil
}

func (t *recTable) put(id ID, r *memRec) {
	p := t.page(id)
	if p == nil {
		p = t.freePage
		if p != nil {
			t.freePage = nil
		} else {
			p = new(recPage)
		}
		no := uint64(id) >> recPageBits
		t.pages[no] = p
		t.last, t.lastNo = p, no
	}
	p.recs[uint64(id)&(1<<recPageBits-1)] = r
	p.live++
}

// del forgets id. lastID is the highest ID handed out: its page may still
// receive new IDs and is kept even when empty.
func (t *recTable) del(id, lastID ID) {
	p := t.page(id)
	if p == nil {
		return
	}
	slot := &p.recs[uint64(id)&(1<<recPageBits-1)]
	if *slot == nil {
		return
	}
	*slot = nil
	p.live--
	no := uint64(id) >> recPageBits
	if p.live == 0 && no != uint64(lastID)>>recPageBits {
		delete(t.pages, no)
		if t.last == p {
			t.last = nil
		}
		t.freePage = p
	}
}
