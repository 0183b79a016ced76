package tako

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzH2CConn feeds arbitrary leading bytes, written in pieces of arbitrary size, through
// the h2c-detecting connection wrapper, read with a buffer of arbitrary size. A connection
// that starts with the HTTP/2 preface must be handed to the HTTP/2 server's queue with every
// byte intact (and fasthttp must see a clean end); any other must read back exactly as sent.
func FuzzH2CConn(f *testing.F) {
	f.Add([]byte(http2Preface+"\x00\x00\x00\x04\x00\x00\x00\x00\x00"), uint8(7), uint8(255))
	f.Add([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), uint8(1), uint8(3))
	f.Add([]byte("PRI * HTTP/2.0\r\n\r\nSM\r\n"), uint8(2), uint8(200))
	f.Add([]byte("PRI * HTTP/1.1\r\n\r\n"), uint8(24), uint8(24))
	f.Add([]byte(""), uint8(0), uint8(0))
	f.Add([]byte(http2Preface), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, writeSize, readSize uint8) {
		a := New()
		q := newConnQueue(queueAddr{}, nil)
		a.h2 = q // the wrapper hands off to q instead of starting a server
		client, server := net.Pipe()
		defer client.Close()
		c := &h2cConn{Conn: server, app: a}
		go func() {
			w := int(writeSize)%32 + 1
			for rest := data; len(rest) > 0; {
				n := min(w, len(rest))
				if _, err := client.Write(rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
			}
			client.Close()
		}()
		server.SetDeadline(time.Now().Add(5 * time.Second))
		handed := make(chan net.Conn, 1)
		go func() {
			if hc, err := q.Accept(); err == nil {
				handed <- hc
			}
		}()
		buf := make([]byte, int(readSize)%64+1)
		var got []byte
		var err error
		for {
			var n int
			n, err = c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		isH2 := bytes.HasPrefix(data, []byte(http2Preface))
		if !isH2 {
			if err != io.EOF || !bytes.Equal(got, data) {
				t.Fatalf("HTTP/1 bytes: read %q (%v), sent %q", got, err, data)
			}
			q.Close()
			c.Close()
			return
		}
		if len(got) != 0 || err != io.EOF {
			t.Fatalf("a preface connection gave fasthttp %q, %v; want nothing and io.EOF", got, err)
		}
		c.Close() // as fasthttp does: must not close the handed-off connection
		var hc net.Conn
		select {
		case hc = <-handed:
		case <-time.After(5 * time.Second):
			t.Fatal("the preface connection was not handed off")
		}
		all, err := io.ReadAll(hc)
		if err != nil || !bytes.Equal(all, data) {
			t.Fatalf("HTTP/2 side read %q (%v), sent %q", all, err, data)
		}
		hc.Close()
		q.Close()
	})
}

func TestMatchPreface(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want prefaceMatch
	}{
		{"", prefaceMaybe},
		{"P", prefaceMaybe},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r", prefaceMaybe},
		{http2Preface, prefaceYes},
		{http2Preface + "more", prefaceYes},
		{"G", prefaceNo},
		{"PRI * HTTP/1.1\r\n", prefaceNo},
		{"PRI * HTTP/2.0\r\n\r\nSM\r\n\rX", prefaceNo},
	} {
		if got := matchPreface([]byte(tc.in)); got != tc.want {
			t.Errorf("matchPreface(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
