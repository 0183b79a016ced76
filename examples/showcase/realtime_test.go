package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/sse"
	"github.com/tako-go/tako/ws"
)

// serveShowcase serves the showcase on a loopback listener with engine e.
func serveShowcase(t *testing.T, e tako.Engine) (*tako.App, string, chan error) {
	t.Helper()
	app := newApp(tako.Config{Engine: e})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	return app, ln.Addr().String(), served
}

// readChat reads the next chat message from a room WebSocket.
func readChat(t *testing.T, conn *ws.Conn) chatMessage {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("reading chat: %v", err)
	}
	var m chatMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("chat message %q: %v", b, err)
	}
	return m
}

// nextChatEvent reads the event stream up to the next "chat" event (skipping ticks and
// comments) and returns its id and data.
func nextChatEvent(br *bufio.Reader) (id, data string, err error) {
	var event string
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if event == "chat" {
				return id, data, nil
			}
			id, data, event = "", "", ""
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "event: "):
			event = line[7:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		}
	}
}

func TestRealtime(t *testing.T) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			app, addr, served := serveShowcase(t, e)
			base := "http://" + addr

			for _, p := range []string{"/chat", "/live"} {
				resp, err := http.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "<script>") {
					t.Errorf("GET %s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
			}

			// The live stream, opened first: the subscription exists once the headers arrive.
			tr := &http.Transport{DisableCompression: true}
			defer tr.CloseIdleConnections()
			resp, err := (&http.Client{Transport: tr}).Get(base + "/live/events")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
				t.Fatalf("live events Content-Type %q", ct)
			}
			events := bufio.NewReader(resp.Body)

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			d := ws.Dialer{Compression: &ws.CompressionOptions{}}
			ann, _, err := d.Dial(ctx, "ws://"+addr+"/chat/ws?name=ann")
			if err != nil {
				t.Fatal(err)
			}
			defer ann.Close()
			if m := readChat(t, ann); m != (chatMessage{Text: "ann joined"}) {
				t.Fatalf("ann got %+v, want her join notice", m)
			}
			bob, _, err := (&ws.Dialer{}).Dial(ctx, "ws://"+addr+"/chat/ws?name=bob")
			if err != nil {
				t.Fatal(err)
			}
			defer bob.Close()
			for _, c := range []*ws.Conn{ann, bob} { // bob is in the room once he sees this
				if m := readChat(t, c); m != (chatMessage{Text: "bob joined"}) {
					t.Fatalf("got %+v, want bob's join notice", m)
				}
			}

			if err := ann.WriteMessage(ws.Text, []byte("  hello, room  ")); err != nil {
				t.Fatal(err)
			}
			want := chatMessage{Name: "ann", Text: "hello, room"}
			for _, c := range []*ws.Conn{ann, bob} {
				if m := readChat(t, c); m != want {
					t.Errorf("got %+v, want %+v", m, want)
				}
			}
			wantData, _ := json.Marshal(want)
			for _, notice := range []string{"ann joined", "bob joined", "hello, room"} {
				id, data, err := nextChatEvent(events)
				if err != nil {
					t.Fatalf("live stream, waiting for %q: %v", notice, err)
				}
				if notice == "hello, room" && data != string(wantData) {
					t.Errorf("live event %s: %s, want %s", id, data, wantData)
				} else if !strings.Contains(data, notice) {
					t.Errorf("live event %s: %s, want %q", id, data, notice)
				}
			}

			// Shutdown with a WebSocket and an event stream open: the WebSockets get 1001,
			// the stream ends, and Shutdown returns in time.
			shut := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				shut <- app.Shutdown(ctx)
			}()
			for name, c := range map[string]*ws.Conn{"ann": ann, "bob": bob} {
				var err error
				for err == nil { // skip anything still queued, such as "... left" notices
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					_, _, err = c.ReadMessage()
				}
				var ce *ws.CloseError
				if !errors.As(err, &ce) || ce.Code != ws.CloseGoingAway {
					t.Errorf("%s at shutdown: %v, want close 1001", name, err)
				}
			}
			for {
				if _, _, err := nextChatEvent(events); err != nil {
					break // the stream ended
				}
			}
			if err := <-shut; err != nil {
				t.Errorf("Shutdown: %v", err)
			}
			if err := <-served; err != nil {
				t.Errorf("Serve: %v", err)
			}
		})
	}
}

// TestRoomDropsSlowMember checks that broadcast never blocks on a member whose queue is
// full: the member is dropped and its writer told to close the connection.
func TestRoomDropsSlowMember(t *testing.T) {
	r := &room{hub: sse.NewHub(nil), members: map[*member]struct{}{}}
	defer r.hub.Close()
	slow := &member{out: make(chan *ws.PreparedMessage, 1), slow: make(chan struct{}), quit: make(chan struct{})}
	fast := &member{out: make(chan *ws.PreparedMessage, 2), slow: make(chan struct{}), quit: make(chan struct{})}
	r.add(slow)
	r.add(fast)
	r.broadcast(chatMessage{Name: "a", Text: "one"}) // fills slow's queue
	r.broadcast(chatMessage{Name: "a", Text: "two"}) // slow is dropped here
	select {
	case <-slow.slow:
	default:
		t.Fatal("the slow member was not told to go")
	}
	select {
	case <-fast.slow:
		t.Fatal("the member keeping up was dropped")
	default:
	}
	r.mu.Lock()
	_, stillIn := r.members[slow]
	n := len(r.members)
	r.mu.Unlock()
	if stillIn || n != 1 {
		t.Errorf("room has %d members (slow one still in: %v), want only the fast one", n, stillIn)
	}
	if len(fast.out) != 2 {
		t.Errorf("fast member has %d queued messages, want 2", len(fast.out))
	}
}
