package bind_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tako-go/tako/bind"
)

type smokeIn struct {
	ID    int64  `path:"id"`
	Page  int    `query:"page" default:"1" validate:"min=1"`
	Trace string `header:"X-Trace-Id"`
	Email string `json:"email" validate:"required,email"`
}

func TestSmoke(t *testing.T) {
	r := httptest.NewRequest("POST", "/u/7?page=3", strings.NewReader(`{"email":"a@b.co"}`))
	r.SetPathValue("id", "7")
	r.Header.Set("X-Trace-Id", "t1")
	r.Header.Set("Content-Type", "application/json")
	in, err := bind.Into[smokeIn](bind.Request{r})
	if err != nil {
		t.Fatal(err)
	}
	if in != (smokeIn{7, 3, "t1", "a@b.co"}) {
		t.Fatalf("%+v", in)
	}
	r = httptest.NewRequest("POST", "/u/7?page=x", strings.NewReader(`{"email":"nope"}`))
	r.Header.Set("Content-Type", "application/json")
	_, err = bind.Into[smokeIn](bind.Request{r})
	var errs *bind.Errors
	if !errors.As(err, &errs) {
		t.Fatal(err)
	}
	t.Log(err)
}
