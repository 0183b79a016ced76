package parse_test

import (
	"errors"
	"fmt"

	"github.com/tako-go/tako/parse"
)

func ExampleUnmarshal() {
	type User struct {
		ID   int    `json:"id"`
		Name string `json:"name"`
	}
	var v struct {
		User User `json:"user"`
	}
	err := parse.Unmarshal([]byte(`{"user":{"id":7,"name":"tako"}}`), &v)
	fmt.Println(v.User.ID, v.User.Name, err)

	err = parse.Unmarshal([]byte(`{"user":{"id":"7"}}`), &v)
	var je *parse.JSONError
	if errors.As(err, &je) {
		fmt.Println(je.Field, je.Offset)
	}
	fmt.Println(err)
	// Output:
	// 7 tako <nil>
	// user.id 17
	// parse: json: cannot unmarshal string into Go struct field User.user.id of type int at offset 17
}

func ExampleJSON() {
	// Per-route configuration: encoding/json below 4 KiB, the fast
	// backends from there on, strings aliasing the request body.
	route := parse.JSON{Mode: parse.JSONThreshold, Threshold: 4 << 10, ZeroCopy: true}
	var m map[string]any
	err := route.Unmarshal([]byte(`{"a":[1,2]}`), &m)
	fmt.Println(m, err)
	// Output: map[a:[1 2]] <nil>
}

func ExampleAppendJSON() {
	buf := make([]byte, 0, 512) // e.g. a pooled response buffer
	buf, err := parse.AppendJSON(buf[:0], &struct {
		Msg string `json:"msg"`
	}{"<hi>"})
	fmt.Println(string(buf), err)
	// Output: {"msg":"\u003chi\u003e"} <nil>
}

func ExampleGetJSON() {
	doc := []byte(`{"statuses":[{"user":{"screen_name":"tako"}}],"count":1}`)
	raw, err := parse.GetJSON(doc, "statuses", 0, "user", "screen_name")
	fmt.Println(string(raw), err)
	// Output: "tako" <nil>
}
