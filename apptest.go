package tako

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
)

// Test runs req through the App in memory, without sockets, and returns the response. With
// the FastHTTP engine (Config.Engine) the request is written over an in-memory connection
// to a fasthttp server with the App's limits, so the real engine parses it; with NetHTTP it
// goes through ServeHTTP with an httptest.ResponseRecorder. The caller closes resp.Body.
//
//	resp, err := app.Test(httptest.NewRequest("GET", "/hello", nil))
func (a *App) Test(req *http.Request) (*http.Response, error) {
	a.build()
	if a.cfg.Engine == NetHTTP {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		return rec.Result(), nil
	}
	srv := a.newFastServer()
	client, server := net.Pipe()
	go func() {
		_ = srv.ServeConn(server)
		server.Close()
	}()
	out := req.Clone(req.Context())
	out.Close = true // one request per pipe: the server closes after answering
	out.RequestURI = ""
	if out.URL.Host == "" {
		out.URL.Host = req.Host
	}
	if out.URL.Host == "" {
		out.URL.Host = "example.com"
	}
	go func() { _ = out.Write(client) }() // unblocked by client.Close if the server stops reading
	resp, err := http.ReadResponse(bufio.NewReader(client), req)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("tako: Test: reading response: %w", err)
	}
	resp.Body = &pipeBody{ReadCloser: resp.Body, conn: client}
	return resp, nil
}

// pipeBody closes the in-memory connection with the body.
type pipeBody struct {
	io.ReadCloser
	conn net.Conn
}

func (b *pipeBody) Close() error {
	err := b.ReadCloser.Close()
	b.conn.Close()
	return err
}
