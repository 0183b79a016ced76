package jobs

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BoltStore is the durable Store, on bbolt (go.etcd.io/bbolt), the
// embedded B+tree database that etcd, Consul and many Go programs use.
//
// Why bbolt: it is pure Go (no cgo, unlike SQLite's usual drivers), ACID
// with one fsync per committed transaction and copy-on-write pages, so a
// SIGKILL or power cut leaves the last committed state; it is a single file
// with no background compaction. A queue is a small, hot, delete-heavy
// working set with range scans on indexes ("the next runnable job of kind
// k"), which a B+tree serves directly. Pebble and Badger are LSM trees
// built for large write-heavy datasets: they would add background
// compaction, tombstone build-up from the constant deletes and far more
// code, for throughput the queue cannot use because each batch waits for
// its fsync anyway. SQLite would bring cgo (or a transpiled driver) and SQL
// for a fixed access pattern.
//
// Every Store call is one read-write transaction, so batches (EnqueueBatch,
// a lease of LeaseBatch jobs, the acks of a batch) share one fsync: this is
// the group commit that makes the throughput.
//
// Layout: bucket "jobs" maps the big-endian ID to the job record; index
// buckets hold keys only: "ready" (kind, priority descending, ID), "sched"
// (kind, run time, ID), "leases" (kind, lease expiry, ID), "dead" (ID) and
// "unique" (key -> ID). bbolt allows one process per file, so opening the
// store makes every job that was running pending again at once: its
// worker died with the previous process.
type BoltStore struct {
	db        *bolt.DB
	nextToken atomic.Uint64
	reqs      chan commitReq
	quit      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

// commitReq is one write waiting for the group committer.
type commitReq struct {
	fn   func(*boltTx) error
	done chan error
}

// update runs fn in a read-write transaction shared with the other writes
// queued at the same moment: group commit. While one transaction is being
// written and fsynced, the writes that arrive queue up; the committer then
// runs all of them in the next transaction, so N concurrent callers (the
// producer, each worker's ack+lease) pay one fsync instead of N, with no
// fixed batching delay. fn must be safe to run twice: when a shared
// transaction fails, each fn is retried alone so that one bad write does
// not fail the others.
func (s *BoltStore) update(fn func(*boltTx) error) error {
	r := commitReq{fn: fn, done: make(chan error, 1)}
	select {
	case s.reqs <- r:
	case <-s.quit:
		return ErrClosed
	}
	return <-r.done
}

func (s *BoltStore) committer() {
	defer close(s.stopped)
	batch := make([]commitReq, 0, 64)
	for {
		batch = batch[:0]
		select {
		case r := <-s.reqs:
			batch = append(batch, r)
		case <-s.quit:
			return
		}
	drain:
		for len(batch) < cap(batch) {
			select {
			case r := <-s.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			t := s.tx(tx)
			for _, r := range batch {
				if err := r.fn(t); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil || len(batch) == 1 {
			for _, r := range batch {
				r.done <- err
			}
			continue
		}
		for _, r := range batch {
			r.done <- s.db.Update(func(tx *bolt.Tx) error { return r.fn(s.tx(tx)) })
		}
	}
}

// BoltOptions configures OpenBolt. The zero value is crash-safe.
type BoltOptions struct {
	// NoSync skips fsync: faster, not crash-safe. For tests only.
	NoSync bool
	// Timeout bounds the wait for the file lock (default 1s).
	Timeout time.Duration
}

var (
	bktJobs   = []byte("jobs")
	bktReady  = []byte("ready")
	bktSched  = []byte("sched")
	bktLeases = []byte("leases")
	bktDead   = []byte("dead")
	bktUnique = []byte("unique")
)

// OpenBolt opens or creates the store at path.
func OpenBolt(path string, o BoltOptions) (*BoltStore, error) {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: o.Timeout, NoSync: o.NoSync,
		// Rebuild the freelist at open instead of writing it each commit:
		// fewer pages per fsync (what etcd does).
		NoFreelistSync: true, FreelistType: bolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: open bolt store %s: %w", path, err)
	}
	s := &BoltStore{db: db, reqs: make(chan commitReq), quit: make(chan struct{}), stopped: make(chan struct{})}
	s.nextToken.Store(uint64(time.Now().UnixNano()))
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bktJobs, bktReady, bktSched, bktLeases, bktDead, bktUnique} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		// Leases of the previous process are void.
		t := s.tx(tx)
		var ids []ID
		tx.Bucket(bktLeases).ForEach(func(k, _ []byte) error {
			ids = append(ids, ID(binary.BigEndian.Uint64(k[len(k)-8:])))
			return nil
		})
		now := time.Now()
		for _, id := range ids {
			if err := t.dropLease(id, now, "jobs: lease lost: the store was reopened (process restart)"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("jobs: open bolt store %s: %w", path, err)
	}
	go s.committer()
	return s, nil
}

// boltTx wraps a transaction with the store's index maintenance.
type boltTx struct {
	tx                                  *bolt.Tx
	jobs, ready, sched, leases, dead, u *bolt.Bucket
	// arena holds every key and value put in this transaction: bbolt keeps
	// references to them until commit, so none may be reused. Appending
	// past capacity moves on to a new array and leaves earlier slices valid.
	arena []byte
	key   []byte
}

// keep copies b into the arena and returns the stable copy.
func (t *boltTx) keep(b []byte) []byte {
	start := len(t.arena)
	t.arena = append(t.arena, b...)
	return t.arena[start:len(t.arena):len(t.arena)]
}

func (s *BoltStore) tx(tx *bolt.Tx) *boltTx {
	return &boltTx{
		tx: tx, jobs: tx.Bucket(bktJobs), ready: tx.Bucket(bktReady), sched: tx.Bucket(bktSched),
		leases: tx.Bucket(bktLeases), dead: tx.Bucket(bktDead), u: tx.Bucket(bktUnique),
	}
}

func idKey(b []byte, id ID) []byte { return binary.BigEndian.AppendUint64(b, uint64(id)) }

// orderedInt maps an int64 to a uint64 with the same order.
func orderedInt(v int64) uint64 { return uint64(v) ^ 1<<63 }

func kindPrefix(b []byte, kind string) []byte {
	b = append(b, kind...)
	return append(b, 0)
}

// indexKey returns the job's key in the index bucket of its state.
func (t *boltTx) indexKey(j *Job) (*bolt.Bucket, []byte) {
	k := t.key[:0]
	switch j.State {
	case Pending:
		k = kindPrefix(k, j.Kind)
		k = binary.BigEndian.AppendUint64(k, ^orderedInt(int64(j.Priority)))
		k = idKey(k, j.ID)
		t.key = k
		return t.ready, k
	case Scheduled:
		k = kindPrefix(k, j.Kind)
		k = binary.BigEndian.AppendUint64(k, orderedInt(j.RunAt.UnixNano()))
		k = idKey(k, j.ID)
		t.key = k
		return t.sched, k
	case Running:
		k = kindPrefix(k, j.Kind)
		k = binary.BigEndian.AppendUint64(k, orderedInt(j.LeaseUntil.UnixNano()))
		k = idKey(k, j.ID)
		t.key = k
		return t.leases, k
	case Dead:
		k = idKey(k, j.ID)
		t.key = k
		return t.dead, k
	}
	return nil, nil
}

func (t *boltTx) unindex(j *Job) error {
	if b, k := t.indexKey(j); b != nil {
		return b.Delete(k)
	}
	return nil
}

// put writes the record and its index key.
func (t *boltTx) put(j *Job) error {
	start := len(t.arena)
	t.arena = idKey(t.arena, j.ID)
	t.arena = encodeRecord(t.arena, j)
	rec := t.arena[start:len(t.arena):len(t.arena)]
	if err := t.jobs.Put(rec[:8:8], rec[8:]); err != nil {
		return err
	}
	if b, k := t.indexKey(j); b != nil {
		return b.Put(t.keep(k), nil)
	}
	return nil
}

func (t *boltTx) get(id ID) (Job, error) {
	var idb [8]byte
	v := t.jobs.Get(idKey(idb[:0], id))
	if v == nil {
		return Job{}, ErrNotFound
	}
	var j Job
	if err := decodeRecord(v, &j, nil); err != nil {
		return Job{}, fmt.Errorf("jobs: job %d: %w", id, err)
	}
	return j, nil
}

func (t *boltTx) remove(j *Job) error {
	if err := t.unindex(j); err != nil {
		return err
	}
	var idb [8]byte
	if j.UniqueKey != "" {
		if v := t.u.Get([]byte(j.UniqueKey)); v != nil && ID(binary.BigEndian.Uint64(v)) == j.ID {
			if err := t.u.Delete([]byte(j.UniqueKey)); err != nil {
				return err
			}
		}
	}
	return t.jobs.Delete(idKey(idb[:0], j.ID))
}

// scanDue collects the IDs of index keys under kind whose 8-byte time is <= now.
func scanDue(b *bolt.Bucket, kind string, now time.Time) []ID {
	prefix := kindPrefix(nil, kind)
	limit := orderedInt(now.UnixNano())
	var ids []ID
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != len(prefix)+16 || binary.BigEndian.Uint64(k[len(prefix):]) > limit {
			break
		}
		ids = append(ids, ID(binary.BigEndian.Uint64(k[len(prefix)+8:])))
	}
	return ids
}

// Enqueue implements Store.
func (s *BoltStore) Enqueue(_ context.Context, jobs []Job, now time.Time) error {
	for i := range jobs {
		if strings.IndexByte(jobs[i].Kind, 0) >= 0 {
			return fmt.Errorf("jobs: kind %q contains a NUL byte", jobs[i].Kind)
		}
	}
	return s.update(func(t *boltTx) error {
		for i := range jobs {
			j := jobs[i] // a copy: the caller's slice is updated only after commit
			if j.UniqueKey != "" {
				if v := t.u.Get([]byte(j.UniqueKey)); v != nil {
					jobs[i].ID, jobs[i].Duplicate = ID(binary.BigEndian.Uint64(v)), true
					continue
				}
			}
			seq, err := t.jobs.NextSequence()
			if err != nil {
				return err
			}
			j.ID = ID(seq)
			j.State = Pending
			if j.RunAt.After(now) {
				j.State = Scheduled
			}
			if err := t.put(&j); err != nil {
				return err
			}
			if j.UniqueKey != "" {
				if err := t.u.Put(t.keep([]byte(j.UniqueKey)), idKey(nil, j.ID)); err != nil {
					return err
				}
			}
			jobs[i].ID, jobs[i].State = j.ID, j.State
		}
		return nil
	})
}

// promote makes due scheduled jobs and expired leases of kind runnable.
// dropLease makes the leased job id pending again, recording why its lease
// ended as an error of the current attempt.
func (t *boltTx) dropLease(id ID, now time.Time, why string) error {
	j, err := t.get(id)
	if err != nil {
		return err
	}
	t.unindex(&j)
	j.State, j.LeaseToken, j.LeaseUntil = Pending, 0, time.Time{}
	j.addError(j.Attempt, now, why)
	return t.put(&j)
}

func (t *boltTx) promote(kind string, now time.Time) error {
	for _, id := range scanDue(t.sched, kind, now) {
		j, err := t.get(id)
		if err != nil {
			return err
		}
		t.unindex(&j)
		j.State = Pending
		if err := t.put(&j); err != nil {
			return err
		}
	}
	for _, id := range scanDue(t.leases, kind, now) {
		if err := t.dropLease(id, now, "jobs: lease expired"); err != nil {
			return err
		}
	}
	return nil
}

// Lease implements Store.
func (s *BoltStore) Lease(ctx context.Context, req LeaseRequest, dst []Job) ([]Job, error) {
	return s.AckLease(ctx, nil, req, dst)
}

// AckLease implements AckLeaser: the acks and the new lease share one
// transaction, so a busy worker costs one fsync per batch.
func (s *BoltStore) AckLease(_ context.Context, acks []Ack, req LeaseRequest, dst []Job) ([]Job, error) {
	n0 := len(dst)
	err := s.update(func(t *boltTx) error {
		dst = dst[:n0]
		if err := t.ack(acks); err != nil {
			return err
		}
		if err := t.promote(req.Kind, req.Now); err != nil {
			return err
		}
		prefix := kindPrefix(nil, req.Kind)
		var ids []ID
		c := t.ready.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(ids) < req.Max; k, _ = c.Next() {
			ids = append(ids, ID(binary.BigEndian.Uint64(k[len(k)-8:])))
		}
		until := req.Now.Add(req.Visibility)
		for _, id := range ids {
			j, err := t.get(id)
			if err != nil {
				return err
			}
			t.unindex(&j)
			j.State = Running
			j.Attempt++
			j.LeaseToken = s.nextToken.Add(1)
			j.LeaseUntil = until
			if err := t.put(&j); err != nil {
				return err
			}
			dst = append(dst, j)
		}
		return nil
	})
	if err != nil {
		return dst[:n0], fmt.Errorf("jobs: lease %q: %w", req.Kind, err)
	}
	return dst, nil
}

// Ack implements Store.
func (s *BoltStore) Ack(_ context.Context, acks []Ack) error {
	if len(acks) == 0 {
		return nil
	}
	return s.update(func(t *boltTx) error { return t.ack(acks) })
}

func (t *boltTx) ack(acks []Ack) error {
	{
		for i := range acks {
			a := &acks[i]
			j, err := t.get(a.ID)
			if err == ErrNotFound {
				continue
			}
			if err != nil {
				return err
			}
			if j.State != Running || j.LeaseToken != a.Token {
				continue // stale
			}
			if a.Outcome == Succeeded {
				if err := t.remove(&j); err != nil {
					return err
				}
				continue
			}
			t.unindex(&j)
			j.LeaseToken, j.LeaseUntil = 0, time.Time{}
			switch a.Outcome {
			case Retry:
				j.addError(j.Attempt, a.At, a.Err)
				j.State, j.RunAt = Scheduled, a.RunAt
			case Bury:
				j.addError(j.Attempt, a.At, a.Err)
				j.State = Dead
				if j.UniqueKey != "" {
					if err := t.u.Delete([]byte(j.UniqueKey)); err != nil {
						return err
					}
				}
			case Release:
				j.Attempt--
				j.State = Pending
			default:
				return fmt.Errorf("jobs: ack of job %d: unknown outcome %d", a.ID, a.Outcome)
			}
			if err := t.put(&j); err != nil {
				return err
			}
		}
		return nil
	}
}

// Extend implements Store.
func (s *BoltStore) Extend(_ context.Context, leases []LeaseRef, until time.Time) error {
	return s.update(func(t *boltTx) error {
		for _, l := range leases {
			j, err := t.get(l.ID)
			if err == ErrNotFound {
				continue
			}
			if err != nil {
				return err
			}
			if j.State != Running || j.LeaseToken != l.Token {
				continue
			}
			if err := t.unindex(&j); err != nil {
				return err
			}
			j.LeaseUntil = until
			if err := t.put(&j); err != nil {
				return err
			}
		}
		return nil
	})
}

// NextWake implements Store.
func (s *BoltStore) NextWake(_ context.Context, kind string) (time.Time, bool, error) {
	var t time.Time
	ok := false
	err := s.db.View(func(tx *bolt.Tx) error {
		prefix := kindPrefix(nil, kind)
		for _, name := range [][]byte{bktSched, bktLeases} {
			k, _ := tx.Bucket(name).Cursor().Seek(prefix)
			if k == nil || !bytes.HasPrefix(k, prefix) || len(k) != len(prefix)+16 {
				continue
			}
			at := time.Unix(0, int64(binary.BigEndian.Uint64(k[len(prefix):])^1<<63))
			if !ok || at.Before(t) {
				t, ok = at, true
			}
		}
		return nil
	})
	return t, ok, err
}

// Get implements Store.
func (s *BoltStore) Get(_ context.Context, id ID) (Job, error) {
	var j Job
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		j, err = s.tx(tx).get(id)
		return err
	})
	return j, err
}

