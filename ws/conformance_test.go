package ws

// Conformance cases organised like the Autobahn TestSuite's server cases
// (https://github.com/crossbario/autobahn-testsuite, case groups 1-7, 9,
// 12). Each subtest name starts with the Autobahn case number it mirrors;
// every case is asserted against the server with the raw-frame client in
// rawclient_test.go.

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAutobahn1Framing(t *testing.T) {
	srv := echoServer(t, nil)
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536}
	for i, op := range []OpCode{OpText, OpBinary} {
		for j, n := range sizes {
			t.Run(fmt.Sprintf("1.%d.%d/%s-%d", i+1, j+1, op, n), func(t *testing.T) {
				rc := mustDialRaw(t, srv)
				p := bytes.Repeat([]byte{'*'}, n)
				if op == OpBinary {
					p = bytes.Repeat([]byte{0xfe}, n)
				}
				rc.send(true, 0, op, p)
				rc.expectMessage(op, p)
			})
		}
		t.Run(fmt.Sprintf("1.%d.8/%s-65536-chopped-997", i+1, op), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			p := bytes.Repeat([]byte{'*'}, 65536)
			rc.writeChunked(frame(true, 0, op, p), 997)
			rc.expectMessage(op, p)
		})
	}
}

func TestAutobahn2PingPong(t *testing.T) {
	srv := echoServer(t, nil)
	t.Run("2.1/ping-empty", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPing, nil)
		rc.expectFrame(OpPong, nil)
	})
	t.Run("2.2/ping-text", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPing, []byte("Hello, world!"))
		rc.expectFrame(OpPong, []byte("Hello, world!"))
	})
	t.Run("2.3/ping-binary", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := []byte{0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff}
		rc.send(true, 0, OpPing, p)
		rc.expectFrame(OpPong, p)
	})
	t.Run("2.4/ping-125", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := bytes.Repeat([]byte{0xfe}, 125)
		rc.send(true, 0, OpPing, p)
		rc.expectFrame(OpPong, p)
	})
	t.Run("2.5/ping-126", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPing, bytes.Repeat([]byte{0xfe}, 126))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("2.6/ping-125-chopped-1", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := bytes.Repeat([]byte{0xfe}, 125)
		rc.writeChunked(frame(true, 0, OpPing, p), 1)
		rc.expectFrame(OpPong, p)
	})
	t.Run("2.7/unsolicited-pong", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPong, nil)
		rc.expectNothing(100 * time.Millisecond)
		rc.send(true, 0, OpClose, closePayload(CloseNormal, ""))
		rc.expectClose(CloseNormal)
	})
	t.Run("2.8/unsolicited-pong-payload", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPong, []byte("unsolicited pong payload"))
		rc.expectNothing(100 * time.Millisecond)
	})
	t.Run("2.9/pong-then-ping", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpPong, []byte("unsolicited pong payload"))
		rc.send(true, 0, OpPing, []byte("ping payload"))
		rc.expectFrame(OpPong, []byte("ping payload"))
	})
	t.Run("2.10/ten-pings", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		for i := range 10 {
			rc.send(true, 0, OpPing, fmt.Appendf(nil, "payload-%d", i))
		}
		for i := range 10 {
			rc.expectFrame(OpPong, fmt.Appendf(nil, "payload-%d", i))
		}
	})
	t.Run("2.11/ten-pings-chopped-1", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		for i := range 10 {
			rc.writeChunked(frame(true, 0, OpPing, fmt.Appendf(nil, "payload-%d", i)), 1)
		}
		for i := range 10 {
			rc.expectFrame(OpPong, fmt.Appendf(nil, "payload-%d", i))
		}
	})
}

func TestAutobahn3ReservedBits(t *testing.T) {
	srv := echoServer(t, nil)
	hello := []byte("Hello, world!")
	cases := []struct {
		name string
		rsv  byte
		op   OpCode
	}{
		{"3.1/text-rsv1", 1, OpText},
		{"3.2/text-rsv2", 2, OpText},
		{"3.3/text-rsv3", 3, OpText},
		{"3.4/text-rsv4", 4, OpText},
		{"3.5/binary-rsv5", 5, OpBinary},
		{"3.6/ping-rsv6", 6, OpPing},
		{"3.7/close-rsv7", 7, OpClose},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			// A valid message first: it must be echoed before the bad frame
			// fails the connection.
			rc.send(true, 0, OpText, hello)
			var p []byte
			if tc.op != OpClose {
				p = hello
			}
			rc.send(true, tc.rsv, tc.op, p)
			rc.send(true, 0, OpPing, nil) // must not be answered
			rc.expectMessage(OpText, hello)
			rc.expectClose(CloseProtocolError)
		})
	}
}

