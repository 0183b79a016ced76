package bind_test

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/tako-go/tako/bind"
)

type bodyIn struct {
	ID      int      `path:"id"`
	Page    int      `query:"page"`
	Name    string   `json:"name" default:"anon"`
	Both    int      `json:"both" query:"both"`
	Tags    []string `json:"tags"`
	Address struct {
		Zip string `json:"zip" validate:"omitempty,len=5"`
	} `json:"address"`
}

func TestJSONPrecedence(t *testing.T) {
	// "Page" and "ID" in the body match the Go names encoding/json would
	// use; bind zeroes them because their tags say they come from
	// elsewhere. "both" has both tags: the query wins when present.
	src := &fakeSource{
		query: [][2]string{{"both", "2"}},
		body:  []byte(`{"Page":9,"ID":9,"both":1,"tags":["a"],"address":{"zip":"12345"}}`),
	}
	var v bodyIn
	if err := bind.Bind(src, &v); err != nil {
		t.Fatal(err)
	}
	if v.Page != 0 || v.ID != 0 || v.Both != 2 || v.Name != "anon" || !reflect.DeepEqual(v.Tags, []string{"a"}) || v.Address.Zip != "12345" {
		t.Errorf("%+v", v)
	}
	src.query = nil
	if err := bind.Bind(src, &v); err != nil || v.Both != 1 {
		t.Errorf("both from body: %v %+v", err, v)
	}
	// A query value that fails to convert does not leave the body's value.
	src.query = [][2]string{{"page", "x"}}
	v = bodyIn{}
	if err := bind.Bind(src, &v); err == nil || v.Page != 0 {
		t.Errorf("bad query value: %v, Page = %d, want an error and 0", err, v.Page)
	}
}

func TestJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		body, ctype, field, rule, msg string
	}{
		{`{"name":1}`, "application/json", "name", bind.RuleType, `body "name": JSON number is not string (offset 9)`},
		{`{"address":{"zip":5}}`, "", "address.zip", bind.RuleType, `body "address.zip": JSON number is not string`},
		{`{"name":`, "application/json", "", bind.RuleSyntax, `body: malformed JSON at offset 8`},
		{`name=x`, "text/plain", "", bind.RuleMediaType, `body: Content-Type text/plain is not JSON`},
		{`{}`, "application/json;;=", "", bind.RuleMediaType, `body: malformed Content-Type`},
		{`{"address":{"zip":"1"}}`, "application/problem+json", "address.zip", "len", `body "address.zip": must be exactly 5 characters long`},
	} {
		var v bodyIn
		err := bind.Bind(&fakeSource{body: []byte(tc.body), ctype: tc.ctype}, &v)
		var errs *bind.Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: err = %v", tc.body, err)
			continue
		}
		fe := errs.Fields[0]
		if fe.Field != tc.field || fe.Rule != tc.rule || !strings.HasPrefix(fe.Error(), "bind: "+tc.msg) {
			t.Errorf("%s: got %+v (%s), want field %q rule %q msg %q", tc.body, fe, fe.Error(), tc.field, tc.rule, tc.msg)
		}
	}
	// An empty body is no body: defaults stay.
	var v bodyIn
	if err := bind.Bind(&fakeSource{body: []byte(" \n"), ctype: "application/json"}, &v); err != nil || v.Name != "anon" {
		t.Errorf("empty body: %v %+v", err, v)
	}
}

type formIn struct {
	Name   string                  `form:"name" validate:"required"`
	Age    int                     `form:"age"`
	Tags   []string                `form:"tag"`
	Avatar *multipart.FileHeader   `form:"avatar"`
	Docs   []*multipart.FileHeader `form:"doc"`
	Page   int                     `query:"page"`
}

