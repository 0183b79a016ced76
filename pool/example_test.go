package pool_test

import (
	"fmt"

	"github.com/tako-go/tako/pool"
)

func Example() {
	// A growable buffer for output.
	buf := pool.GetBuffer()
	buf.WriteString("hello, ")
	buf.WriteString("world")
	fmt.Println(buf.String())
	pool.PutBuffer(buf)

	// A body-sized slice from the smallest class that holds it.
	body := pool.GetBytes(3000)
	fmt.Println(len(body), cap(body))
	pool.PutBytes(body)

	// Output:
	// hello, world
	// 3000 4096
}

type request struct {
	path  []byte
	count int
}

func ExampleOf() {
	requests := pool.Of[request]{
		New:    func() *request { return &request{path: make([]byte, 0, 256)} },
		Reset:  func(r *request) { r.path = r.path[:0]; r.count = 0 },
		Poison: func(r *request) { pool.Poison(r.path) },
	}
	r := requests.Get()
	r.path = append(r.path, "/users/42"...)
	r.count++
	fmt.Println(string(r.path), r.count)
	requests.Put(r) // Reset runs here

	// Output: /users/42 1
}

func ExampleSetPoison() {
	defer pool.SetPoison(pool.SetPoison(true)) // restore the old setting

	b := pool.GetBytes(5)
	copy(b, "token")
	escaped := b[:5] // an alias that outlives the buffer: a bug
	pool.PutBytes(b)
	fmt.Printf("%x\n", escaped)

	// Output: a5a5a5a5a5
}
