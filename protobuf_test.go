package tako_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/tako-go/tako"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestProtobuf(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxBodyBytes: 1 << 10})
		app.Post("/echo", func(c *tako.Ctx) error {
			in := &structpb.Struct{}
			if err := c.BindProto(in); err != nil {
				return err
			}
			in.Fields["seen"] = structpb.NewBoolValue(true)
			return c.Status(201).Proto(in)
		})
		h.start()
		in, err := structpb.NewStruct(map[string]any{"name": "alice", "age": 42, "tags": []any{"a", "b"}})
		if err != nil {
			t.Fatal(err)
		}
		body, err := proto.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, ct := range []string{"application/x-protobuf", "application/protobuf", "Application/Protobuf; proto=x"} {
			r := h.do("POST", "/echo", bytes.NewReader(body), "Content-Type: "+ct)
			if r.status != 201 || r.header.Get("Content-Type") != "application/x-protobuf" {
				t.Fatalf("%s: %d %q %q", ct, r.status, r.header.Get("Content-Type"), r.body)
			}
			out := &structpb.Struct{}
			if err := proto.Unmarshal([]byte(r.body), out); err != nil {
				t.Fatal(err)
			}
			in.Fields["seen"] = structpb.NewBoolValue(true)
			if !proto.Equal(in, out) {
				t.Errorf("%s: echoed %v, want %v", ct, out, in)
			}
			delete(in.Fields, "seen")
		}
		if r := h.do("POST", "/echo", bytes.NewReader(body), "Content-Type: application/json"); r.status != 415 {
			t.Errorf("JSON content type: %d", r.status)
		}
		if r := h.do("POST", "/echo", strings.NewReader("\xff\xff\xff"), "Content-Type: application/x-protobuf"); r.status != 400 || !strings.Contains(r.body, "invalid protobuf body") {
			t.Errorf("garbage: %d %q", r.status, r.body)
		}
		big, _ := proto.Marshal(wrapperspb.String(strings.Repeat("x", 2<<10)))
		if r := h.do("POST", "/echo", bytes.NewReader(big), "Content-Type: application/x-protobuf"); r.status != 413 {
			t.Errorf("over MaxBodyBytes: %d", r.status)
		}
	})
}
