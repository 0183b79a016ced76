package jobs

import (
	"bufio"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The crash test: a child process (this test binary, re-executed) runs a
// queue on a BoltStore and appends the ID of every job its handler
// finishes to a log. The parent kills it with SIGKILL while jobs are in
// flight and pending, reopens the store and runs what is left. The
// guarantees checked, as documented on BoltStore:
//
//   - none lost: every enqueued job ran to completion at least once;
//   - exactly once for every job whose success was committed before the
//     crash: it is gone from the store and never runs again;
//   - at least once for the jobs whose lease was cut by the crash: the
//     store still holds them, they run again after the restart; they are at
//     most the jobs leased at the time (workers x LeaseBatch).

const (
	crashEnvDB  = "TAKO_JOBS_CRASH_DB"
	crashEnvLog = "TAKO_JOBS_CRASH_LOG"
	crashJobs   = 5000
	crashBatch  = 32
	crashConc   = 2
)

func crashHandler(log *os.File) Handler[int] {
	return func(_ context.Context, j *Job, n int) error {
		// One write(2) per line with O_APPEND: whole lines survive SIGKILL.
		_, err := log.WriteString(strconv.FormatUint(uint64(j.ID), 10) + "\n")
		return err
	}
}

// TestCrashChild is the child's body; it does nothing in a normal run.
func TestCrashChild(t *testing.T) {
	dbPath := os.Getenv(crashEnvDB)
	if dbPath == "" {
		t.Skip("only runs as the crash test's child process")
	}
	log, err := os.OpenFile(os.Getenv(crashEnvLog), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenBolt(dbPath, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := New(Config{Store: s, LeaseBatch: crashBatch})
	// Past half the jobs every handler hangs, so the kill always lands with
	// jobs in flight and pending however slow the parent is to notice.
	h := crashHandler(log)
	var n atomic.Int64
	k, _ := Register(q, "crash", func(ctx context.Context, j *Job, v int) error {
		if n.Add(1) > crashJobs/2 {
			select {}
		}
		return h(ctx, j, v)
	}, HandlerOptions[int]{Concurrency: crashConc})
	args := make([]int, 100)
	for i := 0; i < crashJobs; i += len(args) {
		if _, err := k.EnqueueBatch(context.Background(), nil, args, EnqueueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	q.Start()
	select {} // until killed
}

func readIDLog(t *testing.T, path string) map[ID]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return map[ID]int{}
		}
		t.Fatal(err)
	}
	defer f.Close()
	m := map[ID]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n, err := strconv.ParseUint(sc.Text(), 10, 64)
		if err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		m[ID(n)]++
	}
	return m
}

func TestCrashBoltSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	dbPath, log1, log2 := dir+"/jobs.db", dir+"/run1.log", dir+"/run2.log"
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvDB+"="+dbPath, crashEnvLog+"="+log1)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once a quarter of the jobs have run: the rest are in flight or pending.
	deadline := time.Now().Add(60 * time.Second)
	for {
		if fi, err := os.Stat(log1); err == nil && fi.Size() > int64(crashJobs/4*5) {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child made no progress")
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	before := readIDLog(t, log1)

	// Jobs still in the file after the crash, read before OpenBolt resets leases.
	db, err := bolt.Open(dbPath, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	left := map[ID]bool{}
	running := 0
	db.View(func(tx *bolt.Tx) error {
		tx.Bucket(bktJobs).ForEach(func(k, _ []byte) error {
			left[ID(binary.BigEndian.Uint64(k))] = true
			return nil
		})
		running = tx.Bucket(bktLeases).Stats().KeyN
		return nil
	})
	db.Close()
	t.Logf("killed after %d jobs logged; %d jobs left in the store, %d of them leased", len(before), len(left), running)
	if len(left) == 0 || len(left) == crashJobs {
		t.Fatalf("the kill did not land mid-run (%d left)", len(left))
	}

	// Restart on the same file.
	s, err := OpenBolt(dbPath, BoltOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := s.Stats(context.Background()); st.Running != 0 || st.Pending+st.Scheduled != len(left) || st.Dead != 0 {
		t.Fatalf("after reopen: %+v, want %d pending and nothing running", st, len(left))
	}
	f2, _ := os.OpenFile(log2, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	defer f2.Close()
	var done atomic.Int64
	all := make(chan struct{})
	h := crashHandler(f2)
	q := New(Config{Store: s, LeaseBatch: crashBatch})
	Register(q, "crash", func(ctx context.Context, j *Job, n int) error {
		err := h(ctx, j, n)
		if done.Add(1) == int64(len(left)) {
			close(all)
		}
		return err
	}, HandlerOptions[int]{Concurrency: crashConc})
	q.Start()
	select {
	case <-all:
	case <-time.After(60 * time.Second):
		t.Fatalf("restart ran %d of %d jobs", done.Load(), len(left))
	}
	shutdownTB(t, q)
	if st, _ := s.Stats(context.Background()); st != (Stats{}) {
		t.Errorf("store not empty after the restart run: %+v", st)
	}
	after := readIDLog(t, log2)

	rerun := 0
	for id := ID(1); id <= crashJobs; id++ {
		b, a := before[id], after[id]
		switch {
		case b+a == 0:
			t.Errorf("job %d lost", id)
		case b > 1 || a > 1:
			t.Errorf("job %d ran %d times before and %d after the crash", id, b, a)
		case !left[id] && a > 0:
			t.Errorf("job %d was committed as done before the crash but ran again", id)
		case left[id] && a == 0:
			t.Errorf("job %d was still in the store but did not run after restart", id)
		case b == 1 && a == 1:
			rerun++
		}
	}
	if rerun > crashConc*crashBatch {
		t.Errorf("%d jobs ran twice, more than the %d that could be leased at the crash", rerun, crashConc*crashBatch)
	}
	t.Logf("exactly once: %d; at least once (lease cut by the crash, ran again): %d", crashJobs-rerun, rerun)
}
