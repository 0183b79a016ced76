package bind_test

import (
	"bytes"
	"errors"
	"mime/multipart"
	"testing"
	"time"

	"github.com/tako-go/tako/bind"
)

// fuzzIn is the fixed struct the fuzz targets bind into: every field kind,
// from the query and from a form.
type fuzzIn struct {
	S    string            `query:"s" validate:"omitempty,max=8"`
	I    int8              `query:"i" validate:"omitempty,min=-3"`
	U    uint16            `query:"u" default:"7"`
	F    float32           `query:"f"`
	B    bool              `query:"b"`
	T    time.Time         `query:"t"`
	D    time.Duration     `query:"d"`
	P    *int              `query:"p"`
	L    []int             `query:"l"`
	SL   []string          `query:"sl,split" validate:"max=3"`
	M    map[string]string `query:"*"`
	Mail string            `query:"mail" validate:"omitempty,email"`
	URL  string            `query:"url" validate:"omitempty,url"`
	Pat  string            `query:"pat" pattern:"^[a-z]*$"`
}

type fuzzForm struct {
	Name  string                  `form:"name" validate:"omitempty,min=2"`
	N     int                     `form:"n"`
	Tags  []uint8                 `form:"tag"`
	All   map[string][]string     `form:"*"`
	File  *multipart.FileHeader   `form:"file"`
	Files []*multipart.FileHeader `form:"files"`
}

// checkBindErr fails unless err is nil or an *Errors whose every entry names
// a field or is a whole-body error.
func checkBindErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var errs *bind.Errors
	if !errors.As(err, &errs) || len(errs.Fields) == 0 {
		t.Fatalf("error is not *bind.Errors: %v", err)
	}
	for _, fe := range errs.Fields {
		if fe.Rule == "" || fe.Message == "" || fe.In == 0 {
			t.Fatalf("incomplete field error %+v", fe)
		}
		if fe.Field == "" && fe.In != bind.InBody && fe.In != bind.InForm {
			t.Fatalf("field error without a field name: %+v", fe)
		}
	}
}

func FuzzQuery(f *testing.F) {
	for _, s := range queryCases {
		f.Add(s)
	}
	f.Add("s=abc&i=-3&u=65535&f=1.5&b=on&t=2024-01-02T03:04:05Z&d=1s&p=4&l=1,2&l=3&sl=a,b&mail=a@b.co&url=http://x&pat=ab")
	f.Add("i=128&u=-1&f=x&b=maybe&t=now&d=5&p=q&l=1,,2&sl=a,b,c,d&mail=x&url=y&pat=A")
	f.Fuzz(func(t *testing.T, raw string) {
		checkQueryAgainstURL(t, raw)
		for _, o := range []bind.Options{{}, {ZeroCopy: true}} {
			var v fuzzIn
			checkBindErr(t, o.Bind(bind.QueryString(raw), &v))
		}
	})
}

func FuzzForm(f *testing.F) {
	for _, s := range queryCases {
		f.Add(s)
	}
	f.Add("name=Ada&n=5&tag=1&tag=2,3&x=y")
	f.Add("name=A&n=x&tag=256")
	f.Fuzz(func(t *testing.T, body string) {
		var v fuzzForm
		src := &fakeSource{body: []byte(body), ctype: "application/x-www-form-urlencoded"}
		checkBindErr(t, bind.Bind(src, &v))
	})
}

func FuzzMultipart(f *testing.F) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.SetBoundary("BOUNDARY")
	w.WriteField("name", "Ada")
	w.WriteField("n", "5")
	w.WriteField("tag", "1,2")
	fw, _ := w.CreateFormFile("file", "a.txt")
	fw.Write([]byte("hello"))
	fw, _ = w.CreateFormFile("files", "b.txt")
	fw.Write([]byte("x"))
	w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("--BOUNDARY\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nx\r\n--BOUNDARY--\r\n"))
	f.Add([]byte("--BOUNDARY\r\n\r\n--BOUNDARY--"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		var v fuzzForm
		o := bind.Options{MaxPartSize: 64, MaxMultipartSize: 4096}
		src := &fakeSource{body: body, ctype: `multipart/form-data; boundary=BOUNDARY`}
		checkBindErr(t, o.Bind(src, &v))
	})
}

type fuzzJSON struct {
	Page  int      `query:"page"`
	Name  string   `json:"name" validate:"omitempty,min=2"`
	Age   uint8    `json:"age" default:"18"`
	Tags  []string `json:"tags"`
	Inner struct {
		City string  `json:"city" validate:"omitempty,max=5"`
		Lat  float64 `json:"lat"`
	} `json:"inner"`
}

func FuzzJSONBody(f *testing.F) {
	f.Add([]byte(`{"name":"Ada","age":36,"tags":["a"],"inner":{"city":"Paris","lat":1.5},"Page":3}`), "application/json")
	f.Add([]byte(`{"name":1}`), "")
	f.Add([]byte(`{"inner":{"city":"Lyon-sur-mer"}}`), "application/vnd.x+json")
	f.Add([]byte(`[`), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		for _, o := range []bind.Options{{}, {ZeroCopy: true}} {
			var v fuzzJSON
			src := &fakeSource{body: body, ctype: ctype, query: [][2]string{{"page", "2"}}}
			err := o.Bind(src, &v)
			checkBindErr(t, err)
			if err == nil && v.Page != 2 {
				t.Fatalf("Page = %d", v.Page)
			}
		}
	})
}
