package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/jobs"
)

// TestJobs serves the showcase on a real listener, so that the App's lifecycle signals
// start the queue and, at Shutdown, stop it.
func TestJobs(t *testing.T) {
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		t.Run(e.String(), func(t *testing.T) {
			app := newApp(tako.Config{Engine: e})
			board, ok := tako.StateOf[*jobBoard](app)
			if !ok {
				t.Fatal("no job board in the App state")
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			served := make(chan error, 1)
			go func() { served <- app.Serve(ln) }()
			base := "http://" + ln.Addr().String()
			client := &http.Client{Transport: &http.Transport{}}
			stopped := false
			shutdown := func() {
				if stopped {
					return
				}
				stopped = true
				client.CloseIdleConnections()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := app.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				if err := <-served; err != nil {
					t.Errorf("Serve: %v", err)
				}
			}
			t.Cleanup(shutdown)

			do := func(method, path, body string) (int, string, http.Header) {
				t.Helper()
				req, err := http.NewRequest(method, base+path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(b), resp.Header
			}
			// waitFor polls GET path until the job reaches state, with a bounded deadline.
			waitFor := func(path, state string) jobStatus {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for {
					s, b, _ := do("GET", path, "")
					var st jobStatus
					if s == 200 {
						if err := json.Unmarshal([]byte(b), &st); err != nil {
							t.Fatalf("%s: %v in %q", path, err, b)
						}
						if st.State == state {
							return st
						}
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: still %d %q after 10s, want state %q", path, s, b, state)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}

			s, b, h := do("POST", "/api/jobs", `{"kind":"email","to":"ada@example.com"}`)
			if s != 202 || h.Get("Location") != "/api/jobs/1" || !strings.Contains(b, `"id":1,"kind":"email"`) {
				t.Fatalf("enqueue: %d %q Location %q", s, b, h.Get("Location"))
			}
			if st := waitFor("/api/jobs/1", "succeeded"); st.Attempts != 1 || st.LastError != "" {
				t.Errorf("job 1: %+v", st)
			}

			s, b, h = do("POST", "/api/jobs", `{"kind":"email","to":"bob@example.com","fail":true}`)
			if s != 202 || h.Get("Location") != "/api/jobs/2" {
				t.Fatalf("enqueue failing job: %d %q", s, b)
			}
			st := waitFor("/api/jobs/2", "dead")
			if st.Attempts != 2 || !strings.Contains(st.LastError, "mailbox bob@example.com unavailable (attempt 2)") {
				t.Errorf("job 2: %+v", st)
			}
			s, b, _ = do("GET", "/api/jobs/dead", "")
			var dead []deadJob
			if err := json.Unmarshal([]byte(b), &dead); s != 200 || err != nil {
				t.Fatalf("dead: %d %q %v", s, b, err)
			}
			if len(dead) != 1 || dead[0].ID != 2 || dead[0].Kind != "email" || dead[0].Attempts != 2 ||
				len(dead[0].Errors) != 2 || !strings.Contains(dead[0].Errors[0], "(attempt 1)") ||
				!strings.Contains(dead[0].Payload, `"to":"bob@example.com"`) {
				t.Errorf("dead-letter queue: %s", b)
			}

			// Bad requests.
			s, b, _ = do("POST", "/api/jobs", `{"kind":"sms","to":"x"}`)
			if s != 422 || !strings.Contains(b, `unknown job kind \"sms\"`) {
				t.Errorf("unknown kind: %d %q", s, b)
			}
			s, b, _ = do("POST", "/api/jobs", `{"kind":"email"}`)
			if s != 422 || !strings.Contains(b, `"field":"to"`) {
				t.Errorf("missing to: %d %q", s, b)
			}
			s, b, _ = do("GET", "/api/jobs/99", "")
			if s != 404 || !strings.Contains(b, "job 99 is unknown") {
				t.Errorf("unknown job: %d %q", s, b)
			}
			s, b, _ = do("GET", "/api/jobs/x", "")
			if s != 400 {
				t.Errorf("bad id: %d %q", s, b)
			}

			// Shutting the App down shuts the queue down: intake is closed.
			shutdown()
			if _, err := board.email.Enqueue(context.Background(), emailArgs{To: "late@example.com"}); !errors.Is(err, jobs.ErrClosed) {
				t.Errorf("Enqueue after App shutdown: %v, want jobs.ErrClosed", err)
			}
		})
	}
}
