package tako_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tako-go/tako"
)

// A raw TCP echo server under the App's lifecycle: App.Shutdown stops it with the App's
// HTTP listeners, waking the handler's Read so that it returns.
func ExampleApp_ServeTCP() {
	app := tako.New()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	served := make(chan error, 1)
	go func() {
		served <- app.ServeTCP(ln, func(ctx context.Context, conn net.Conn) {
			io.Copy(conn, conn) // until the client closes, or Shutdown wakes the Read
		})
	}()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Write([]byte("hello"))
	buf := make([]byte, 5)
	io.ReadFull(c, buf)
	fmt.Println(string(buf))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(app.Shutdown(ctx), <-served) // the connection is still open: Shutdown ends it
	// Output:
	// hello
	// <nil> <nil>
}

// A UDP echo server: datagrams come in pooled buffers to a bounded set of workers, and
// Reply answers the sender without allocating.
func ExampleApp_ServeUDP() {
	app := tako.New(tako.Config{UDPWorkers: 2})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := app.NewUDPServer(pc, func(ctx context.Context, d *tako.Datagram) {
		d.Reply(d.Data) // d.Data is valid until the handler returns
	})
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()

	c, err := net.Dial("udp", srv.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.Write([]byte("ping"))
	buf := make([]byte, 64)
	n, _ := c.Read(buf)
	fmt.Println(string(buf[:n]))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println(app.Shutdown(ctx), <-served)
	st := srv.Stats()
	fmt.Println(st.Received, st.Handled, st.Dropped)
	// Output:
	// ping
	// <nil> <nil>
	// 1 1 0
}

// Prefork: the same main function runs in the parent, which supervises, and in each
// child, which serves. (Not run: it starts processes and serves until a signal.)
func ExampleApp_ListenPrefork() {
	app := tako.New(tako.Config{PreforkChildren: 4})
	app.Get("/", func(c *tako.Ctx) error { return c.Text("hello") })
	if !tako.IsPreforkChild() {
		fmt.Println("parent: starting the children") // runs once, in the parent
	}
	if err := app.ListenPrefork(":8080"); err != nil {
		fmt.Println(err)
	}
}
