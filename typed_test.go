package tako_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

type createUser struct {
	Org     int64    `path:"org"`
	Dry     bool     `query:"dry"`
	Tags    []string `query:"tag"`
	TraceID string   `header:"X-Trace-Id"`
	Session string   `cookie:"sid"`
	Name    string   `json:"name" validate:"required,max=10"`
	Email   string   `json:"email" validate:"required,email"`
	Age     int      `json:"age" validate:"min=0,max=150"`
}

type user struct {
	ID    int64    `json:"id"`
	Org   int64    `json:"org"`
	Name  string   `json:"name"`
	Email string   `json:"email"`
	Tags  []string `json:"tags"`
	Trace string   `json:"trace"`
	Sess  string   `json:"session"`
	Dry   bool     `json:"dry"`
}

func TestHandleTyped(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Post("/orgs/:org/users", tako.Handle(func(c *tako.Ctx, in createUser) (user, error) {
			if in.Name == "taken" {
				return user{}, tako.NewError(http.StatusConflict, "name taken")
			}
			c.Status(http.StatusCreated)
			return user{ID: 7, Org: in.Org, Name: in.Name, Email: in.Email, Tags: in.Tags, Trace: in.TraceID, Sess: in.Session, Dry: in.Dry}, nil
		}))
		app.Delete("/things/:id", tako.Handle(func(c *tako.Ctx, _ struct{}) (struct{}, error) { return struct{}{}, nil }))
		h.start()

		r := h.do("POST", "/orgs/42/users?dry=true&tag=a&tag=b", strings.NewReader(`{"name":"alice","email":"a@example.com","age":30}`),
			"Content-Type: application/json", "X-Trace-Id: t-1", "Cookie: sid=s-9")
		if r.status != 201 || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("got %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
		}
		var got user
		if err := json.Unmarshal([]byte(r.body), &got); err != nil {
			t.Fatal(err)
		}
		want := user{ID: 7, Org: 42, Name: "alice", Email: "a@example.com", Tags: []string{"a", "b"}, Trace: "t-1", Sess: "s-9", Dry: true}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}

		// Validation: 422 naming every failing field by its wire name.
		r = h.do("POST", "/orgs/42/users", strings.NewReader(`{"name":"a name that is too long","email":"nope","age":200}`), "Content-Type: application/json")
		if r.status != 422 {
			t.Errorf("validation: %d %q", r.status, r.body)
		}
		for _, f := range []string{`\"name\"`, `\"email\"`, `\"age\"`} {
			if !strings.Contains(r.body, f) {
				t.Errorf("validation problem %q does not name %s", r.body, f)
			}
		}
		// The problem document lists the fields in an "errors" member (RFC 9457 extension).
		var problem struct {
			Status int `json:"status"`
			Errors []struct {
				Field, In, Rule, Param, Message string
			} `json:"errors"`
		}
		if err := json.Unmarshal([]byte(r.body), &problem); err != nil {
			t.Fatalf("validation problem %q: %v", r.body, err)
		}
		var listed []string
		for _, e := range problem.Errors {
			if e.In != "body" || e.Message == "" {
				t.Errorf("field error %+v: want in=body and a message", e)
			}
			listed = append(listed, e.Field+":"+e.Rule+"="+e.Param)
		}
		if want := []string{"name:max=10", "email:email=", "age:max=150"}; !reflect.DeepEqual(listed, want) {
			t.Errorf("problem errors %v, want %v (body %s)", listed, want, r.body)
		}
		if r := h.do("POST", "/orgs/x/users", strings.NewReader(`{"name":"a","email":"a@example.com"}`), "Content-Type: application/json"); r.status != 400 || !strings.Contains(r.body, "org") {
			t.Errorf("bad path param: %d %q", r.status, r.body)
		}
		if r := h.do("POST", "/orgs/1/users", strings.NewReader(`{"name":`), "Content-Type: application/json"); r.status != 400 {
			t.Errorf("malformed JSON: %d %q", r.status, r.body)
		}
		if r := h.do("POST", "/orgs/1/users", strings.NewReader(`name=a`), "Content-Type: text/plain"); r.status != 415 {
			t.Errorf("wrong media type: %d %q", r.status, r.body)
		}
		if r := h.do("POST", "/orgs/1/users", strings.NewReader(`{"name":"taken","email":"a@example.com"}`), "Content-Type: application/json"); r.status != 409 {
			t.Errorf("handler error: %d %q", r.status, r.body)
		}
		expect(t, h.do("DELETE", "/things/1", nil), 204, "")
	})
}

