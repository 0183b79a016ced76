// Package static compares Tako's App.Static with fasthttp.FS and
// http.FileServer serving a 1 MB file and a 1 KB file from a directory, each
// server on a loopback TCP listener, requests from one net/http client with
// keep-alive (so sendfile and the kernel copy path count).
//
//	cd bench && go test ./static -run XXX -bench . -benchtime 1s -count 5
package static

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/tako-go/tako"
	"github.com/valyala/fasthttp"
)

func makeRoot(b *testing.B) string {
	dir := b.TempDir()
	big := make([]byte, 1<<20)
	rand.Read(big)
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		b.Fatal(err)
	}
	small := make([]byte, 1<<10)
	rand.Read(small)
	if err := os.WriteFile(filepath.Join(dir, "small.bin"), small, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

type server struct {
	name  string
	start func(b *testing.B, root string, ln net.Listener) (stop func())
}

var servers = []server{
	{"tako-fasthttp", func(b *testing.B, root string, ln net.Listener) func() {
		app := tako.New(tako.Config{Logger: slog.New(slog.DiscardHandler)})
		app.Static("/", root)
		go app.Serve(ln)
		return func() { app.Shutdown(context.Background()) }
	}},
	{"tako-nethttp", func(b *testing.B, root string, ln net.Listener) func() {
		app := tako.New(tako.Config{Engine: tako.NetHTTP, Logger: slog.New(slog.DiscardHandler)})
		app.Static("/", root)
		go app.Serve(ln)
		return func() { app.Shutdown(context.Background()) }
	}},
	{"fasthttp.FS", func(b *testing.B, root string, ln net.Listener) func() {
		fs := &fasthttp.FS{Root: root, AcceptByteRange: true}
		srv := &fasthttp.Server{Handler: fs.NewRequestHandler()}
		go srv.Serve(ln)
		return func() { srv.Shutdown() }
	}},
	{"http.FileServer", func(b *testing.B, root string, ln net.Listener) func() {
		srv := &http.Server{Handler: http.FileServer(http.Dir(root))}
		go srv.Serve(ln)
		return func() { srv.Close() }
	}},
}

func BenchmarkStatic(b *testing.B) {
	root := makeRoot(b)
	for _, file := range []struct {
		name string
		size int64
	}{{"1MB", 1 << 20}, {"1KB", 1 << 10}} {
		for _, s := range servers {
			b.Run(file.name+"/"+s.name, func(b *testing.B) {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					b.Fatal(err)
				}
				stop := s.start(b, root, ln)
				defer stop()
				tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}
				defer tr.CloseIdleConnections()
				client := &http.Client{Transport: tr}
				url := "http://" + ln.Addr().String() + "/" + map[string]string{"1MB": "big.bin", "1KB": "small.bin"}[file.name]
				buf := make([]byte, 64<<10)
				get := func() {
					res, err := client.Get(url)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.CopyBuffer(io.Discard, res.Body, buf)
					res.Body.Close()
					if err != nil || n != file.size || res.StatusCode != 200 {
						b.Fatalf("%d, %d bytes, %v", res.StatusCode, n, err)
					}
				}
				get()
				b.SetBytes(file.size)
				b.ReportAllocs()
				for b.Loop() {
					get()
				}
			})
		}
	}
}
