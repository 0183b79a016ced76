package playground_test

import (
	"errors"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/tako-go/tako/bind"
	"github.com/tako-go/tako/bind/playground"
)

type in struct {
	Name  string   `query:"name" validate:"required,min=2,max=4"`
	Runes string   `query:"runes" validate:"omitempty,len=3"`
	Age   int      `query:"age" validate:"gte=18,lt=130"`
	Score float64  `query:"score" validate:"gt=0,lte=1"`
	Role  string   `query:"role" validate:"oneof=admin user"`
	Level int      `query:"level" validate:"oneof=1 2 3"`
	Tags  []string `query:"tag" validate:"min=1,max=2"`
	Mail  string   `query:"mail" validate:"omitempty,email"`
	Site  string   `query:"site" validate:"omitempty,url"`
	Opt   *int     `query:"opt" validate:"omitempty,max=5"`
	Body  struct {
		Zip string `json:"zip" validate:"required,len=5"`
	} `json:"body"`
}

var good = "name=Ada&runes=h%C3%A9%C3%A9&age=18&score=1&role=user&level=2&tag=a"

// TestSameVerdicts binds the same inputs with bind's built-in rules and with
// go-playground/validator: the same fields must fail with the same rules,
// reported under the same wire names.
func TestSameVerdicts(t *testing.T) {
	pv := bind.Options{Validator: playground.New(nil)}
	for _, q := range []string{
		good, "", "name=A", "name=Adaly", "runes=abcd&" + good, "age=17", "age=130", "score=0", "score=1.5",
		"role=root", "level=4", "tag=a&tag=b&tag=c", "mail=a@b&" + good, "mail=x@example.com&" + good,
		"mail=a..b@example.com&" + good, "site=example.com&" + good, "site=https://example.com/x&" + good,
		"opt=6&" + good, "opt=5&" + good,
	} {
		body := []byte(`{"body":{"zip":"12345"}}`)
		if q == "" {
			body = []byte(`{"body":{"zip":"1"}}`)
		}
		src := source{q: bind.QueryString(q), body: body}
		var a, b in
		ea := bind.Bind(src, &a)
		eb := pv.Bind(src, &b)
		if verdicts(t, ea) != verdicts(t, eb) {
			t.Errorf("%q:\n built-in   %s\n playground %s", q, verdicts(t, ea), verdicts(t, eb))
		}
	}
}

func verdicts(t *testing.T, err error) string {
	if err == nil {
		return ""
	}
	var errs *bind.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("not *bind.Errors: %v", err)
	}
	s := ""
	for _, fe := range errs.Fields {
		s += fe.In.String() + ":" + fe.Field + ":" + fe.Rule + " "
	}
	return s
}

// source adds a JSON body to a query string.
type source struct {
	q    bind.QueryString
	body []byte
}

func (s source) Value(loc bind.Location, name string, i int) (string, bool) {
	return s.q.Value(loc, name, i)
}
func (s source) Visit(loc bind.Location, fn func(k, v string) bool) { s.q.Visit(loc, fn) }
func (s source) Body() ([]byte, error)                              { return s.body, nil }
func (s source) ContentType() string                                { return "application/json" }

func TestCustomRuleAndPassThrough(t *testing.T) {
	type uuidIn struct {
		ID string `query:"id" validate:"uuid4"`
	}
	o := bind.Options{Validator: playground.New(validator.New())}
	var v uuidIn
	err := o.Bind(bind.QueryString("id=nope"), &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) || errs.Fields[0].Field != "id" || errs.Fields[0].In != bind.InQuery || errs.Fields[0].Rule != "uuid4" || errs.Malformed() {
		t.Fatalf("%v", err)
	}
	if err := o.Bind(bind.QueryString("id=0b6e4f5c-5d3f-4a5e-8d6b-2f1c3b4a5d6e"), &v); err != nil {
		t.Fatal(err)
	}
}
