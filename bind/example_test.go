package bind_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tako-go/tako/bind"
)

func ExampleBind() {
	type search struct {
		Q     string   `query:"q" validate:"required"`
		Page  int      `query:"page" default:"1" validate:"min=1"`
		Tags  []string `query:"tag"`
		Sizes []int    `query:"size"`
	}
	var s search
	err := bind.Bind(bind.QueryString("q=go+web&tag=a&tag=b&size=1,2"), &s)
	fmt.Printf("%+v %v\n", s, err)
	// Output: {Q:go web Page:1 Tags:[a b] Sizes:[1 2]} <nil>
}

func ExampleInto() {
	type createUser struct {
		Org   int64  `path:"org"`
		Trace string `header:"X-Trace-Id"`
		Name  string `json:"name" validate:"required"`
		Email string `json:"email" validate:"required,email"`
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orgs/{org}/users", func(w http.ResponseWriter, r *http.Request) {
		in, err := bind.Into[createUser](bind.Request{R: r})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%+v\n", in)
	})
	for _, body := range []string{`{"name":"Ada","email":"ada@example.com"}`, `{"email":"ada"}`} {
		r := httptest.NewRequest("POST", "/orgs/7/users", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Trace-Id", "t-1")
		mux.ServeHTTP(httptest.NewRecorder(), r)
	}
	// Output:
	// {Org:7 Trace:t-1 Name:Ada Email:ada@example.com}
	// bind: body "name": is required; body "email": must be a valid email address
}

// A server turns *bind.Errors into a problem document: 400 for malformed
// input, 422 for failed rules, and a list of fields by wire name.
func ExampleErrors() {
	type in struct {
		UserID int    `query:"user_id"`
		Name   string `query:"name" validate:"min=2"`
	}
	var v in
	err := bind.Bind(bind.QueryString("user_id=x&name=A"), &v)
	var errs *bind.Errors
	if errors.As(err, &errs) {
		status := http.StatusUnprocessableEntity
		if errs.Malformed() {
			status = http.StatusBadRequest
		}
		fmt.Println(status)
		for _, fe := range errs.Fields {
			fmt.Printf("%s %s %s: %s\n", fe.In, fe.Field, fe.Rule, fe.Message)
		}
	}
	// Output:
	// 400
	// query user_id type: "x" is not an integer
	// query name min: must be at least 2 characters long
}
