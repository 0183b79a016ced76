package jobs

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// storeSuite checks the Store contract; every store runs it.
func storeSuite(t *testing.T, open func(t *testing.T) Store) {
	ctx := context.Background()
	vis := time.Minute
	lease := func(s Store, kind string, max int, now time.Time) []Job {
		t.Helper()
		js, err := s.Lease(ctx, LeaseRequest{Kind: kind, Max: max, Now: now, Visibility: vis}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return js
	}
	ids := func(js []Job) string {
		var s []ID
		for _, j := range js {
			s = append(s, j.ID)
		}
		return fmt.Sprint(s)
	}

	t.Run("EnqueueLeaseAck", func(t *testing.T) {
		s := open(t)
		jobs := []Job{
			{Kind: "a", Payload: []byte("1"), CreatedAt: t0},
			{Kind: "a", Payload: []byte("2"), Priority: 5},
			{Kind: "b", Payload: []byte("3")},
			{Kind: "a", Payload: []byte("4"), RunAt: t0.Add(time.Hour)},
		}
		if err := s.Enqueue(ctx, jobs, t0); err != nil {
			t.Fatal(err)
		}
		if jobs[0].ID == 0 || jobs[1].ID <= jobs[0].ID || jobs[3].State != Scheduled || jobs[0].State != Pending {
			t.Fatalf("after Enqueue: %+v", jobs)
		}
		got := lease(s, "a", 10, t0)
		if ids(got) != fmt.Sprint([]ID{jobs[1].ID, jobs[0].ID}) {
			t.Fatalf("leased %s: want priority 5 first, scheduled not yet", ids(got))
		}
		for _, j := range got {
			if j.State != Running || j.Attempt != 1 || j.LeaseToken == 0 || !j.LeaseUntil.Equal(t0.Add(vis)) {
				t.Errorf("leased job %+v", j)
			}
		}
		if string(got[1].Payload) != "1" || !got[1].CreatedAt.Equal(t0) {
			t.Errorf("payload %q created %v", got[1].Payload, got[1].CreatedAt)
		}
		if more := lease(s, "a", 10, t0); len(more) != 0 {
			t.Errorf("leased twice: %s", ids(more))
		}
		if w, ok, _ := s.NextWake(ctx, "a"); !ok || !w.Equal(t0.Add(vis)) {
			t.Errorf("NextWake %v %v, want the lease expiry %v", w, ok, t0.Add(vis))
		}
		err := s.Ack(ctx, []Ack{
			{ID: got[0].ID, Token: got[0].LeaseToken, Outcome: Succeeded},
			{ID: got[1].ID, Token: got[1].LeaseToken, Outcome: Retry, RunAt: t0.Add(30 * time.Minute), At: t0, Err: "e1"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, got[0].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("succeeded job: %v", err)
		}
		j, _ := s.Get(ctx, got[1].ID)
		if j.State != Scheduled || j.LastError != "e1" || len(j.Errors) != 1 || j.Attempt != 1 {
			t.Errorf("retried job %+v", j)
		}
		if w, ok, _ := s.NextWake(ctx, "a"); !ok || !w.Equal(t0.Add(30*time.Minute)) {
			t.Errorf("NextWake %v %v, want the retry time", w, ok)
		}
		if got := lease(s, "a", 10, t0.Add(30*time.Minute)); ids(got) != fmt.Sprint([]ID{jobs[0].ID}) || got[0].Attempt != 2 {
			t.Errorf("due retry: %s", ids(got))
		}
		if got := lease(s, "b", 10, t0); len(got) != 1 || string(got[0].Payload) != "3" {
			t.Errorf("kind b: %+v", got)
		}
		st, _ := s.Stats(ctx)
		if st != (Stats{Running: 2, Scheduled: 1}) {
			t.Errorf("stats %+v", st)
		}
	})

	t.Run("LeaseExpiry", func(t *testing.T) {
		s := open(t)
		jobs := []Job{{Kind: "a"}, {Kind: "a"}}
		s.Enqueue(ctx, jobs, t0)
		first := lease(s, "a", 2, t0)
		// One is acked in time; the other's worker dies.
		s.Ack(ctx, []Ack{{ID: first[0].ID, Token: first[0].LeaseToken, Outcome: Succeeded}})
		if got := lease(s, "a", 2, t0.Add(vis-time.Second)); len(got) != 0 {
			t.Fatalf("leased before expiry: %s", ids(got))
		}
		again := lease(s, "a", 2, t0.Add(vis))
		if len(again) != 1 || again[0].ID != first[1].ID || again[0].Attempt != 2 || again[0].LeaseToken == first[1].LeaseToken {
			t.Fatalf("after expiry: %+v", again)
		}
		// The old worker's late ack is stale: ignored.
		s.Ack(ctx, []Ack{{ID: first[1].ID, Token: first[1].LeaseToken, Outcome: Bury, Err: "late"}})
		if j, _ := s.Get(ctx, first[1].ID); j.State != Running || j.LeaseToken != again[0].LeaseToken {
			t.Errorf("stale ack applied: %+v", j)
		}
		s.Ack(ctx, []Ack{{ID: again[0].ID, Token: again[0].LeaseToken, Outcome: Succeeded}})
		if st, _ := s.Stats(ctx); st != (Stats{}) {
			t.Errorf("stats %+v", st)
		}
	})

	t.Run("UniqueReleaseDead", func(t *testing.T) {
		s := open(t)
		a := []Job{{Kind: "a", UniqueKey: "k"}}
		s.Enqueue(ctx, a, t0)
		b := []Job{{Kind: "a", UniqueKey: "k"}, {Kind: "a", UniqueKey: "other"}}
		s.Enqueue(ctx, b, t0)
		if !b[0].Duplicate || b[0].ID != a[0].ID || b[1].Duplicate {
			t.Fatalf("dedup: %+v", b)
		}
		got := lease(s, "a", 1, t0)
		s.Ack(ctx, []Ack{{ID: got[0].ID, Token: got[0].LeaseToken, Outcome: Release}})
		j, _ := s.Get(ctx, got[0].ID)
		if j.State != Pending || j.Attempt != 0 {
			t.Errorf("released: %+v", j)
		}
		got = lease(s, "a", 1, t0)
		if got[0].ID != a[0].ID {
			t.Fatalf("lease after release: %+v", got)
		}
		s.Ack(ctx, []Ack{{ID: got[0].ID, Token: got[0].LeaseToken, Outcome: Bury, Err: "bad", At: t0}})
		// Dead frees the key.
		c := []Job{{Kind: "a", UniqueKey: "k"}}
		s.Enqueue(ctx, c, t0)
		if c[0].Duplicate {
			t.Error("key of a dead job still held")
		}
		dead, _ := s.Dead(ctx, "", 0, 0)
		if len(dead) != 1 || dead[0].LastError != "bad" || dead[0].State != Dead {
			t.Fatalf("dead %+v", dead)
		}
		if err := s.Requeue(ctx, b[1].ID, t0); !errors.Is(err, ErrNotDead) {
			t.Errorf("requeue of a pending job: %v", err)
		}
		if err := s.Requeue(ctx, 999999, t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("requeue of a missing job: %v", err)
		}
		if err := s.Requeue(ctx, a[0].ID, t0); err != nil {
			t.Fatal(err)
		}
		j, _ = s.Get(ctx, a[0].ID)
		if j.State != Pending || j.Attempt != 0 || len(j.Errors) != 1 {
			t.Errorf("requeued: %+v", j)
		}
		if n, _ := s.Purge(ctx); n != 0 {
			t.Errorf("purged %d with an empty DLQ", n)
		}
	})
}

func TestMemoryStore(t *testing.T) {
	storeSuite(t, func(*testing.T) Store { return NewMemoryStore() })
}

func TestBoltStore(t *testing.T) {
	storeSuite(t, func(t *testing.T) Store {
		s, err := OpenBolt(t.TempDir()+"/jobs.db", BoltOptions{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// The memory store's record table across many pages: every job found while
// live, gone after, and empty pages freed.
func TestMemoryStoreRecordPages(t *testing.T) {
	s := NewMemoryStore()
	ctx := context.Background()
	jobs := make([]Job, 5000)
	for i := range jobs {
		jobs[i] = Job{Kind: "a", Payload: []byte{byte(i)}}
	}
	s.Enqueue(ctx, jobs, t0)
	leased, _ := s.Lease(ctx, LeaseRequest{Kind: "a", Max: 5000, Now: t0, Visibility: time.Minute}, nil)
	if len(leased) != 5000 {
		t.Fatalf("leased %d", len(leased))
	}
	// Ack from the end backwards, half at a time, checking lookups between.
	for half := range 2 {
		var acks []Ack
		for i := len(leased) - 1 - half; i >= 0; i -= 2 {
			acks = append(acks, Ack{ID: leased[i].ID, Token: leased[i].LeaseToken, Outcome: Succeeded})
		}
		s.Ack(ctx, acks)
		for i, j := range leased {
			_, err := s.Get(ctx, j.ID)
			gone := (len(leased)-1-i)%2 == 0 || half == 1
			if gone != errors.Is(err, ErrNotFound) {
				t.Fatalf("half %d job %d: err %v, want gone=%v", half, j.ID, err, gone)
			}
		}
	}
	if n := len(s.recs.pages); n > 1 {
		t.Errorf("%d pages kept after every job finished, want at most the current one", n)
	}
	more := []Job{{Kind: "a"}}
	s.Enqueue(ctx, more, t0)
	if j, err := s.Get(ctx, more[0].ID); err != nil || j.ID != 5001 {
		t.Errorf("after reuse: %+v %v", j, err)
	}
}

func storeExtend(t *testing.T, s Store) {
	ctx := context.Background()
	jobs := []Job{{Kind: "a"}, {Kind: "a"}}
	s.Enqueue(ctx, jobs, t0)
	got, _ := s.Lease(ctx, LeaseRequest{Kind: "a", Max: 2, Now: t0, Visibility: time.Minute}, nil)
	// Extend the first; the second's worker is gone. A stale ref is ignored.
	s.Extend(ctx, []LeaseRef{{ID: got[0].ID, Token: got[0].LeaseToken}, {ID: got[1].ID, Token: 12345}}, t0.Add(10*time.Minute))
	again, _ := s.Lease(ctx, LeaseRequest{Kind: "a", Max: 2, Now: t0.Add(2 * time.Minute), Visibility: time.Minute}, nil)
	if len(again) != 1 || again[0].ID != got[1].ID {
		t.Fatalf("after extend, expired leases: %+v", again)
	}
	if j, _ := s.Get(ctx, got[0].ID); j.State != Running || !j.LeaseUntil.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("extended job: %v until %v", j.State, j.LeaseUntil)
	}
	if w, ok, _ := s.NextWake(ctx, "a"); !ok || !w.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("NextWake %v %v, want the re-leased job's expiry", w, ok)
	}
	if more, _ := s.Lease(ctx, LeaseRequest{Kind: "a", Max: 2, Now: t0.Add(10 * time.Minute), Visibility: time.Minute}, nil); len(more) != 2 {
		t.Errorf("at the extended expiry both leases ran out, got %d", len(more))
	}
}

func TestStoreExtend(t *testing.T) {
	t.Run("memory", func(t *testing.T) { storeExtend(t, NewMemoryStore()) })
	t.Run("bolt", func(t *testing.T) {
		s, err := OpenBolt(t.TempDir()+"/jobs.db", BoltOptions{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		storeExtend(t, s)
	})
}