func TestOperations(t *testing.T) {
	app := tako.New()
	create := tako.Handle(func(c *tako.Ctx, in createUser) (user, error) { return user{}, nil })
	other := tako.Handle(func(c *tako.Ctx, in createUser) (user, error) { return user{}, nil })
	plain := func(c *tako.Ctx) error { return nil }
	app.Post("/users", create)
	api := app.Group("/api")
	api.Get("/plain", plain)
	sub := tako.New()
	sub.Put("/x", tako.Handle(func(c *tako.Ctx, in struct{}) (int, error) { return 1, nil }))
	app.Mount("/sub", sub)
	app.Patch("/other", other)

	ops := app.Operations()
	in, out := reflect.TypeFor[createUser](), reflect.TypeFor[user]()
	want := []tako.Operation{
		{Method: "POST", Pattern: "/users", Types: tako.HandlerTypes{In: in, Out: out}},
		{Method: "GET", Pattern: "/api/plain"},
		{Method: "PUT", Pattern: "/sub/x", Types: tako.HandlerTypes{In: reflect.TypeFor[struct{}](), Out: reflect.TypeFor[int]()}},
		{Method: "PATCH", Pattern: "/other", Types: tako.HandlerTypes{In: in, Out: out}},
	}
	if !reflect.DeepEqual(ops, want) {
		t.Errorf("Operations:\n got %+v\nwant %+v", ops, want)
	}
	if _, ok := tako.TypesOf(plain); ok {
		t.Error("TypesOf reports types for a plain handler")
	}
	if ty, ok := tako.TypesOf(other); !ok || ty.In != in {
		t.Errorf("TypesOf(other) = %v, %v", ty, ok)
	}
}

func TestWithJSON(t *testing.T) {
	type in struct {
		A int `json:"a"`
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		handle := func(c *tako.Ctx) error {
			var v in
			if err := c.BindJSON(&v); err != nil {
				return err
			}
			return c.Text(c.JSONConfig().Mode.String() + " " + string(rune('0'+v.A)))
		}
		app.Post("/default", handle)
		app.Post("/simd", handle, tako.WithJSON(parse.JSON{Mode: parse.JSONAlways}))
		app.Post("/strict", handle, tako.WithJSON(parse.JSON{Mode: parse.JSONNever, DisallowUnknownFields: true}))
		app.Post("/typed", tako.Handle(func(c *tako.Ctx, v in) (in, error) { return v, nil }),
			tako.WithJSON(parse.JSON{DisallowUnknownFields: true}))
		h.start()
		body := `{"a":3,"extra":true}`
		expect(t, h.do("POST", "/default", strings.NewReader(body), "Content-Type: application/json"), 200, parse.JSONAuto.String()+" 3")
		expect(t, h.do("POST", "/simd", strings.NewReader(body), "Content-Type: application/json"), 200, parse.JSONAlways.String()+" 3")
		if r := h.do("POST", "/strict", strings.NewReader(body), "Content-Type: application/json"); r.status != 400 || !strings.Contains(r.body, "extra") {
			t.Errorf("strict route accepted an unknown field: %d %q", r.status, r.body)
		}
		expect(t, h.do("POST", "/strict", strings.NewReader(`{"a":4}`), "Content-Type: application/json"), 200, parse.JSONNever.String()+" 4")
		if r := h.do("POST", "/typed", strings.NewReader(body), "Content-Type: application/json"); r.status != 400 {
			t.Errorf("typed strict route accepted an unknown field: %d %q", r.status, r.body)
		}
		expect(t, h.do("POST", "/typed", strings.NewReader(`{"a":5}`), "Content-Type: application/json"), 200, `{"a":5}`)
	})
}

