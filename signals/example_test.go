package signals_test

import (
	"context"
	"fmt"
	"time"

	"github.com/tako-go/tako/signals"
)

func Example() {
	bus := signals.New()
	started := signals.MustTopic[string](bus, "app.started")
	stopped := signals.MustTopic[string](bus, "app.stopped")

	signals.Subscribe(bus, "app.>", func(_ context.Context, m signals.Message[string]) {
		fmt.Println(m.Topic, m.Value)
	})
	ctx := context.Background()
	started.Publish(ctx, "listening on :8080")
	stopped.Publish(ctx, "bye")
	// Output:
	// app.started listening on :8080
	// app.stopped bye
}

func ExampleService() {
	bus := signals.New()
	double, _ := signals.NewService[int, int](bus, "math.double")
	double.Handle(func(_ context.Context, n int) (int, error) { return 2 * n, nil })
	r, err := double.Request(context.Background(), 21, time.Second)
	fmt.Println(r, err)
	// Output: 42 <nil>
}
