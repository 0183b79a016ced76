package sse_test

import (
	"fmt"

	"github.com/tako-go/tako/sse"
)

func ExampleAppendEvent() {
	e := sse.Event{ID: "42", Event: "chat", Data: []byte("first line\nsecond line")}
	fmt.Print(string(sse.AppendEvent(nil, &e)))
	// Output:
	// id: 42
	// event: chat
	// data: first line
	// data: second line
}

func ExampleHub() {
	hub := sse.NewHub(&sse.HubOptions{QueueSize: 16})
	defer hub.Close()
	// http.Handle("/events", hub) serves it; here a subscription is read directly.
	sub, _ := hub.Subscribe("")
	hub.Publish(sse.Event{Data: []byte("hello")})
	for _, wire := range sub.Drain(nil) {
		fmt.Print(string(wire))
	}
	// Output:
	// id: 1
	// data: hello
}
