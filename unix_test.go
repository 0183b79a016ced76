package tako_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

func TestListenUnix(t *testing.T) {
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tako.sock")
			// A stale socket from an earlier run is replaced.
			stale, err := net.Listen("unix", path)
			if err != nil {
				t.Fatal(err)
			}
			stale.(*net.UnixListener).SetUnlinkOnClose(false)
			stale.Close()

			ln, err := tako.ListenUnix(path, 0o660)
			if err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().Perm() != 0o660 || fi.Mode().Type() != os.ModeSocket {
				t.Fatalf("socket file: %v, %v", fi.Mode(), err)
			}
			app := tako.New(tako.Config{Engine: e})
			app.Get("/ip", func(c *tako.Ctx) error {
				return c.Text("remote=" + c.RemoteIP().String())
			})
			served := make(chan error, 1)
			go func() { served <- app.Serve(ln) }()

			client := &http.Client{Transport: &http.Transport{
				DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
					var d net.Dialer
					return d.DialContext(ctx, "unix", path)
				},
			}}
			resp, err := client.Get("http://unix/ip")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || string(body) != "remote=invalid IP" {
				t.Errorf("got %d %q", resp.StatusCode, body)
			}
			client.CloseIdleConnections()

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			app.Shutdown(ctx)
			<-served
			if _, err := os.Lstat(path); !os.IsNotExist(err) {
				t.Errorf("socket file left after Shutdown: %v", err)
			}
		})
	}
}

func TestListenUnixRefusesNonSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ln, err := tako.ListenUnix(path, 0o600); err == nil {
		ln.Close()
		t.Fatal("ListenUnix replaced a regular file")
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "keep me" {
		t.Errorf("file changed: %q, %v", b, err)
	}
}