func TestBindForm(t *testing.T) {
	type signup struct {
		Name   string   `form:"name" validate:"required"`
		Age    int      `form:"age" validate:"min=18"`
		Topics []string `form:"topic"`
		Lang   string   `header:"Accept-Language"`
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Post("/", func(c *tako.Ctx) error {
			in, err := tako.BindInto[signup](c)
			if err != nil {
				return err
			}
			return c.Text(in.Name + " " + strconv.Itoa(in.Age) + " " + strings.Join(in.Topics, ",") + " " + in.Lang)
		})
		h.start()
		ct := "Content-Type: application/x-www-form-urlencoded"
		expect(t, h.do("POST", "/", strings.NewReader("name=ann+lee&age=30&topic=go&topic=http"), ct, "Accept-Language: de"),
			200, "ann lee 30 go,http de")
		if r := h.do("POST", "/", strings.NewReader("name=&age=12"), ct); r.status != 422 ||
			!strings.Contains(r.body, `form \"name\"`) || !strings.Contains(r.body, `form \"age\"`) {
			t.Errorf("validation: %d %q", r.status, r.body)
		}
		if r := h.do("POST", "/", strings.NewReader("name=a&age=old"), ct); r.status != 400 {
			t.Errorf("type error: %d %q", r.status, r.body)
		}
		mct, body := multipartBody(t, [][2]string{{"name", "bob"}, {"age", "40"}, {"topic", "x"}}, nil)
		expect(t, h.do("POST", "/", body, "Content-Type: "+mct), 200, "bob 40 x ")
	})
}

func TestHandlePointerAndProto(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Post("/ptr/:org", tako.Handle(func(c *tako.Ctx, in *createUser) (*user, error) {
			return &user{Org: in.Org, Name: in.Name}, nil
		}))
		app.Post("/pb", tako.Handle(func(c *tako.Ctx, in *structpb.Struct) (*structpb.Struct, error) {
			in.Fields["seen"] = structpb.NewBoolValue(true)
			return in, nil
		}))
		h.start()
		r := h.do("POST", "/ptr/5", strings.NewReader(`{"name":"bo","email":"b@example.com"}`), "Content-Type: application/json")
		expect(t, r, 200, `{"id":0,"org":5,"name":"bo","email":"","tags":null,"trace":"","session":"","dry":false}`)
		if r := h.do("POST", "/ptr/5", strings.NewReader(`{"email":"b@example.com"}`), "Content-Type: application/json"); r.status != 422 {
			t.Errorf("pointer In validation: %d %q", r.status, r.body)
		}

		in, _ := structpb.NewStruct(map[string]any{"a": 1.5})
		want, _ := structpb.NewStruct(map[string]any{"a": 1.5, "seen": true})
		body, _ := proto.Marshal(in)
		r = h.do("POST", "/pb", bytes.NewReader(body), "Content-Type: application/x-protobuf", "Accept: application/x-protobuf")
		got := &structpb.Struct{}
		if r.status != 200 || r.header.Get("Content-Type") != "application/x-protobuf" || proto.Unmarshal([]byte(r.body), got) != nil || !proto.Equal(got, want) {
			t.Errorf("protobuf in and out: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
		}
		r = h.do("POST", "/pb", strings.NewReader(`{"a":1.5}`), "Content-Type: application/json")
		var m map[string]any
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(r.body), &m) != nil ||
			!reflect.DeepEqual(m, map[string]any{"a": 1.5, "seen": true}) {
			t.Errorf("protojson in and out: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
		}
		r = h.do("POST", "/pb", bytes.NewReader(body), "Content-Type: application/protobuf")
		if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("protobuf in, JSON out by default: %d %q", r.status, r.header.Get("Content-Type"))
		}
		if r := h.do("POST", "/pb", strings.NewReader(`{"a":`), "Content-Type: application/json"); r.status != 400 {
			t.Errorf("bad protojson: %d", r.status)
		}
		if r := h.do("POST", "/pb", strings.NewReader(`a`), "Content-Type: text/plain"); r.status != 415 {
			t.Errorf("text body: %d", r.status)
		}
	})
}
