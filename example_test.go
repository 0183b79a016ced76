package tako_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/tako-go/tako"
)

func Example() {
	app := tako.New()
	app.Get("/hello/:name", func(c *tako.Ctx) error {
		return c.Text("hello " + c.Param("name"))
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/hello/gopher", nil))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 hello gopher
}

func ExampleNewError() {
	app := tako.New()
	app.Get("/items/:id", func(c *tako.Ctx) error {
		return tako.NewError(404, "no item "+c.Param("id"))
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/items/7", nil))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println(string(body))
	// Output:
	// 404 application/problem+json
	// {"type":"about:blank","title":"Not Found","status":404,"detail":"no item 7"}
}

func ExampleCtx_BindJSON() {
	type user struct {
		Name string `json:"name"`
		Age  int    `json:"age"`
	}
	app := tako.New()
	app.Post("/users", func(c *tako.Ctx) error {
		var u user
		if err := c.BindJSON(&u); err != nil {
			return err // malformed JSON: 400 naming the byte offset
		}
		return c.Status(201).JSON(&u)
	})

	for _, body := range []string{`{"name":"ann","age":7}`, `{"name":"ann",}`} {
		resp, _ := app.Test(httptest.NewRequest("POST", "/users", strings.NewReader(body)))
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println(resp.StatusCode, string(b))
	}
	// Output:
	// 201 {"name":"ann","age":7}
	// 400 {"type":"about:blank","title":"Bad Request","status":400,"detail":"invalid JSON at byte offset 15: invalid character '}' looking for beginning of object key string"}
}

type greeting string

func ExampleState() {
	app := tako.New()
	tako.SetState(app, greeting("welcome"))
	app.Get("/", func(c *tako.Ctx) error {
		return c.Text(string(tako.State[greeting](c)))
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/", nil))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: welcome
}

func ExampleApp_Mount() {
	app := tako.New()
	std := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "net/http saw %s", r.URL.Path)
	})
	app.Mount("/std", std) // any http.Handler, prefix stripped

	resp, _ := app.Test(httptest.NewRequest("GET", "/std/x", nil))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(string(body))
	// Output: net/http saw /x
}
