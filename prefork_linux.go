package tako

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// listenReusePort listens on the TCP address addr with SO_REUSEPORT, so that several
// processes (of the same user) can listen on it and the kernel balances new
// connections between them.
func listenReusePort(addr string) (net.Listener, error) {
	lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		})
		if err != nil {
			return err
		}
		if serr != nil {
			return fmt.Errorf("setting SO_REUSEPORT: %w", serr)
		}
		return nil
	}}
	return lc.Listen(context.Background(), "tcp", addr)
}

// preforkChild serves the App on addr (the parent's resolved address, if it passed
// one) until SIGINT or SIGTERM, then shuts down within Config.PreforkGrace.
func (a *App) preforkChild(addr string) error {
	if resolved := os.Getenv(preforkEnvAddr); resolved != "" {
		addr = resolved
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	ln, err := listenReusePort(addr)
	if err != nil {
		return fmt.Errorf("tako: prefork child %s: %w", os.Getenv(preforkEnvChild), err)
	}
	var bySignal atomic.Bool
	shut := make(chan error, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-sigs:
		case <-stop: // Serve ended without a signal
			return
		}
		bySignal.Store(true)
		ctx, cancel := context.WithTimeout(context.Background(), a.cfg.PreforkGrace)
		defer cancel()
		shut <- a.Shutdown(ctx)
	}()
	if err := a.Serve(ln); err != nil {
		return err
	}
	if bySignal.Load() {
		return <-shut
	}
	return nil // Shutdown was called by the program, which has its result
}

// preforkExit is a child's end, as its waiting goroutine reports it.
type preforkExit struct {
	slot  int
	pid   int
	err   error // cmd.Wait's
	since time.Time
}

// supervisor is the parent's state; only preforkParent's goroutine touches its fields
// (stopReq is how Shutdown reaches it).
type supervisor struct {
	a        *App
	exe      string
	env      []string
	children map[int]*exec.Cmd // by slot, running now
	exits    chan preforkExit
	stopReq  chan struct{} // closed by Shutdown
	stopOnce atomic.Bool
	done     chan struct{} // closed when preforkParent returns
}

