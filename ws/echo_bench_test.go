package ws

import (
	"io"
	"net"
	"strconv"
	"testing"
	"time"
)

// replayConn is an in-memory net.Conn whose reads replay one client frame
// forever and whose writes are counted and dropped: it measures the
// server's framing cost alone, on one goroutine, so AllocsPerRun sees only
// the Conn's allocations.
type replayConn struct {
	frame   []byte
	off     int
	written int64
}

func (r *replayConn) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], r.frame[r.off:])
		n += k
		r.off = (r.off + k) % len(r.frame)
	}
	return n, nil
}
func (r *replayConn) Write(p []byte) (int, error)      { r.written += int64(len(p)); return len(p), nil }
func (r *replayConn) Close() error                     { return nil }
func (r *replayConn) LocalAddr() net.Addr              { return nil }
func (r *replayConn) RemoteAddr() net.Addr             { return nil }
func (r *replayConn) SetDeadline(time.Time) error      { return nil }
func (r *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (r *replayConn) SetWriteDeadline(time.Time) error { return nil }

func newReplayServer(size int, op OpCode) (*Conn, *replayConn) {
	p := make([]byte, size)
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	rc := &replayConn{frame: frame(true, 0, op, p)}
	return NewConn(rc, true, nil, nil), rc
}

func TestEchoAllocs(t *testing.T) {
	for _, op := range []OpCode{Binary, Text} {
		c, _ := newReplayServer(1024, op)
		buf := make([]byte, 0, 64<<10)
		echo := func() {
			var err error
			var mt MessageType
			mt, buf, err = c.AppendMessage(buf[:0])
			if err != nil || len(buf) != 1024 {
				t.Fatalf("read: %v (%d bytes)", err, len(buf))
			}
			if err := c.WriteMessage(mt, buf); err != nil {
				t.Fatal(err)
			}
		}
		echo()
		if n := testing.AllocsPerRun(1000, echo); n != 0 {
			t.Fatalf("%s echo of 1 KiB: %v allocs per message, want 0", op, n)
		}
		// The streaming API is allocation-free too.
		stream := func() {
			mt, r, err := c.NextReader()
			if err != nil {
				t.Fatal(err)
			}
			w, err := c.NextWriter(mt)
			if err != nil {
				t.Fatal(err)
			}
			b := buf[:cap(buf)]
			for {
				n, err := r.Read(b)
				w.Write(b[:n])
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if n := testing.AllocsPerRun(1000, stream); n != 0 {
			t.Fatalf("%s streaming echo of 1 KiB: %v allocs per message, want 0", op, n)
		}
	}
}

var echoSizes = []int{16, 1 << 10, 64 << 10}

// BenchmarkEcho measures the server side of an echo (read one masked client
// message, write it back unmasked) over replayConn: framing, unmasking,
// UTF-8 checking for text, no network.
func BenchmarkEcho(b *testing.B) {
	for _, op := range []OpCode{Binary, Text} {
		for _, n := range echoSizes {
			b.Run(op.String()+"/"+strconv.Itoa(n), func(b *testing.B) {
				c, _ := newReplayServer(n, op)
				buf := make([]byte, 0, 64<<10)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					var err error
					var mt MessageType
					mt, buf, err = c.AppendMessage(buf[:0])
					if err != nil || len(buf) != n {
						b.Fatal(err, len(buf))
					}
					if err := c.WriteMessage(mt, buf); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkEchoTCP is a full round trip over loopback TCP: the tako client
// writes a message and reads the echo from a tako server.
func BenchmarkEchoTCP(b *testing.B) {
	for _, comp := range []bool{false, true} {
		for _, n := range echoSizes {
			name := "plain/"
			u, d := &Upgrader{}, &Dialer{}
			if comp {
				name = "deflate/"
				u.Compression = &CompressionOptions{}
				d.Compression = &CompressionOptions{}
			}
			b.Run(name+strconv.Itoa(n), func(b *testing.B) {
				srv := echoServer(b, u)
				c, _, err := d.Dial(b.Context(), wsURL(srv))
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				msg := make([]byte, n)
				for i := range msg {
					msg[i] = 'a' + byte(i%26)
				}
				buf := make([]byte, 0, n)
				b.SetBytes(int64(n))
				b.ReportAllocs()
				for b.Loop() {
					if err := c.WriteMessage(Binary, msg); err != nil {
						b.Fatal(err)
					}
					if _, buf, err = c.AppendMessage(buf[:0]); err != nil || len(buf) != n {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkCipher(b *testing.B) {
	key := [4]byte{1, 2, 3, 4}
	for _, n := range echoSizes {
		p := make([]byte, n)
		b.Run("words/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				Cipher(p, key, 1)
			}
		})
		b.Run("bytes/"+strconv.Itoa(n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				for i := range p {
					p[i] ^= key[(1+i)&3]
				}
			}
		})
	}
}
