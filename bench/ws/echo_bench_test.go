package wsbench

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako/ws"
)

// rawEcho is a neutral client: it dials with a plain handshake and then
// writes one pre-built masked frame and reads the echo frame per
// iteration, allocating nothing, so the benchmark's time and allocations
// are the server's (plus loopback TCP).
type rawEcho struct {
	nc    net.Conn
	br    *bufio.Reader
	frame []byte
	resp  []byte
}

func dialRawEcho(tb testing.TB, url string, n int, op ws.OpCode) *rawEcho {
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/")
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { nc.Close() })
	nc.Write([]byte("GET / HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"))
	br := bufio.NewReaderSize(nc, 128<<10)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 101 {
		tb.Fatalf("handshake: %v %v", resp, err)
	}
	p := make([]byte, n)
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	h := ws.Header{Fin: true, OpCode: op, Length: int64(n), Masked: true, Mask: [4]byte{1, 2, 3, 4}}
	f := ws.AppendHeader(nil, h)
	hs := len(f)
	f = append(f, p...)
	ws.Cipher(f[hs:], h.Mask, 0)
	h.Masked = false
	return &rawEcho{nc: nc, br: br, frame: f, resp: make([]byte, ws.HeaderSize(h)+n)}
}

func (r *rawEcho) roundTrip(tb testing.TB) {
	if _, err := r.nc.Write(r.frame); err != nil {
		tb.Fatal(err)
	}
	if _, err := io.ReadFull(r.br, r.resp); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkEcho: one binary message round trip (client write, server read +
// write, client read) per op over loopback TCP. allocs/op are the server's.
// Binary, because gorilla, coder and fasthttp/websocket do not validate
// UTF-8 and tako does: text would compare different work (tako's own
// BenchmarkEcho in ws/ shows the text cost).
func BenchmarkEcho(b *testing.B) {
	for _, n := range []int{16, 1 << 10, 64 << 10} {
		for _, p := range peers {
			b.Run(strconv.Itoa(n)+"/"+p.name, func(b *testing.B) {
				url := p.start(b, false)
				rc := dialRawEcho(b, url, n, ws.OpBinary)
				rc.roundTrip(b)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					rc.roundTrip(b)
				}
			})
		}
	}
}

// BenchmarkEchoDeflate: compressed round trips, each library's own client
// against its own server where it has both, tako's client against tako.
func BenchmarkEchoDeflate(b *testing.B) {
	for _, n := range []int{16, 1 << 10, 64 << 10} {
		msg := []byte(strings.Repeat(`{"user":"tako","text":"hello, compressed world","n":12345}`, n/57+1)[:n])
		b.Run(strconv.Itoa(n)+"/tako", func(b *testing.B) {
			url := peers[0].start(b, true)
			d := ws.Dialer{Compression: &ws.CompressionOptions{}}
			c, _, err := d.Dial(context.Background(), url)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			buf := make([]byte, 0, n)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				c.WriteMessage(ws.Text, msg)
				if _, buf, err = c.AppendMessage(buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(strconv.Itoa(n)+"/gorilla", func(b *testing.B) {
			url := server(b, gorillaHandler(true))
			c := gorillaDial(b, url, true)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				c.WriteMessage(1, msg)
				if _, _, err := c.ReadMessage(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEchoParallel: 16 connections (SetParallelism(8) on 2 cores)
// echoing 1 KB binary messages at once; msgs/s is the server's throughput,
// where per-message allocations turn into GC work.
func BenchmarkEchoParallel(b *testing.B) {
	const n = 1 << 10
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			url := p.start(b, false)
			b.SetBytes(n)
			b.ReportAllocs()
			b.SetParallelism(8)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				rc := dialRawEcho(b, url, n, ws.OpBinary)
				for pb.Next() {
					rc.roundTrip(b)
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
		})
	}
}
