//go:build !race

// The race detector makes sync.Pool drop items at random, so this
// allocation test runs only without -race.

package ws

import "testing"

// TestEchoAllocsDeflate: a compressed 1 KiB echo with no context takeover
// (every replayed message decodes alone), so compressors and decompressors
// come from the pools per message.
func TestEchoAllocsDeflate(t *testing.T) {
	msg := make([]byte, 1024)
	for i := range msg {
		msg[i] = "tako websocket "[i%15]
	}
	var dc deflateClient
	rc := &replayConn{frame: frame(true, Rsv1, OpText, dc.compress(msg))}
	c := NewConn(rc, true, nil, nil)
	c.deflate = newDeflateState(deflateParams{serverNoTakeover: true, clientNoTakeover: true}, true, &CompressionOptions{})
	buf := make([]byte, 0, 4096)
	echo := func() {
		var err error
		var mt MessageType
		mt, buf, err = c.AppendMessage(buf[:0])
		if err != nil || string(buf) != string(msg) {
			t.Fatalf("read: %v (%d bytes)", err, len(buf))
		}
		if err := c.WriteMessage(mt, buf); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 {
		echo()
	}
	if n := testing.AllocsPerRun(1000, echo); n != 0 {
		t.Fatalf("compressed echo of 1 KiB: %v allocs per message, want 0", n)
	}
}
