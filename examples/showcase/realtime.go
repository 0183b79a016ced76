package main

import (
	"encoding/json"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/sse"
	"github.com/tako-go/tako/ws"
)

// The real-time part of the showcase: a chat room over WebSocket (/chat) and a live event
// stream over Server-Sent Events (/live) that shows every chat message and a clock tick.
//
//	GET /chat           the chat page
//	GET /chat/ws?name=  the room's WebSocket: send text, receive {"name","text"} JSON
//	GET /live           the live event page
//	GET /live/events    the event stream (events "chat" and "tick"; resumes with Last-Event-ID)
//
// On shutdown the hub closes, which ends every event stream, and Tako closes every
// WebSocket with 1001 (going away).

// Chat limits: a message longer than maxChatText runes is cut; a member whose outgoing
// queue holds memberQueue messages is too slow and is disconnected.
const (
	maxChatText = 500
	maxChatName = 32
	memberQueue = 64
)

// tickInterval is how often the live stream gets a clock tick.
var tickInterval = 5 * time.Second

// chatMessage is what the room broadcasts; Name is empty for the room's own notices.
type chatMessage struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// room is the chat room: its members' outgoing queues and the hub that mirrors the chat
// to the live event stream.
type room struct {
	hub     *sse.Hub
	up      ws.Upgrader
	mu      sync.Mutex
	members map[*member]struct{}
}

// member is one WebSocket in the room; a writer goroutine drains out.
type member struct {
	out  chan *ws.PreparedMessage
	slow chan struct{} // closed by broadcast when out is full: the member is dropped
	quit chan struct{} // closed when the member's connection ends
}

// registerRealtime adds the chat and live-stream routes to app. The hub and the ticker stop
// when the App shuts down.
func registerRealtime(app *tako.App) *room {
	r := &room{
		hub:     sse.NewHub(nil),
		members: map[*member]struct{}{},
		up: ws.Upgrader{
			Compression: &ws.CompressionOptions{},
			Options:     ws.Options{MaxMessageSize: 4 << 10},
		},
	}
	app.Get("/chat", page(chatPage))
	app.Get("/chat/ws", r.join)
	app.Get("/live", page(livePage))
	app.Get("/live/events", tako.ServeHub(r.hub))
	go func() {
		t := time.NewTicker(tickInterval)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				r.hub.Publish(sse.Event{Event: "tick", Data: []byte(now.UTC().Format(time.TimeOnly))})
			case <-app.Done():
				r.hub.Close()
				return
			}
		}
	}()
	return r
}

func page(html string) tako.Handler {
	return func(c *tako.Ctx) error {
		return c.Bytes("text/html; charset=utf-8", []byte(html))
	}
}

// join upgrades to a WebSocket and keeps the member in the room until it leaves. The name
// is copied before Upgrade: on the FastHTTP engine the connection function runs after the
// handler has returned and c has been recycled.
func (r *room) join(c *tako.Ctx) error {
	name := clip(strings.TrimSpace(c.QueryCopy("name")), maxChatName)
	if name == "" {
		name = "anonymous"
	}
	return c.Upgrade(&r.up, func(conn *ws.Conn) {
		m := &member{out: make(chan *ws.PreparedMessage, memberQueue), slow: make(chan struct{}), quit: make(chan struct{})}
		writerDone := make(chan struct{})
		go func() { // the one writer of conn besides Tako's close on shutdown
			defer close(writerDone)
			for {
				select {
				case pm := <-m.out:
					conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
					if err := conn.WritePreparedMessage(pm); err != nil {
						conn.Close() // unblocks the reader below
						return
					}
				case <-m.slow:
					conn.WriteClose(ws.ClosePolicyViolation, "too slow")
					conn.Close()
					return
				case <-m.quit:
					return
				}
			}
		}()
		r.add(m)
		r.broadcast(chatMessage{Text: name + " joined"})
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				break
			}
			if text := clip(strings.TrimSpace(string(msg)), maxChatText); text != "" {
				r.broadcast(chatMessage{Name: name, Text: text})
			}
		}
		r.remove(m)
		close(m.quit)
		<-writerDone
		r.broadcast(chatMessage{Text: name + " left"})
	})
}

