package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

func TestShowcase(t *testing.T) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			app := newApp(tako.Config{Engine: e})
			do := func(method, path, body string) (int, string) {
				t.Helper()
				var r io.Reader
				if body != "" {
					r = strings.NewReader(body)
				}
				resp, err := app.Test(httptest.NewRequest(method, path, r))
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b)
			}
			check := func(gotStatus int, gotBody string, status int, contains string) {
				t.Helper()
				if gotStatus != status || !strings.Contains(gotBody, contains) {
					t.Errorf("got %d %q, want %d containing %q", gotStatus, gotBody, status, contains)
				}
			}
			s, b := do("POST", "/api/todos", `{"title":"  write tests  "}`)
			check(s, b, 201, `{"id":1,"title":"write tests","done":false}`)
			s, b = do("POST", "/api/todos", `{"title":"ship","done":true}`)
			check(s, b, 201, `"id":2`)
			s, b = do("POST", "/api/todos", `{"title":""}`)
			check(s, b, 422, `must not be empty`)
			s, b = do("POST", "/api/todos", `{"title":`)
			check(s, b, 400, `byte offset`)
			s, b = do("GET", "/api/todos?done=true", "")
			check(s, b, 200, `[{"id":2,"title":"ship","done":true}]`)
			s, b = do("GET", "/api/todos?limit=zero", "")
			check(s, b, 400, `limit`)
			s, b = do("PUT", "/api/todos/1", `{"done":true}`)
			check(s, b, 200, `{"id":1,"title":"write tests","done":true}`)
			s, b = do("GET", "/api/todos/abc", "")
			check(s, b, 400, `not a positive integer`)
			s, b = do("DELETE", "/api/todos/1", "")
			check(s, b, 204, "")
			s, b = do("GET", "/api/todos/1", "")
			check(s, b, 404, `todo 1 does not exist`)
			s, b = do("GET", "/api/error", "")
			check(s, b, 503, `flux capacitor`)
			s, b = do("GET", "/api/panic", "")
			check(s, b, 500, `"status":500`)
			s, b = do("GET", "/api/stream?n=3&every=1ms", "")
			check(s, b, 200, "{\"tick\":1,\"of\":3}\n{\"tick\":2,\"of\":3}\n{\"tick\":3,\"of\":3}\n")
			s, b = do("GET", "/", "")
			check(s, b, 200, "/api/todos/:id")
			var list []Todo
			_, b = do("GET", "/api/todos", "")
			if err := json.Unmarshal([]byte(b), &list); err != nil || len(list) != 1 {
				t.Errorf("list %q: %v", b, err)
			}
		})
	}
}
