package fastbind_test

import (
	"bytes"
	"mime/multipart"
	"reflect"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/tako-go/tako/bind"
	"github.com/tako-go/tako/bind/fastbind"
)

func newFastCtx(uri, ctype string, body []byte) *fasthttp.RequestCtx {
	c := &fasthttp.RequestCtx{}
	c.Request.Header.SetMethod("POST")
	c.Request.SetRequestURI(uri)
	if ctype != "" {
		c.Request.Header.SetContentType(ctype)
	}
	c.Request.SetBody(body)
	return c
}

func TestSource(t *testing.T) {
	type in struct {
		ID     int               `path:"id"`
		Q      []int             `query:"q"`
		Esc    string            `query:"a b"`
		Lang   string            `header:"accept-language"`
		Multi  []string          `header:"X-Multi"`
		Sess   string            `cookie:"sid"`
		Cookie map[string]string `cookie:"*"`
		Name   string            `json:"name"`
	}
	c := newFastCtx("/x?q=1&q=2,3&a+b=%7E", "application/json", []byte(`{"name":"Ada"}`))
	c.SetUserValue("id", "12")
	c.Request.Header.Set("Accept-Language", "fr")
	c.Request.Header.Add("X-Multi", "1")
	c.Request.Header.Add("X-Multi", "2")
	c.Request.Header.Set("Cookie", "a=1; sid=s3")
	var v in
	if err := bind.Bind(fastbind.Source{C: c}, &v); err != nil {
		t.Fatal(err)
	}
	want := in{12, []int{1, 2, 3}, "~", "fr", []string{"1", "2"}, "s3", map[string]string{"a": "1", "sid": "s3"}, "Ada"}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v\nwant %+v", v, want)
	}
	// Safe mode copies: recycling the request leaves the bound values.
	c.Request.Reset()
	c.Request.SetRequestURI("/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
	if !reflect.DeepEqual(v, want) {
		t.Errorf("bound values changed with the request: %+v", v)
	}
}

func TestMultipart(t *testing.T) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("name", "Ada")
	w.WriteField("age", "36")
	fw, _ := w.CreateFormFile("avatar", "a.png")
	fw.Write([]byte("PNG..."))
	w.Close()
	c := newFastCtx("/", w.FormDataContentType(), body.Bytes())
	var v struct {
		Name   string                `form:"name"`
		Age    int                   `form:"age"`
		Avatar *multipart.FileHeader `form:"avatar"`
	}
	if err := bind.Bind(fastbind.Source{C: c}, &v); err != nil {
		t.Fatal(err)
	}
	if v.Name != "Ada" || v.Age != 36 || v.Avatar == nil || v.Avatar.Size != 6 {
		t.Errorf("%+v", v)
	}
}

func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation allocates")
	}
	type in struct {
		ID    int64  `path:"id"`
		Page  int    `query:"page" validate:"min=1"`
		Sort  string `query:"sort"`
		Trace string `header:"X-Trace-Id"`
		Sess  string `cookie:"sid"`
		Name  string `json:"name" validate:"required"`
	}
	c := newFastCtx("/u/7?page=2&sort=name", "application/json", []byte(`{"name":"Ada"}`))
	c.SetUserValue("id", "7")
	c.Request.Header.Set("X-Trace-Id", "t")
	c.Request.Header.Set("Cookie", "sid=s")
	var v in
	zc := bind.Options{ZeroCopy: true}
	if err := zc.Bind(fastbind.Source{C: c}, &v); err != nil || v.Name != "Ada" || v.ID != 7 || v.Sess != "s" {
		t.Fatal(err, v)
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := zc.Bind(fastbind.Source{C: c}, &v); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("zero-copy FastHTTP Bind allocates %v times, want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() {
		if err := bind.Bind(fastbind.Source{C: c}, &v); err != nil {
			t.Fatal(err)
		}
	}); n != 0 && !race {
		t.Errorf("safe FastHTTP Bind allocates %v times per call, want 0 (strings share pooled chunks)", n)
	}
}
