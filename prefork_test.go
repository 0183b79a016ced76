//go:build linux

package tako_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// Environment of TestPreforkHelperProcess: the address to serve, and the file the slow
// handler creates once it runs.
const (
	preforkHelperAddr   = "TAKO_TEST_PREFORK_ADDR"
	preforkHelperMarker = "TAKO_TEST_PREFORK_MARKER"
	// preforkHelperMode makes the children misbehave: "crash" exits at once with
	// status 3; "stubborn" ignores SIGTERM and SIGINT, creates marker+"-"+pid and
	// hangs. With "appshutdown", the parent calls App.Shutdown once the test creates
	// marker.
	preforkHelperMode = "TAKO_TEST_PREFORK_MODE"
)

// TestPreforkHelperProcess is not a test: TestPrefork runs the test binary with this
// test selected as the prefork parent, and the parent runs it again as each child (as
// os/exec's tests do with GO_WANT_HELPER_PROCESS).
func TestPreforkHelperProcess(t *testing.T) {
	addr := os.Getenv(preforkHelperAddr)
	if addr == "" {
		t.Skip("helper process of TestPrefork")
	}
	if tako.IsPreforkChild() {
		switch os.Getenv(preforkHelperMode) {
		case "crash":
			os.Exit(3)
		case "stubborn":
			signal.Ignore(syscall.SIGTERM, syscall.SIGINT)
			os.WriteFile(os.Getenv(preforkHelperMarker)+"-"+strconv.Itoa(os.Getpid()), nil, 0o600)
			select {}
		}
	}
	app := tako.New(tako.Config{
		PreforkChildren: 2,
		PreforkGrace:    5 * time.Second,
		PreforkRestarts: 2,
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if !tako.IsPreforkChild() && os.Getenv(preforkHelperMode) == "appshutdown" {
		go func() {
			for {
				if _, err := os.Stat(os.Getenv(preforkHelperMarker)); err == nil {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := app.Shutdown(ctx); err != nil {
				fmt.Fprintln(os.Stderr, "Shutdown:", err)
			}
		}()
	}
	app.Get("/pid", func(c *tako.Ctx) error {
		return c.Text(strconv.Itoa(os.Getpid()) + " " + strconv.Itoa(runtime.GOMAXPROCS(0)))
	})
	app.Get("/slow", func(c *tako.Ctx) error {
		os.WriteFile(os.Getenv(preforkHelperMarker), nil, 0o600)
		time.Sleep(500 * time.Millisecond)
		return c.Text("slow done")
	})
	if err := app.ListenPrefork(addr); err != nil {
		fmt.Fprintln(os.Stderr, "ListenPrefork:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// TestPrefork runs a prefork parent with two children: both answer, a killed child is
// replaced, and SIGTERM to the parent stops everything with exit status 0 while a slow
// request in flight completes.
func TestPrefork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	marker := filepath.Join(t.TempDir(), "slow-started")

	var out syncBuffer
	parent := exec.Command(os.Args[0], "-test.run=^TestPreforkHelperProcess$")
	parent.Env = append(os.Environ(), preforkHelperAddr+"="+addr, preforkHelperMarker+"="+marker)
	parent.Stdout, parent.Stderr = &out, &out
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- parent.Wait() }()
	defer func() {
		if t.Failed() {
			parent.Process.Kill() // the children follow (parent-death signal)
			t.Logf("parent output:\n%s", out.String())
		}
	}()

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	get := func(path string) (string, error) {
		resp, err := client.Get("http://" + addr + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return "", fmt.Errorf("status %d", resp.StatusCode)
		}
		return string(b), err
	}
	// pidsUntil asks /pid on new connections until cond holds for the set of answering
	// pids; connections that reach a dying or starting child may fail.
	seen := map[int]bool{}
	pidsUntil := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: answering pids %v", what, seen)
			}
			body, err := get("/pid")
			if err != nil {
				continue
			}
			pid, procs, _ := strings.Cut(body, " ")
			if procs != "1" {
				t.Fatalf("child runs with GOMAXPROCS %s, want 1", procs)
			}
			n, _ := strconv.Atoi(pid)
			seen[n] = true
		}
	}
	pidsUntil("both children", func() bool { return len(seen) >= 2 })
	if len(seen) != 2 || seen[parent.Process.Pid] {
		t.Fatalf("answering pids %v (parent %d), want two children", seen, parent.Process.Pid)
	}
	first := make([]int, 0, 2)
	for pid := range seen {
		first = append(first, pid)
	}

	victim := first[0]
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	pidsUntil("a replacement child", func() bool { return len(seen) >= 3 })

	slow := make(chan string, 1)
	go func() {
		body, err := get("/slow")
		if err != nil {
			body = err.Error()
		}
		slow <- body
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow request never started")
		}
	}
	if err := parent.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case body := <-slow:
		if body != "slow done" {
			t.Errorf("slow request in flight at SIGTERM: %q", body)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the slow request did not complete")
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("parent: %v, want exit status 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the parent did not exit after SIGTERM")
	}
	for pid := range seen {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child %d still exists after the parent exited (%v)", pid, err)
		}
	}
	if _, err := get("/pid"); err == nil {
		t.Error("the port still answers after the parent exited")
	}
	if testing.Verbose() {
		t.Logf("parent output:\n%s", out.String())
	}
}

