package tako_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/signals"
)

// Request and lifecycle signals: a synchronous subscriber to tako.TopicRequest sees the
// route pattern (not the raw path), the status and the duration of every request.
func ExampleApp_Signals() {
	app := tako.New()
	app.Get("/users/:id", func(c *tako.Ctx) error {
		return tako.NewError(404, "no user "+c.Param("id"))
	})
	signals.Subscribe(app.Signals(), tako.TopicRequest, func(_ context.Context, m signals.Message[tako.RequestEvent]) {
		fmt.Println(m.Topic, m.Value.Method, m.Value.Route, m.Value.Status, m.Value.Duration > 0)
	})
	signals.Subscribe(app.Signals(), "tako.app.>", func(_ context.Context, m signals.Message[tako.AppEvent]) {
		fmt.Println(m.Topic, m.Value.Err)
	})
	resp, _ := app.Test(httptest.NewRequest("GET", "/users/7", nil))
	resp.Body.Close()
	app.Shutdown(context.Background())
	// Output:
	// tako.request GET /users/:id 404 true
	// tako.app.stopping <nil>
	// tako.app.stopped <nil>
}
