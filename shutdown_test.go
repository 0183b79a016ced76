package tako_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// startRaw serves app on loopback and returns its address and Serve's result channel.
func startRaw(t *testing.T, app *tako.App) (string, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	return ln.Addr().String(), served
}

// keepAliveGet sends a GET on conn and reads the response, leaving conn open.
func keepAliveGet(t *testing.T, conn net.Conn, br *bufio.Reader, path string) *http.Response {
	t.Helper()
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp
}

func TestShutdownGraceful(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e})
			started := make(chan struct{})
			app.Get("/slow", func(c *tako.Ctx) error {
				close(started)
				time.Sleep(300 * time.Millisecond) // does not watch Context: must still finish
				return c.Text("slow done")
			})
			app.Get("/fast", func(c *tako.Ctx) error { return c.Text("fast") })
			addr, served := startRaw(t, app)

			// An idle keep-alive connection, used once.
			idle, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer idle.Close()
			idleBR := bufio.NewReader(idle)
			if r := keepAliveGet(t, idle, idleBR, "/fast"); r.StatusCode != 200 {
				t.Fatalf("warm-up: %d", r.StatusCode)
			}

			// A slow in-flight request.
			slow := make(chan string, 1)
			go func() {
				resp, err := http.Get("http://" + addr + "/slow")
				if err != nil {
					slow <- "error: " + err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				slow <- string(b)
			}()
			<-started

			shut := make(chan error, 1)
			begin := time.Now()
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				shut <- app.Shutdown(ctx)
			}()

			// The idle connection is closed at once, long before the slow request ends.
			idle.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, err := idleBR.ReadByte(); err == nil {
				t.Errorf("idle keep-alive connection got data instead of being closed")
			} else if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Errorf("idle keep-alive connection was not closed")
			}

			// New connections are refused while the slow request drains.
			time.Sleep(50 * time.Millisecond)
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Errorf("a new connection was accepted during shutdown")
			}

			if got := <-slow; got != "slow done" {
				t.Errorf("in-flight request: %q", got)
			}
			if err := <-shut; err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			if d := time.Since(begin); d < 200*time.Millisecond {
				t.Errorf("Shutdown returned after %v, before the in-flight request finished", d)
			}
			select {
			case err := <-served:
				if err != nil {
					t.Errorf("Serve: %v", err)
				}
			case <-time.After(2 * time.Second):
				t.Errorf("Serve did not return")
			}
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			if err := app.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
				t.Errorf("Serve after Shutdown: %v", err)
			}
		})
	}
}

func TestShutdownDeadline(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e})
			started := make(chan struct{})
			release := make(chan struct{})
			app.Get("/stuck", func(c *tako.Ctx) error {
				close(started)
				<-release
				return c.Text("late")
			})
			addr, served := startRaw(t, app)
			go func() {
				resp, err := http.Get("http://" + addr + "/stuck")
				if err == nil {
					resp.Body.Close()
				}
			}()
			<-started
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			err := app.Shutdown(ctx)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Shutdown with an expired deadline: %v, want context.DeadlineExceeded", err)
			}
			close(release)
			<-served
		})
	}
}

func TestShutdownOnSignal(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			app := tako.New(tako.Config{Engine: e})
			app.Get("/", func(c *tako.Ctx) error { return c.Text("ok") })
			done := app.ShutdownOnSignal(5*time.Second, syscall.SIGUSR1)
			addr, served := startRaw(t, app)
			resp, err := http.Get("http://" + addr + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("shutdown: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("no shutdown after the signal")
			}
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
}

// TestShutdownRightAfterServe checks that a Shutdown racing with the start of Serve still
// stops it (Shutdown may run before, during or after Serve's start-up).
func TestShutdownRightAfterServe(t *testing.T) {
	for _, e := range engines {
		t.Run(e.String(), func(t *testing.T) {
			for range 20 {
				app := tako.New(tako.Config{Engine: e})
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				served := make(chan error, 1)
				go func() { served <- app.Serve(ln) }()
				if err := app.Shutdown(context.Background()); err != nil {
					t.Fatalf("Shutdown: %v", err)
				}
				select {
				case <-served:
				case <-time.After(5 * time.Second):
					t.Fatal("Serve kept running after Shutdown")
				}
			}
		})
	}
}