func TestAutobahn4Opcodes(t *testing.T) {
	srv := echoServer(t, nil)
	hello := []byte("Hello, world!")
	for i, op := range []OpCode{3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF} {
		group := 1
		if op.IsControl() {
			group = 2
		}
		t.Run(fmt.Sprintf("4.%d.%d/opcode-%d", group, i%5+1, op), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			rc.send(true, 0, OpText, hello)
			rc.send(true, 0, op, []byte("reserved"))
			rc.send(true, 0, OpPing, nil)
			rc.expectMessage(OpText, hello)
			rc.expectClose(CloseProtocolError)
		})
	}
}

func TestAutobahn5Fragmentation(t *testing.T) {
	srv := echoServer(t, nil)
	t.Run("5.1/fragmented-ping", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpPing, []byte("fragment1"))
		rc.send(true, 0, OpContinuation, []byte("fragment2"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("5.2/fragmented-pong", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpPong, []byte("fragment1"))
		rc.send(true, 0, OpContinuation, []byte("fragment2"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("5.3/text-2-fragments", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(true, 0, OpContinuation, []byte("fragment2"))
		rc.expectMessage(OpText, []byte("fragment1fragment2"))
	})
	t.Run("5.5/text-2-fragments-chopped-1", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.writeChunked(frame(false, 0, OpText, []byte("fragment1")), 1)
		rc.writeChunked(frame(true, 0, OpContinuation, []byte("fragment2")), 1)
		rc.expectMessage(OpText, []byte("fragment1fragment2"))
	})
	t.Run("5.6/text-fragments-ping-between", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(true, 0, OpPing, []byte("pongme!"))
		rc.send(true, 0, OpContinuation, []byte("fragment2"))
		rc.expectFrame(OpPong, []byte("pongme!"))
		rc.expectMessage(OpText, []byte("fragment1fragment2"))
	})
	t.Run("5.8/chopped-with-ping-chopped", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.writeChunked(frame(false, 0, OpText, []byte("fragment1")), 1)
		rc.writeChunked(frame(true, 0, OpPing, []byte("pongme!")), 1)
		rc.writeChunked(frame(true, 0, OpContinuation, []byte("fragment2")), 1)
		rc.expectFrame(OpPong, []byte("pongme!"))
		rc.expectMessage(OpText, []byte("fragment1fragment2"))
	})
	for i, fin := range []bool{false, true} {
		t.Run(fmt.Sprintf("5.%d/continuation-without-start-fin-%v", 9+i*3, fin), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			rc.send(fin, 0, OpContinuation, []byte("non-continuation payload"))
			rc.send(true, 0, OpText, []byte("Hello, world!"))
			rc.expectClose(CloseProtocolError)
		})
	}
	t.Run("5.15/text-start-inside-message", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(true, 0, OpContinuation, []byte("fragment2"))
		rc.send(false, 0, OpContinuation, []byte("fragment3"))
		rc.send(true, 0, OpText, []byte("fragment4"))
		rc.expectMessage(OpText, []byte("fragment1fragment2"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("5.18/two-text-starts", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(true, 0, OpText, []byte("fragment2"))
		rc.expectClose(CloseProtocolError)
	})
	t.Run("5.19/five-fragments-pings-between", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(false, 0, OpContinuation, []byte("fragment2"))
		rc.send(true, 0, OpPing, []byte("pongme 1!"))
		rc.send(false, 0, OpContinuation, []byte("fragment3"))
		rc.send(false, 0, OpContinuation, []byte("fragment4"))
		rc.send(true, 0, OpPing, []byte("pongme 2!"))
		rc.send(true, 0, OpContinuation, []byte("fragment5"))
		rc.expectFrame(OpPong, []byte("pongme 1!"))
		rc.expectFrame(OpPong, []byte("pongme 2!"))
		rc.expectMessage(OpText, []byte("fragment1fragment2fragment3fragment4fragment5"))
	})
	t.Run("5.x/empty-fragments", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpBinary, nil)
		rc.send(false, 0, OpContinuation, nil)
		rc.send(true, 0, OpContinuation, nil)
		rc.expectMessage(OpBinary, nil)
	})
}

