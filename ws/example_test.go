package ws_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tako-go/tako/ws"
)

// An echo server on net/http and a client that sends one message.
func Example() {
	var up ws.Upgrader
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r)
		if err != nil {
			return
		}
		defer c.Close()
		var buf []byte
		for {
			op, msg, err := c.AppendMessage(buf[:0])
			if err != nil {
				return
			}
			buf = msg
			c.WriteMessage(op, msg)
		}
	}))
	defer srv.Close()

	var d ws.Dialer
	c, _, err := d.Dial(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	c.WriteMessage(ws.Text, []byte("hello"))
	op, msg, _ := c.ReadMessage()
	fmt.Println(op, string(msg))
	// Output: text hello
}

// The frame layer alone: encode a header and mask a payload.
func ExampleAppendHeader() {
	h := ws.Header{Fin: true, OpCode: ws.OpText, Length: 5, Masked: true, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}}
	b := ws.AppendHeader(nil, h)
	payload := []byte("Hello")
	ws.Cipher(payload, h.Mask, 0)
	fmt.Printf("% x\n", append(b, payload...)) // RFC 6455 section 5.7
	// Output: 81 85 37 fa 21 3d 7f 9f 4d 51 58
}
