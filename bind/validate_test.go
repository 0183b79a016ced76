package bind_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/tako-go/tako/bind"
)

func TestRules(t *testing.T) {
	type in struct {
		Name  string   `query:"name" validate:"required,min=2,max=4"`
		Runes string   `query:"runes" validate:"len=3"`
		Age   int      `query:"age" validate:"gte=18,lt=130"`
		Score float64  `query:"score" validate:"gt=0,lte=1"`
		Count uint     `query:"count" validate:"min=1"`
		Role  string   `query:"role" validate:"oneof=admin user"`
		Level int      `query:"level" validate:"oneof=1 2 3"`
		Tags  []string `query:"tag" validate:"min=1,max=2"`
		Mail  string   `query:"mail" validate:"omitempty,email"`
		Site  string   `query:"site" validate:"omitempty,url"`
		Slug  string   `query:"slug" pattern:"^[a-z-]+$"`
		Opt   *int     `query:"opt" validate:"max=5"`
		Need  *int     `query:"need" validate:"required"`
	}
	good := [][2]string{
		{"name", "Ada"}, {"runes", "héé"}, {"age", "18"}, {"score", "1"}, {"count", "1"}, {"role", "user"},
		{"level", "2"}, {"tag", "a"}, {"slug", "a-b"}, {"need", "0"},
	}
	var v in
	if err := bind.Bind(&fakeSource{query: good}, &v); err != nil {
		t.Fatalf("good input: %v", err)
	}
	for _, tc := range []struct {
		key, val, rule, msg string
	}{
		{"name", "A", "min", "must be at least 2 characters long"},
		{"name", "Adaly", "max", "must be at most 4 characters long"},
		{"runes", "abcd", "len", "must be exactly 3 characters long"},
		{"age", "17", "gte", "must be at least 18"},
		{"age", "130", "lt", "must be less than 130"},
		{"score", "0", "gt", "must be more than 0"},
		{"score", "1.01", "lte", "must be at most 1"},
		{"role", "root", "oneof", "must be one of admin, user"},
		{"level", "4", "oneof", "must be one of 1, 2, 3"},
		{"tag", "a,b", "", ""}, // strings are not split: one value
		{"mail", "a@b", "email", "must be a valid email address"},
		{"mail", "a..b@example.com", "email", "must be a valid email address"},
		{"mail", "a@1.2", "email", "must be a valid email address"},
		{"mail", "ada@example.com", "", ""},
		{"site", "example.com", "url", "must be a valid URL"},
		{"site", "https://example.com/x?y", "", ""},
		{"slug", "A", "pattern", "must match ^[a-z-]+$"},
		{"opt", "6", "max", "must be at most 5"},
	} {
		q := append([][2]string{{tc.key, tc.val}}, good...)
		v = in{}
		err := bind.Bind(&fakeSource{query: q}, &v)
		if tc.rule == "" {
			if err != nil {
				t.Errorf("%s=%s: %v", tc.key, tc.val, err)
			}
			continue
		}
		var errs *bind.Errors
		if !errors.As(err, &errs) || len(errs.Fields) != 1 {
			t.Errorf("%s=%s: err = %v", tc.key, tc.val, err)
			continue
		}
		fe := errs.Fields[0]
		if fe.Field != tc.key || fe.Rule != tc.rule || fe.Message != tc.msg || errs.Malformed() {
			t.Errorf("%s=%s: got %+v", tc.key, tc.val, fe)
		}
	}
	// Missing required values and too few slice items.
	v = in{}
	err := bind.Bind(&fakeSource{}, &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) {
		t.Fatal(err)
	}
	var rules []string
	for _, fe := range errs.Fields {
		rules = append(rules, fe.Field+":"+fe.Rule)
	}
	want := "name:required runes:len age:gte score:gt count:min role:oneof level:oneof tag:min slug:pattern need:required"
	if got := join(rules); got != want {
		t.Errorf("empty input:\n got %s\nwant %s", got, want)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// recordingValidator stands in for go-playground/validator.
type recordingValidator struct{ seen any }

func (r *recordingValidator) Validate(v any) error {
	r.seen = v
	return &bind.Errors{Fields: []bind.FieldError{{Field: "x", In: bind.InQuery, Rule: "uuid4", Message: "must be a UUID"}}}
}

func TestCustomValidator(t *testing.T) {
	type in struct {
		X string `query:"x" validate:"uuid4"`
		N int    `query:"n"`
	}
	var v in
	// Without a Validator an unknown rule is a plan error.
	if err := bind.Bind(&fakeSource{}, &v); err == nil || errors.As(err, new(*bind.Errors)) {
		t.Errorf("unknown rule without Validator: %v", err)
	}
	rv := &recordingValidator{}
	o := bind.Options{Validator: rv}
	err := o.Bind(&fakeSource{query: [][2]string{{"n", "x"}}}, &v)
	var errs *bind.Errors
	if !errors.As(err, &errs) || len(errs.Fields) != 2 || errs.Fields[1].Rule != "uuid4" || rv.seen != &v {
		t.Errorf("merged errors: %v", err)
	}
}

func TestPlanCacheConcurrent(t *testing.T) {
	type a struct {
		N int `query:"n" validate:"min=1"`
	}
	type b struct {
		S string `query:"s"`
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				var x a
				var y b
				if err := bind.Bind(bind.QueryString("n=2&s=v"), &x); err != nil || x.N != 2 {
					t.Error(err)
				}
				if err := bind.Bind(bind.QueryString("n=2&s=v"), &y); err != nil || y.S != "v" {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
