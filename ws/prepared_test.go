package ws

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestPreparedMessageBroadcast(t *testing.T) {
	pm, err := NewPreparedMessage(Text, []byte("to everyone"))
	if err != nil {
		t.Fatal(err)
	}
	for _, comp := range []bool{false, true} {
		u := &Upgrader{}
		d := &Dialer{}
		if comp {
			u.Compression = &CompressionOptions{MinSize: 1}
			d.Compression = &CompressionOptions{}
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := u.Upgrade(w, r)
			if err != nil {
				return
			}
			defer c.Close()
			c.WritePreparedMessage(pm)
			c.WritePreparedMessage(pm)
			c.ReadMessage() // until the client closes
		}))
		for range 3 {
			c, _, err := d.Dial(context.Background(), wsURL(srv))
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				op, p, err := c.ReadMessage()
				if err != nil || op != Text || !bytes.Equal(p, []byte("to everyone")) {
					t.Fatalf("compress=%v: %s %q %v", comp, op, p, err)
				}
			}
			// A client sends it masked, through the normal path.
			if err := c.WritePreparedMessage(pm); err != nil {
				t.Fatal(err)
			}
			c.Close()
		}
		srv.Close()
	}
	if _, err := NewPreparedMessage(OpPing, nil); err == nil {
		t.Fatal("NewPreparedMessage accepted a ping")
	}
}

func TestPreparedMessageAllocs(t *testing.T) {
	c, rc := newReplayServer(16, Binary)
	pm, _ := NewPreparedMessage(Binary, make([]byte, 1024))
	if n := testing.AllocsPerRun(1000, func() { c.WritePreparedMessage(pm) }); n != 0 {
		t.Fatalf("%v allocs", n)
	}
	if rc.written != 1001*int64(len(pm.frame)) {
		t.Fatalf("wrote %d bytes", rc.written)
	}
}