func TestFormURLEncoded(t *testing.T) {
	r := httptest.NewRequest("POST", "/?page=2", strings.NewReader("name=Ada+L%C3%B6&age=36&tag=a&tag=b%2Cc"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var v formIn
	if err := bind.Bind(bind.Request{R: r}, &v); err != nil {
		t.Fatal(err)
	}
	if v.Name != "Ada Lö" || v.Age != 36 || !reflect.DeepEqual(v.Tags, []string{"a", "b,c"}) || v.Page != 2 || v.Avatar != nil {
		t.Errorf("%+v", v)
	}
}

// JSON fields keep their defaults when the body is a form; a form map
// collects every field.
func TestFormDefaultsAndMap(t *testing.T) {
	type mixed struct {
		Name string              `form:"name"`
		Lang string              `json:"lang" default:"en"`
		All  map[string][]string `form:"*"`
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader("name=x&tag=1&tag=2"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var m mixed
	if err := bind.Bind(bind.Request{R: r}, &m); err != nil {
		t.Fatal(err)
	}
	if m.Name != "x" || m.Lang != "en" || !reflect.DeepEqual(m.All, map[string][]string{"name": {"x"}, "tag": {"1", "2"}}) {
		t.Errorf("%+v", m)
	}
}

func multipartBody(t testing.TB, fields map[string]string, files map[string]string) (*bytes.Buffer, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for k, v := range files {
		fw, err := w.CreateFormFile(k, k+".txt")
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, v)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestMultipart(t *testing.T) {
	body, ct := multipartBody(t, map[string]string{"name": "Ada", "age": "36"}, map[string]string{"avatar": "PNG...", "doc": "d1"})
	check := func(name string, src bind.Source) {
		var v formIn
		if err := bind.Bind(src, &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if v.Name != "Ada" || v.Age != 36 || v.Avatar == nil || v.Avatar.Filename != "avatar.txt" || len(v.Docs) != 1 {
			t.Fatalf("%s: %+v", name, v)
		}
		f, err := v.Avatar.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if string(data) != "PNG..." {
			t.Errorf("%s: avatar content %q", name, data)
		}
	}
	// bind's own parser, from the body.
	check("Body", &fakeSource{body: body.Bytes(), ctype: ct})
	// A MultipartSource: *http.Request's ParseMultipartForm.
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body.Bytes()))
	r.Header.Set("Content-Type", ct)
	check("Request", bind.Request{R: r})
	r.MultipartForm.RemoveAll()

	// Limits: a part over MaxPartSize is a size error naming the field.
	body, ct = multipartBody(t, map[string]string{"name": strings.Repeat("x", 100)}, nil)
	o := bind.Options{MaxPartSize: 10}
	var v formIn
	err := o.Bind(&fakeSource{body: body.Bytes(), ctype: ct}, &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) || errs.Fields[0].Field != "name" || errs.Fields[0].Rule != bind.RuleSize || !errs.Malformed() {
		t.Errorf("part limit: %v", err)
	}
	o = bind.Options{MaxMultipartSize: 10}
	if err := o.Bind(&fakeSource{body: body.Bytes(), ctype: ct}, &v); !errors.As(err, &errs) || errs.Fields[0].Rule != bind.RuleSize {
		t.Errorf("total limit: %v", err)
	}
	// Malformed multipart.
	for _, ct := range []string{"multipart/form-data", "multipart/form-data; boundary=zz"} {
		err := bind.Bind(&fakeSource{body: []byte("--zz\r\nbad"), ctype: ct}, &v)
		if !errors.As(err, &errs) || !errs.Malformed() {
			t.Errorf("%s: %v", ct, err)
		}
	}
}

func TestRequestSource(t *testing.T) {
	type in struct {
		ID     int               `path:"id"`
		Q      []string          `query:"q"`
		Esc    string            `query:"a b"`
		Lang   string            `header:"accept-language"`
		Multi  []string          `header:"X-Multi"`
		Sess   string            `cookie:"sid"`
		Cookie map[string]string `cookie:"*"`
	}
	r := httptest.NewRequest("GET", "/x?q=1&q=2&a+b=%7E", nil)
	r.SetPathValue("id", "12")
	r.Header.Set("Accept-Language", "fr")
	r.Header.Add("X-Multi", "1")
	r.Header.Add("X-Multi", "2")
	r.Header.Add("Cookie", "a=1; sid=s3")
	var v in
	if err := bind.Bind(bind.Request{R: r}, &v); err != nil {
		t.Fatal(err)
	}
	want := in{12, []string{"1", "2"}, "~", "fr", []string{"1", "2"}, "s3", map[string]string{"a": "1", "sid": "s3"}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %+v\nwant %+v", v, want)
	}
	rp := &bind.RequestParams{R: r, Params: func(name string) (string, bool) { return "34", name == "id" }}
	if err := bind.Bind(rp, &v); err != nil || v.ID != 34 {
		t.Errorf("RequestParams: %v %d", err, v.ID)
	}
	// Body limit.
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"a":"`+strings.Repeat("x", 100)+`"}`))
	r.ContentLength = -1
	rp = &bind.RequestParams{R: r, MaxBody: 10}
	var b struct {
		A string `json:"a"`
	}
	if err := bind.Bind(rp, &b); !errors.Is(err, bind.ErrBodyTooLarge) {
		t.Errorf("body limit: %v", err)
	}
}