func (r *room) add(m *member) {
	r.mu.Lock()
	r.members[m] = struct{}{}
	r.mu.Unlock()
}

func (r *room) remove(m *member) {
	r.mu.Lock()
	delete(r.members, m)
	r.mu.Unlock()
}

// broadcast sends msg to every member (framed once) and to the live event stream. It never
// blocks on a member: one whose queue is full is dropped.
func (r *room) broadcast(msg chatMessage) {
	data, _ := json.Marshal(msg)
	pm, err := ws.NewPreparedMessage(ws.Text, data)
	if err != nil {
		return
	}
	r.mu.Lock()
	for m := range r.members {
		select {
		case m.out <- pm:
		default:
			delete(r.members, m)
			close(m.slow)
		}
	}
	r.mu.Unlock()
	r.hub.Publish(sse.Event{Event: "chat", Data: data})
}

// clip cuts s to at most n runes, dropping invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

const chatPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tako chat</title>
<style>
body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
#log{border:1px solid #ccc;height:20rem;overflow-y:auto;padding:.5rem;margin:.5rem 0}
#log p{margin:.2rem 0}.sys{color:#777;font-style:italic}
input{font:inherit}#text{width:70%}
</style></head><body>
<h1>Tako chat</h1>
<p><a href="/live">live event stream</a> &middot; status: <span id="status">not connected</span></p>
<form id="join"><input id="name" placeholder="your name" maxlength="32" required> <button>Join</button></form>
<div id="log"></div>
<form id="send" hidden><input id="text" placeholder="message" maxlength="500" autocomplete="off"> <button>Send</button></form>
<script>
const log = document.getElementById("log"), status = document.getElementById("status");
function show(m) {
  const p = document.createElement("p");
  if (m.name) { const b = document.createElement("b"); b.textContent = m.name + ": "; p.append(b, m.text); }
  else { p.className = "sys"; p.textContent = m.text; }
  log.append(p); log.scrollTop = log.scrollHeight;
}
let sock;
document.getElementById("join").onsubmit = e => {
  e.preventDefault();
  const name = document.getElementById("name").value;
  sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/chat/ws?name=" + encodeURIComponent(name));
  sock.onopen = () => { status.textContent = "connected as " + name; document.getElementById("join").hidden = true; document.getElementById("send").hidden = false; document.getElementById("text").focus(); };
  sock.onmessage = ev => show(JSON.parse(ev.data));
  sock.onclose = ev => { status.textContent = "closed (" + ev.code + (ev.reason ? " " + ev.reason : "") + ")"; document.getElementById("send").hidden = true; document.getElementById("join").hidden = false; };
};
document.getElementById("send").onsubmit = e => {
  e.preventDefault();
  const t = document.getElementById("text");
  if (t.value.trim() !== "" && sock) sock.send(t.value);
  t.value = "";
};
</script></body></html>
`

const livePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tako live events</title>
<style>
body{font:16px system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
#events{list-style:none;padding:0}#events li{border-bottom:1px solid #eee;padding:.2rem 0}
.tick{color:#777}.id{color:#aaa;font-size:80%;margin-right:.5rem}
</style></head><body>
<h1>Live event stream</h1>
<p>Server-Sent Events from the chat room (<a href="/chat">join it</a>) and a clock tick.
Status: <span id="status">connecting</span></p>
<ul id="events"></ul>
<script>
const list = document.getElementById("events"), status = document.getElementById("status");
const es = new EventSource("/live/events"); // reconnects by itself, resuming with Last-Event-ID
es.onopen = () => status.textContent = "open";
es.onerror = () => status.textContent = es.readyState === EventSource.CLOSED ? "closed" : "reconnecting";
function add(kind, id, text) {
  const li = document.createElement("li"), s = document.createElement("span");
  li.className = kind; s.className = "id"; s.textContent = "#" + id;
  li.append(s, text); list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}
es.addEventListener("chat", ev => { const m = JSON.parse(ev.data); add("chat", ev.lastEventId, (m.name ? m.name + ": " : "") + m.text); });
es.addEventListener("tick", ev => add("tick", ev.lastEventId, "tick " + ev.data));
</script></body></html>
`