// Dead implements Store.
func (s *BoltStore) Dead(_ context.Context, kind string, after ID, limit int) ([]Job, error) {
	var out []Job
	err := s.db.View(func(tx *bolt.Tx) error {
		t := s.tx(tx)
		c := t.dead.Cursor()
		for k, _ := c.Seek(idKey(nil, after+1)); k != nil; k, _ = c.Next() {
			j, err := t.get(ID(binary.BigEndian.Uint64(k)))
			if err != nil {
				return err
			}
			if kind != "" && j.Kind != kind {
				continue
			}
			out = append(out, j)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// Requeue implements Store.
func (s *BoltStore) Requeue(_ context.Context, id ID, now time.Time) error {
	return s.update(func(t *boltTx) error {
		j, err := t.get(id)
		if err != nil {
			return err
		}
		if j.State != Dead {
			return ErrNotDead
		}
		t.unindex(&j)
		j.State, j.Attempt, j.RunAt = Pending, 0, now
		if j.UniqueKey != "" && t.u.Get([]byte(j.UniqueKey)) == nil {
			if err := t.u.Put([]byte(j.UniqueKey), idKey(nil, id)); err != nil {
				return err
			}
		}
		return t.put(&j)
	})
}

// Purge implements Store.
func (s *BoltStore) Purge(_ context.Context, ids ...ID) (int, error) {
	n := 0
	err := s.update(func(t *boltTx) error {
		n = 0
		if len(ids) == 0 {
			t.dead.ForEach(func(k, _ []byte) error {
				ids = append(ids, ID(binary.BigEndian.Uint64(k)))
				return nil
			})
		}
		for _, id := range ids {
			j, err := t.get(id)
			if err == ErrNotFound {
				continue
			}
			if err != nil {
				return err
			}
			if j.State != Dead {
				continue
			}
			if err := t.remove(&j); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Stats implements Store.
func (s *BoltStore) Stats(context.Context) (Stats, error) {
	var st Stats
	err := s.db.View(func(tx *bolt.Tx) error {
		st.Pending = tx.Bucket(bktReady).Stats().KeyN
		st.Scheduled = tx.Bucket(bktSched).Stats().KeyN
		st.Running = tx.Bucket(bktLeases).Stats().KeyN
		st.Dead = tx.Bucket(bktDead).Stats().KeyN
		return nil
	})
	return st, err
}

// Close stops the committer and closes the database file. Writes after
// Close fail with ErrClosed.
func (s *BoltStore) Close() error {
	s.closeOnce.Do(func() { close(s.quit) })
	<-s.stopped
	return s.db.Close()
}
