package ws

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
)

// rawServer accepts one connection, answers the handshake by hand and then
// writes the given bytes: a server that breaks the rules, for the client's
// side of the conformance checks.
func rawServer(t *testing.T, extraHeaders string, then []byte) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		req, err := http.ReadRequest(bufio.NewReader(nc))
		if err != nil {
			return
		}
		accept := AcceptKey(req.Header.Get("Sec-WebSocket-Key"))
		nc.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n" + extraHeaders + "\r\n"))
		nc.Write(then)
		var buf [256]byte
		for {
			if _, err := nc.Read(buf[:]); err != nil {
				return
			}
		}
	}()
	return "ws://" + ln.Addr().String() + "/"
}

func TestClientRejectsBadServers(t *testing.T) {
	masked := frame(true, 0, OpText, []byte("masked by the server"))
	cases := []struct {
		name   string
		header string
		then   []byte
		dialOK bool
		want   string
	}{
		{"masked-frame", "", masked, true, "masked frame from server"},
		{"rsv1-without-extension", "", []byte{0xc1, 0x02, 'h', 'i'}, true, "reserved bits"},
		{"invalid-utf8", "", []byte{0x81, 0x02, 0xc0, 0x80}, true, "not valid UTF-8"},
		{"unoffered-subprotocol", "Sec-WebSocket-Protocol: chat\r\n", nil, false, "not offered"},
		{"unoffered-extension", "Sec-WebSocket-Extensions: permessage-deflate\r\n", nil, false, "not offered"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var d Dialer
			c, _, err := d.Dial(context.Background(), rawServer(t, tc.header, tc.then))
			if !tc.dialOK {
				if err == nil {
					c.Close()
					t.Fatal("Dial accepted a bad handshake response")
				}
				if !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Dial error %q, want it to mention %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if _, _, err := c.ReadMessage(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("read error %v, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("wrong-accept", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		defer ln.Close()
		go func() {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			defer nc.Close()
			http.ReadRequest(bufio.NewReader(nc))
			nc.Write([]byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"))
		}()
		var d Dialer
		if _, _, err := d.Dial(context.Background(), "ws://"+ln.Addr().String()+"/"); err == nil {
			t.Fatal("Dial accepted a wrong Sec-WebSocket-Accept")
		}
	})
}
