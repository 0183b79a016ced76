package tako

// Prefork: several processes serve one port.
//
// ListenPrefork in the parent process starts Config.PreforkChildren copies of the
// running binary (os.Executable, same arguments, same environment plus a marker), and
// supervises them; it never serves requests itself. Each child runs the program's main
// function again up to ListenPrefork, which in the child listens on the address with
// SO_REUSEPORT, so that the kernel spreads new connections over the children's accept
// queues, and serves the App with GOMAXPROCS=1. One single-threaded Go process per
// core avoids the scheduler's cross-core work and the shared accept queue; it pays off
// for CPU-bound handlers with no shared in-process state (each child has its own
// caches, rate limiters and sessions in memory, which is the price).
//
// Compared with Fiber's prefork (fiber v3 prefork.go), which this replaces:
//
//   - Fiber's parent returns, killing every child, as soon as one child exits; a crash
//     in one child takes the whole server down. Here the parent restarts a child that
//     died, with a backoff (100ms doubling to 5s); only a child that keeps dying soon
//     after its start (Config.PreforkRestarts times in a row) makes it give up.
//   - Fiber's children poll the parent's pid every 500ms to notice it has gone. Here the
//     kernel tells them at once (Linux PR_SET_PDEATHSIG, with SIGTERM), and they shut
//     down gracefully.
//   - Fiber forwards no signal: SIGTERM kills the parent, and the children learn about it
//     from their poll and exit with os.Exit(1), cutting requests in flight. Here SIGINT
//     and SIGTERM to the parent are forwarded (SIGTERM) to every child, each child runs
//     App.Shutdown under Config.PreforkGrace, and the parent waits for them, kills
//     those still running 5s after the grace (a second signal kills them at once), and
//     returns nil when all stopped cleanly. App.Shutdown in the parent does the same.
//   - Children run in their own process group, so a terminal's Ctrl-C reaches the
//     parent only and the shutdown is the parent's to order.
//   - The parent checks the address first (binding it with SO_REUSEPORT and closing
//     it), so a bad address or a port held by another program is one clear error, not N
//     crashing children; ":0" is resolved there, and every child binds the same port.
//   - GOMAXPROCS=1 is set in the children's environment, so the runtime starts with it.
//
// Linux only: SO_REUSEPORT balances connections across sockets on Linux (since 3.9);
// elsewhere ListenPrefork returns an error.

import (
	"os"
	"time"
)

// Defaults of the prefork knobs in Config.
const (
	DefaultPreforkGrace    = 10 * time.Second // a child's graceful shutdown
	DefaultPreforkRestarts = 5                // restarts in a row of a child that dies early
)

// Environment variables that mark a prefork child.
const (
	preforkEnvChild = "TAKO_PREFORK_CHILD" // the child's slot number, 0 to PreforkChildren-1
	preforkEnvAddr  = "TAKO_PREFORK_ADDR"  // the address the parent resolved
)

// preforkStable is how long a child must run for its death not to count as an early
// one (Config.PreforkRestarts); preforkMaxBackoff caps the restart delay.
const (
	preforkStable     = 10 * time.Second
	preforkMinBackoff = 100 * time.Millisecond
	preforkMaxBackoff = 5 * time.Second
	preforkKillAfter  = 5 * time.Second // after PreforkGrace, before SIGKILL
)

// IsPreforkChild reports whether this process is a child started by ListenPrefork. Code
// before ListenPrefork runs in the parent and in every child; IsPreforkChild tells
// them apart (for example, to run a migration or a scheduler in the parent only).
func IsPreforkChild() bool { return os.Getenv(preforkEnvChild) != "" }

// ListenPrefork serves the App on the TCP address addr from Config.PreforkChildren
// processes sharing the port with SO_REUSEPORT (Linux only; see the package comment on
// prefork in prefork.go, summarised here).
//
// In the parent process it starts the children, restarts those that die (with a
// backoff, up to Config.PreforkRestarts early deaths in a row), forwards SIGINT and
// SIGTERM to them, and returns when all have stopped: nil after a signal (or
// App.Shutdown) and a clean stop, an error when the children could not be started or
// kept running, or had to be killed. In a child it listens on addr and serves the App
// with GOMAXPROCS=1 until SIGINT or SIGTERM, then shuts down gracefully within
// Config.PreforkGrace and returns Shutdown's result. A main function is the same for
// both:
//
//	app := tako.New()
//	app.Get("/", handler)
//	if err := app.ListenPrefork(":8080"); err != nil {
//		log.Fatal(err)
//	}
func (a *App) ListenPrefork(addr string) error {
	if IsPreforkChild() {
		return a.preforkChild(addr)
	}
	return a.preforkParent(addr)
}