// startPreforkParent runs TestPreforkHelperProcess as a prefork parent in mode.
func startPreforkParent(t *testing.T, mode, marker string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	var out syncBuffer
	parent := exec.Command(os.Args[0], "-test.run=^TestPreforkHelperProcess$")
	parent.Env = append(os.Environ(), preforkHelperAddr+"=127.0.0.1:0", preforkHelperMode+"="+mode,
		preforkHelperMarker+"="+marker)
	parent.Stdout, parent.Stderr = &out, &out
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { parent.Process.Kill() })
	return parent, &out
}

// waitExit waits for the parent and returns its exit code.
func waitExit(t *testing.T, parent *exec.Cmd, out *syncBuffer) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- parent.Wait() }()
	select {
	case <-done:
		return parent.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatalf("the parent did not exit; output:\n%s", out.String())
		return -1
	}
}

// Children that die right after their start are restarted PreforkRestarts times (2),
// then the parent gives up with an error.
func TestPreforkGivesUp(t *testing.T) {
	parent, out := startPreforkParent(t, "crash", filepath.Join(t.TempDir(), "m"))
	if code := waitExit(t, parent, out); code != 1 {
		t.Fatalf("parent exit code %d, want 1; output:\n%s", code, out.String())
	}
	o := out.String()
	if !strings.Contains(o, "exit status 3) 3 times in a row") || strings.Count(o, "prefork child exited") < 3 {
		t.Errorf("output:\n%s", o)
	}
}

// A second signal kills children that ignore the first, and the parent reports it.
func TestPreforkSecondSignalKills(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "m")
	parent, out := startPreforkParent(t, "stubborn", marker)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if m, _ := filepath.Glob(marker + "-*"); len(m) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("children not ready; output:\n%s", out.String())
		}
	}
	parent.Process.Signal(syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond) // two signals close together may arrive as one: the kill timer then ends it in 10s
	parent.Process.Signal(syscall.SIGTERM)
	if code := waitExit(t, parent, out); code != 1 {
		t.Fatalf("parent exit code %d, want 1; output:\n%s", code, out.String())
	}
	if o := out.String(); !strings.Contains(o, "killed 2 children") {
		t.Errorf("output:\n%s", o)
	}
}

// App.Shutdown in the parent stops the children as a signal does.
func TestPreforkAppShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	marker := filepath.Join(t.TempDir(), "shutdown")
	var out syncBuffer
	parent := exec.Command(os.Args[0], "-test.run=^TestPreforkHelperProcess$")
	parent.Env = append(os.Environ(), preforkHelperAddr+"="+addr, preforkHelperMode+"=appshutdown",
		preforkHelperMarker+"="+marker)
	parent.Stdout, parent.Stderr = &out, &out
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { parent.Process.Kill() })
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	pids := map[string]bool{}
	for deadline := time.Now().Add(15 * time.Second); len(pids) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("children not answering; output:\n%s", out.String())
		}
		if resp, err := client.Get("http://" + addr + "/pid"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			pids[string(b)] = true
		}
	}
	os.WriteFile(marker, nil, 0o600)
	if code := waitExit(t, parent, &out); code != 0 {
		t.Fatalf("parent exit code %d, want 0; output:\n%s", code, out.String())
	}
	if _, err := client.Get("http://" + addr + "/pid"); err == nil {
		t.Error("the port still answers after the parent exited")
	}
}
