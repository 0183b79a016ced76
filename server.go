package tako

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Listen serves the App on the TCP address addr (for example ":8080") with Config.Engine.
// It blocks until Shutdown, then returns nil; any other return is an error.
func (a *App) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return a.Serve(ln)
}

// Serve serves the App on ln with Config.Engine: HTTP/1.1 on fasthttp (FastHTTP), with
// h2c connections (HTTP/2 with prior knowledge) detected and handed to Go's HTTP/2 server
// unless Config.DisableH2C; or HTTP/1.1 and h2c on net/http (NetHTTP). It may be called for
// several listeners. It blocks until Shutdown, then returns nil; it returns
// http.ErrServerClosed if the App was already shut down.
func (a *App) Serve(ln net.Listener) error {
	if a.cfg.Engine == NetHTTP {
		return a.serveOn(newLimitListener(ln, a.cfg.MaxConns), NetHTTP)
	}
	if !a.cfg.DisableH2C {
		ln = &h2cListener{Listener: ln, app: a}
	}
	return a.serveOn(ln, FastHTTP)
}

// serveOn serves ln on the App's server for engine (created on first use), which Shutdown
// stops; Serve and ServeTLS hand it their listeners. If the App is already shutting down it
// closes ln and returns http.ErrServerClosed.
func (a *App) serveOn(ln net.Listener, engine Engine) error {
	a.build()
	a.emitStarted(ln.Addr())
	a.srvMu.Lock()
	if a.stopping.Load() {
		a.srvMu.Unlock()
		ln.Close()
		return http.ErrServerClosed
	}
	if engine == NetHTTP {
		if a.std == nil {
			a.std = a.NewHTTPServer()
		}
		srv := a.std
		a.srvMu.Unlock()
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) && a.stopping.Load() {
			return nil
		}
		return err
	}
	if a.fast == nil {
		a.fast = a.newFastServer()
	}
	srv := a.fast
	a.fastLns = append(a.fastLns, ln)
	a.srvMu.Unlock()
	return srv.Serve(ln)
}

// Shutdown stops the App gracefully: it closes the listeners (new connections are refused),
// closes idle keep-alive connections at once, cancels the contexts of in-flight requests
// (Ctx.Context: a signal to wrap up) and waits for those requests to finish. It returns nil
// when all are done, or ctx's error if ctx ends first (the remaining connections are then
// left to finish on their own). After Shutdown, Serve returns http.ErrServerClosed.
func (a *App) Shutdown(ctx context.Context) error {
	a.emitStopping(ctx)
	a.srvMu.Lock()
	a.stopping.Store(true)
	fast, std, lns, others := a.fast, a.std, a.fastLns, a.servers
	a.srvMu.Unlock()
	a.cancel()
	// Every server drains side by side, under the same deadline: HTTP/2 connections get
	// their GOAWAY while fasthttp waits for its in-flight requests.
	ch := make(chan error, 2+len(others))
	n := 0
	if fast != nil {
		n++
		go func() {
			err := fast.ShutdownWithContext(ctx)
			// A Serve that had not yet handed its listener to fasthttp when Shutdown
			// began would otherwise go on serving; the others are closed already.
			for _, ln := range lns {
				ln.Close()
			}
			ch <- err
		}()
	}
	if std != nil {
		n++
		go func() { ch <- std.Shutdown(ctx) }()
	}
	for _, s := range others {
		n++
		go func() { ch <- s.Shutdown(ctx) }()
	}
	errs := make([]error, 0, n+1)
	for range n {
		errs = append(errs, <-ch)
	}
	errs = append(errs, a.live.wait(ctx))
	err := errors.Join(errs...)
	a.emitStopped(ctx, err)
	return err
}

// ShutdownOnSignal calls Shutdown, with grace as its deadline, when the process receives one
// of sigs (default SIGINT and SIGTERM). The returned channel receives Shutdown's result and
// is then closed; a main function waits on it after Serve returns, so that in-flight
// requests finish before the process exits:
//
//	done := app.ShutdownOnSignal(10 * time.Second)
//	if err := app.Listen(":8080"); err != nil {
//		log.Fatal(err)
//	}
//	if err := <-done; err != nil {
//		log.Print(err)
//	}
func (a *App) ShutdownOnSignal(grace time.Duration, sigs ...os.Signal) <-chan error {
	if len(sigs) == 0 {
		sigs = []os.Signal{os.Interrupt, syscall.SIGTERM}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan error, 1)
	go func() {
		<-ch
		signal.Stop(ch)
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		done <- a.Shutdown(ctx)
		close(done)
	}()
	return done
}

// stopper is a server that App.Shutdown stops: it stops accepting, drains what it has
// accepted and returns when done or when ctx ends (with ctx's error).
type stopper interface {
	Shutdown(ctx context.Context) error
}

// track registers s with the App, so that Shutdown stops it with everything else. It
// returns http.ErrServerClosed, having registered nothing, if the App is already shutting
// down; the caller then closes what it opened and returns that error from its Serve.
func (a *App) track(s stopper) error {
	a.srvMu.Lock()
	defer a.srvMu.Unlock()
	if a.stopping.Load() {
		return http.ErrServerClosed
	}
	a.servers = append(a.servers, s)
	return nil
}