// Shutdown asks the parent to stop its children, as a signal does, and waits until they
// have stopped or ctx ends.
func (s *supervisor) Shutdown(ctx context.Context) error {
	if !s.stopOnce.Swap(true) {
		close(s.stopReq)
	}
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *App) preforkParent(addr string) error {
	// Check the address once, and resolve ":0" to the port every child will use.
	ln, err := listenReusePort(addr)
	if err != nil {
		return fmt.Errorf("tako: prefork: %w", err)
	}
	resolved := ln.Addr().String()
	ln.Close()
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("tako: prefork: finding the executable: %w", err)
	}

	s := &supervisor{
		a:        a,
		exe:      exe,
		env:      append(os.Environ(), preforkEnvAddr+"="+resolved, "GOMAXPROCS=1"),
		children: make(map[int]*exec.Cmd),
		exits:    make(chan preforkExit),
		stopReq:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	defer close(s.done)
	if err := a.track(s); err != nil {
		return err
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)

	// A child's parent-death signal fires when the thread that forked it ends, not the
	// process. Go ends a thread only when a goroutine locked to it exits; keeping this
	// goroutine, the only one that forks, on one thread until every child is gone means
	// the signal fires when the parent process dies, and only then.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()

	n := a.cfg.PreforkChildren
	a.cfg.Logger.Info("tako: prefork", "addr", resolved, "children", n, "pid", os.Getpid())
	var errs []error
	for slot := range n {
		if err := s.start(slot); err != nil {
			errs = append(errs, err)
			break
		}
	}

	var (
		stopping bool
		killed   = map[int]bool{} // pids sent SIGKILL
		killC    <-chan time.Time
		restart  = make(chan int, n)     // slots whose backoff has passed
		pending  = map[int]*time.Timer{} // restarts waiting for their backoff, by slot
		early    = make([]int, n)        // early deaths in a row, by slot
	)
	stopAll := func() {
		if stopping {
			return
		}
		stopping = true
		for slot, t := range pending {
			if t.Stop() {
				delete(pending, slot) // its send will not come
			}
		}
		for _, cmd := range s.children {
			cmd.Process.Signal(syscall.SIGTERM)
		}
		killC = time.After(a.cfg.PreforkGrace + preforkKillAfter)
	}
	killAll := func() {
		for _, cmd := range s.children {
			// The child's process group: the child and whatever it started.
			if syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) == nil {
				killed[cmd.Process.Pid] = true
			}
		}
	}
	if len(errs) > 0 {
		stopAll()
	}
	for len(s.children) > 0 || len(pending) > 0 {
		select {
		case sig := <-sigs:
			if stopping {
				a.cfg.Logger.Warn("tako: prefork: second signal, killing the children", "signal", sig.String())
				killAll()
				continue
			}
			a.cfg.Logger.Info("tako: prefork: stopping the children", "signal", sig.String())
			stopAll()
		case <-s.stopReq:
			s.stopReq = nil
			stopAll()
		case <-killC:
			a.cfg.Logger.Error("tako: prefork: children still running after the grace period, killing them",
				"children", len(s.children))
			killAll()
		case e := <-s.exits:
			delete(s.children, e.slot)
			if stopping {
				if err := stopStatus(e.err); err != nil {
					errs = append(errs, fmt.Errorf("tako: prefork child %d (pid %d): %w", e.slot, e.pid, err))
				}
				continue
			}
			ran := time.Since(e.since)
			a.cfg.Logger.Warn("tako: prefork child exited", "slot", e.slot, "pid", e.pid, "ran", ran, "err", e.err)
			if ran >= preforkStable {
				early[e.slot] = 0
			}
			early[e.slot]++
			if a.cfg.PreforkRestarts < 0 || early[e.slot] > a.cfg.PreforkRestarts {
				errs = append(errs, fmt.Errorf("tako: prefork child %d (pid %d) exited (%v) %d times in a row within %v of its start; giving up",
					e.slot, e.pid, exitError(e.err), early[e.slot], preforkStable))
				stopAll()
				continue
			}
			backoff := min(preforkMinBackoff<<min(early[e.slot]-1, 10), preforkMaxBackoff)
			slot := e.slot
			pending[slot] = time.AfterFunc(backoff, func() { restart <- slot })
		case slot := <-restart:
			delete(pending, slot)
			if stopping {
				continue
			}
			if err := s.start(slot); err != nil {
				errs = append(errs, err)
				stopAll()
			}
		}
	}
	if len(killed) > 0 {
		errs = append(errs, fmt.Errorf("tako: prefork: killed %d children that did not stop in time", len(killed)))
	}
	return errors.Join(errs...)
}

// start starts the child for slot.
func (s *supervisor) start(slot int) error {
	cmd := exec.Command(s.exe, os.Args[1:]...)
	cmd.Env = append(s.env[:len(s.env):len(s.env)], preforkEnvChild+"="+strconv.Itoa(slot))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,            // a terminal's Ctrl-C reaches the parent only
		Pdeathsig: syscall.SIGTERM, // the parent died: shut down gracefully
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("tako: prefork: starting child %d: %w", slot, err)
	}
	s.children[slot] = cmd
	since := time.Now()
	s.a.cfg.Logger.Debug("tako: prefork child started", "slot", slot, "pid", cmd.Process.Pid)
	go func() {
		err := cmd.Wait()
		s.exits <- preforkExit{slot: slot, pid: cmd.Process.Pid, err: err, since: since}
	}()
	return nil
}

// stopStatus judges how a child ended once asked to stop: exit status 0, or death by
// the SIGTERM sent to it (a child still starting up, before its handler was installed),
// is a clean stop.
func stopStatus(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return nil
		}
	}
	return err
}

func exitError(err error) error {
	if err == nil {
		return errors.New("exit status 0")
	}
	return err
}