// utf8Cases are Autobahn 6.x sequences (from Markus Kuhn's UTF-8 stress
// test, as the suite uses them): valid ones must be echoed, invalid ones
// must fail the connection with 1007.
var utf8Cases = []struct {
	name  string
	s     string
	valid bool
}{
	{"6.1/empty", "", true},
	{"6.2/hello-mu", "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!", true},
	{"6.3/kosme-invalid", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64", false},
	{"6.5/kosme", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", true},
	{"6.6/first-of-each-length", "\x00 \xc2\x80 \xe0\xa0\x80 \xf0\x90\x80\x80", true},
	{"6.7/last-of-each-length", "\x7f \xdf\xbf \xef\xbf\xbf \xf4\x8f\xbf\xbf", true},
	{"6.8/5-byte-sequence", "\xf8\x88\x80\x80\x80", false},
	{"6.8/6-byte-sequence", "\xfc\x84\x80\x80\x80\x80", false},
	{"6.9/above-10ffff", "\xf4\x90\x80\x80", false},
	{"6.10/lone-continuation", "\x80", false},
	{"6.10/continuations", "\x80\xbf\x80\xbf", false},
	{"6.12/lonely-start", "\xc0 ", false},
	{"6.13/missing-last-byte", "\xe0\x80", false},
	{"6.14/concatenated-incomplete", "\xc0\xe0\x80\xf0\x80\x80", false},
	{"6.15/fe", "\xfe", false},
	{"6.15/ff", "\xff", false},
	{"6.16/overlong-slash-2", "\xc0\xaf", false},
	{"6.16/overlong-slash-3", "\xe0\x80\xaf", false},
	{"6.16/overlong-slash-4", "\xf0\x80\x80\xaf", false},
	{"6.17/max-overlong-3", "\xe0\x9f\xbf", false},
	{"6.18/overlong-nul", "\xc0\x80", false},
	{"6.19/single-surrogate-d800", "\xed\xa0\x80", false},
	{"6.19/single-surrogate-dfff", "\xed\xbf\xbf", false},
	{"6.20/paired-surrogates", "\xed\xa0\x80\xed\xb0\x80", false},
	{"6.21/noncharacter-fffe", "\xef\xbf\xbe", true},
	{"6.21/noncharacter-ffff", "\xef\xbf\xbf", true},
	{"6.22/bmp", "\xe2\x82\xac \xe6\x97\xa5\xe6\x9c\xac", true},
	{"6.23/bom", "\xef\xbb\xbf", true},
}

func TestAutobahn6UTF8(t *testing.T) {
	srv := echoServer(t, nil)
	for _, tc := range utf8Cases {
		for _, mode := range []string{"one-frame", "frame-per-byte", "chopped-1"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				rc := mustDialRaw(t, srv)
				rc.tolerant = !tc.valid
				p := []byte(tc.s)
				switch mode {
				case "one-frame":
					rc.send(true, 0, OpText, p)
				case "frame-per-byte":
					if len(p) == 0 {
						rc.send(true, 0, OpText, nil)
						break
					}
					for i := range p {
						op := OpContinuation
						if i == 0 {
							op = OpText
						}
						rc.send(i == len(p)-1, 0, op, p[i:i+1])
					}
				case "chopped-1":
					rc.writeChunked(frame(true, 0, OpText, p), 1)
				}
				if tc.valid {
					rc.expectMessage(OpText, p)
				} else {
					rc.expectClose(CloseInvalidPayload)
				}
			})
		}
	}
	t.Run("6.4.1/fail-fast", func(t *testing.T) {
		// The invalid byte arrives in the first fragment; the message never
		// ends, yet the server must fail the connection at once.
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80"))
		rc.expectClose(CloseInvalidPayload)
	})
	t.Run("6.4.3/fail-fast-prefix", func(t *testing.T) {
		// Only the first two bytes of F4 90 80 80 are sent: the prefix
		// already exceeds U+10FFFF.
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("\xce\xba\xf4\x90"))
		rc.expectClose(CloseInvalidPayload)
	})
}

func TestAutobahn7Close(t *testing.T) {
	srv := echoServer(t, nil)
	t.Run("7.1.1/echo-then-close", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpText, []byte("Hello World!"))
		rc.expectMessage(OpText, []byte("Hello World!"))
		rc.send(true, 0, OpClose, closePayload(CloseNormal, ""))
		rc.expectClose(CloseNormal)
	})
	t.Run("7.1.2/two-closes", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, closePayload(CloseNormal, ""))
		rc.nc.Write(frame(true, 0, OpClose, closePayload(CloseNormal, "")))
		rc.expectClose(CloseNormal)
	})
	t.Run("7.1.3/ping-after-close", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, closePayload(CloseNormal, ""))
		rc.nc.Write(frame(true, 0, OpPing, []byte("Hello World!")))
		rc.expectClose(CloseNormal) // and no pong before EOF
	})
	t.Run("7.1.5/fragment-then-close", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(false, 0, OpText, []byte("fragment1"))
		rc.send(true, 0, OpClose, closePayload(CloseNormal, ""))
		rc.expectClose(CloseNormal)
	})
	t.Run("7.3.1/close-empty", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, nil)
		rc.expectClose(0)
	})
	t.Run("7.3.2/close-1-byte", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, []byte{0x03})
		rc.expectClose(CloseProtocolError)
	})
	t.Run("7.3.4/close-with-reason", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, closePayload(CloseNormal, "Hello World!"))
		rc.expectClose(CloseNormal)
	})
	t.Run("7.3.5/close-reason-123", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.send(true, 0, OpClose, closePayload(CloseNormal, strings.Repeat("*", 123)))
		rc.expectClose(CloseNormal)
	})
	t.Run("7.3.6/close-reason-124", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := append(closePayload(CloseNormal, ""), strings.Repeat("*", 124)...)
		rc.send(true, 0, OpClose, p)
		rc.expectClose(CloseProtocolError)
	})
	t.Run("7.5.1/close-reason-invalid-utf8", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := append(closePayload(CloseNormal, ""), "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"...)
		rc.send(true, 0, OpClose, p)
		rc.expectClose(CloseProtocolError)
	})
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		t.Run(fmt.Sprintf("7.7.%d/valid-code-%d", i+1, code), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			rc.send(true, 0, OpClose, closePayload(code, ""))
			rc.expectClose(code)
		})
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		t.Run(fmt.Sprintf("7.9.%d/invalid-code-%d", i+1, code), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			rc.send(true, 0, OpClose, closePayload(code, ""))
			rc.expectClose(CloseProtocolError)
		})
	}
}

func TestAutobahn9Limits(t *testing.T) {
	srv := echoServer(t, nil)
	sizes := []int{64 << 10, 256 << 10, 1 << 20, 4 << 20}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for i, op := range []OpCode{OpText, OpBinary} {
		for j, n := range sizes {
			t.Run(fmt.Sprintf("9.%d.%d/%s-%d", i+1, j+1, op, n), func(t *testing.T) {
				rc := mustDialRaw(t, srv)
				p := bytes.Repeat([]byte{'*'}, n)
				go rc.nc.Write(frame(true, 0, op, p))
				rc.expectMessage(op, p)
			})
		}
	}
	for j, chunk := range []int{64, 4096, 65536} {
		t.Run(fmt.Sprintf("9.3.%d/fragmented-1M-in-%d", j+1, chunk), func(t *testing.T) {
			rc := mustDialRaw(t, srv)
			p := bytes.Repeat([]byte{'*'}, 1<<20)
			var b []byte
			for off := 0; off < len(p); off += chunk {
				op := OpContinuation
				if off == 0 {
					op = OpText
				}
				b = append(b, frame(off+chunk >= len(p), 0, op, p[off:min(off+chunk, len(p))])...)
			}
			go rc.nc.Write(b)
			rc.expectMessage(OpText, p)
		})
	}
	t.Run("9.7/1000-small-messages", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		p := []byte(strings.Repeat("*", 16))
		var b []byte
		for range 1000 {
			b = append(b, frame(true, 0, OpText, p)...)
		}
		go rc.nc.Write(b)
		for range 1000 {
			rc.expectMessage(OpText, p)
		}
	})

	small := echoServer(t, &Upgrader{Options: Options{MaxMessageSize: 1000, MaxFrameSize: 600}})
	t.Run("limit/message-at-limit", func(t *testing.T) {
		rc := mustDialRaw(t, small)
		rc.send(false, 0, OpBinary, make([]byte, 500))
		rc.send(true, 0, OpContinuation, make([]byte, 500))
		rc.expectMessage(OpBinary, make([]byte, 1000))
	})
	t.Run("limit/frame-over-limit", func(t *testing.T) {
		rc := mustDialRaw(t, small)
		rc.send(true, 0, OpBinary, make([]byte, 601))
		rc.expectClose(CloseMessageTooBig)
	})
	t.Run("limit/message-over-limit-fragmented", func(t *testing.T) {
		rc := mustDialRaw(t, small)
		rc.send(false, 0, OpBinary, make([]byte, 600))
		rc.send(true, 0, OpContinuation, make([]byte, 401))
		rc.expectClose(CloseMessageTooBig)
	})
	t.Run("limit/huge-length-header", func(t *testing.T) {
		// A header announcing 2^62 bytes must be refused before any read.
		rc := mustDialRaw(t, srv)
		rc.write([]byte{0x82, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})
		rc.expectClose(CloseMessageTooBig)
	})
	t.Run("limit/length-msb-set", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.write([]byte{0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4})
		rc.expectClose(CloseProtocolError)
	})
	t.Run("limit/non-minimal-length", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.write([]byte{0x82, 0xfe, 0x00, 0x05, 1, 2, 3, 4, 1, 2, 3, 4, 5})
		rc.expectClose(CloseProtocolError)
	})
	t.Run("limit/unmasked-client-frame", func(t *testing.T) {
		rc := mustDialRaw(t, srv)
		rc.write([]byte{0x81, 0x02, 'h', 'i'})
		rc.expectClose(CloseProtocolError)
	})
}
