package compress

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

var jsonBody = bytes.Repeat([]byte(`{"id":12345,"name":"tako","tags":["a","b"],"ok":true}`), 100)

type response struct {
	status int
	header http.Header
	body   []byte // decoded
	raw    []byte // as received
}

// do sends one request through a real server and client (the client's own
// transparent gzip is off, so the test sees the wire).
func do(t *testing.T, h http.Handler, method string, reqHeader map[string]string) response {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(method, srv.URL, nil)
	for k, v := range reqHeader {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{status: res.StatusCode, header: res.Header, raw: raw, body: raw}
	if ce := res.Header.Get("Content-Encoding"); ce != "" {
		e, ok := ParseEncoding(ce)
		if !ok {
			t.Fatalf("unknown Content-Encoding %q", ce)
		}
		out.body = referenceDecode(t, e, raw)
	}
	return out
}

func serve(body []byte, setup func(http.Header) int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status := 200
		if setup != nil {
			status = setup(w.Header())
		}
		if status != 200 {
			w.WriteHeader(status)
		}
		w.Write(body)
	}
}

func jsonType(h http.Header) int { h.Set("Content-Type", "application/json"); return 200 }

func TestHandlerCompressesEachCoding(t *testing.T) {
	for ae, want := range map[string]string{
		"gzip":                     "gzip",
		"deflate":                  "deflate",
		"br":                       "br",
		"zstd":                     "zstd",
		"gzip, deflate, br, zstd":  "zstd",
		"gzip;q=1, br;q=0.9":       "gzip",
		"br;q=0.9, identity;q=0.5": "br",
		"*":                        "zstd",
	} {
		res := do(t, Handler(serve(jsonBody, jsonType), Config{}), "GET", map[string]string{"Accept-Encoding": ae})
		if got := res.header.Get("Content-Encoding"); got != want {
			t.Errorf("%q: Content-Encoding %q, want %q", ae, got, want)
			continue
		}
		if !bytes.Equal(res.body, jsonBody) {
			t.Errorf("%q: body differs after decoding", ae)
		}
		if len(res.raw) >= len(jsonBody)/4 {
			t.Errorf("%q: %d bytes on the wire for %d", ae, len(res.raw), len(jsonBody))
		}
		if res.header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("%q: Vary %q", ae, res.header.Get("Vary"))
		}
		// net/http may add the length of the compressed body it saw whole;
		// the identity length must be gone.
		if cl := res.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(res.raw)) {
			t.Errorf("%q: Content-Length %q on a compressed body of %d bytes", ae, cl, len(res.raw))
		}
	}
}

func TestHandlerPassThrough(t *testing.T) {
	gz := map[string]string{"Accept-Encoding": "gzip, br"}
	cases := []struct {
		name   string
		method string
		req    map[string]string
		h      http.Handler
	}{
		{"no Accept-Encoding", "GET", nil, serve(jsonBody, jsonType)},
		{"identity only", "GET", map[string]string{"Accept-Encoding": "identity"}, serve(jsonBody, jsonType)},
		{"unknown codings", "GET", map[string]string{"Accept-Encoding": "compress, sdch"}, serve(jsonBody, jsonType)},
		{"q=0", "GET", map[string]string{"Accept-Encoding": "gzip;q=0, br;q=0"}, serve(jsonBody, jsonType)},
		{"HEAD", "HEAD", gz, serve(jsonBody, jsonType)},
		{"Range request", "GET", map[string]string{"Accept-Encoding": "gzip", "Range": "bytes=0-99"}, serve(jsonBody, jsonType)},
		{"small body", "GET", gz, serve(jsonBody[:DefaultMinSize-1], jsonType)},
		{"png", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Content-Type", "image/png"); return 200 })},
		{"video", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Content-Type", "video/mp4"); return 200 })},
		{"woff2", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Content-Type", "font/woff2"); return 200 })},
		{"zip", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Content-Type", "application/zip"); return 200 })},
		{"no-transform", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Cache-Control", "public, no-transform"); return 200 })},
		{"206", "GET", gz, serve(jsonBody, func(h http.Header) int { h.Set("Content-Range", "bytes 0-5399/99999"); return 206 })},
		{"small Content-Length", "GET", gz, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.Write(jsonBody[:100])
		})},
		{"sniffed png", "GET", gz, serve(append([]byte("\x89PNG\r\n\x1a\n"), jsonBody...), nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, Handler(tc.h, Config{}), tc.method, tc.req)
			if ce := res.header.Get("Content-Encoding"); ce != "" {
				t.Fatalf("Content-Encoding %q, want none", ce)
			}
			if res.header.Get("Vary") != "Accept-Encoding" {
				t.Fatalf("Vary %q, want Accept-Encoding on every response", res.header.Get("Vary"))
			}
			if tc.method == "HEAD" {
				return
			}
			want := jsonBody
			switch tc.name {
			case "small body":
				want = jsonBody[:DefaultMinSize-1]
			case "small Content-Length":
				want = jsonBody[:100]
			case "sniffed png":
				want = append([]byte("\x89PNG\r\n\x1a\n"), jsonBody...)
			}
			if !bytes.Equal(res.raw, want) {
				t.Fatalf("body of %d bytes is not the identity body of %d", len(res.raw), len(want))
			}
		})
	}
}

func TestHandlerBodilessStatuses(t *testing.T) {
	for _, code := range []int{204, 304} {
		h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v1"`)
			w.WriteHeader(code)
		}), Config{})
		res := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip"})
		if res.status != code || res.header.Get("Content-Encoding") != "" || len(res.raw) != 0 {
			t.Errorf("%d: got %d, Content-Encoding %q, %d body bytes", code, res.status, res.header.Get("Content-Encoding"), len(res.raw))
		}
		if res.header.Get("Etag") != `"v1"` {
			t.Errorf("%d: ETag %q changed on an uncompressed response", code, res.header.Get("Etag"))
		}
	}
}

func TestHandlerExistingContentEncoding(t *testing.T) {
	pre := compressAll(t, Brotli, 5, jsonBody)
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		w.Write(pre)
	}), Config{})
	res := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip, br"})
	if res.header.Get("Content-Encoding") != "br" || !bytes.Equal(res.raw, pre) || !bytes.Equal(res.body, jsonBody) {
		t.Fatalf("pre-encoded body changed: %q, %d bytes", res.header.Get("Content-Encoding"), len(res.raw))
	}
}

func TestHandlerETag(t *testing.T) {
	for mode, want := range map[ETagMode]string{ETagWeaken: `W/"v1"`, ETagSuffix: `"v1-gzip"`, ETagDrop: ""} {
		h := Handler(serve(jsonBody, func(h http.Header) int { h.Set("ETag", `"v1"`); return 200 }), Config{ETag: mode})
		res := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip"})
		if res.header.Get("Content-Encoding") != "gzip" || res.header.Get("Etag") != want {
			t.Errorf("mode %d: ETag %q, want %q", mode, res.header.Get("Etag"), want)
		}
	}
	// A weak ETag stays as it is.
	h := Handler(serve(jsonBody, func(h http.Header) int { h.Set("ETag", `W/"v1"`); return 200 }), Config{ETag: ETagSuffix})
	if got := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip"}).header.Get("Etag"); got != `W/"v1"` {
		t.Errorf("weak ETag became %q", got)
	}
}

func TestHandlerHeadersOnCompressed(t *testing.T) {
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Accept-Ranges", "bytes")
		w.Header().Set("Vary", "Origin")
		w.Header().Set("Content-Length", strconv.Itoa(len(jsonBody)))
		w.Write(jsonBody)
	}), Config{})
	res := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip"})
	if res.header.Get("Content-Encoding") != "gzip" {
		t.Fatal("a known Content-Length over MinSize was not compressed")
	}
	if res.header.Get("Accept-Ranges") != "" {
		t.Error("Accept-Ranges kept on a compressed response")
	}
	if got := res.header.Values("Vary"); strings.Join(got, ",") != "Origin,Accept-Encoding" {
		t.Errorf("Vary %q", got)
	}
	if res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("sniffed Content-Type %q, want the type of the identity body", res.header.Get("Content-Type"))
	}
	if !bytes.Equal(res.body, jsonBody) {
		t.Error("body differs")
	}
}

func TestHandlerManySmallWrites(t *testing.T) {
	// Writes below MinSize are buffered, then the buffer and the rest are
	// compressed: the decoded body must be the exact concatenation.
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for i := 0; i < len(jsonBody); i += 7 {
			w.Write(jsonBody[i:min(i+7, len(jsonBody))])
		}
	}), Config{})
	res := do(t, h, "GET", map[string]string{"Accept-Encoding": "br"})
	if res.header.Get("Content-Encoding") != "br" || !bytes.Equal(res.body, jsonBody) {
		t.Fatalf("Content-Encoding %q, body equal %v", res.header.Get("Content-Encoding"), bytes.Equal(res.body, jsonBody))
	}
}

func TestHandlerInformational(t *testing.T) {
	h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</style.css>; rel=preload")
		w.WriteHeader(http.StatusEarlyHints)
		w.Header().Set("Content-Type", "text/html")
		w.Write(jsonBody)
	}), Config{})
	res := do(t, h, "GET", map[string]string{"Accept-Encoding": "gzip"})
	if res.status != 200 || res.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(res.body, jsonBody) {
		t.Fatalf("after 103: status %d, Content-Encoding %q", res.status, res.header.Get("Content-Encoding"))
	}
}

func TestHandlerMinSizeConfig(t *testing.T) {
	small := jsonBody[:100]
	res := do(t, Handler(serve(small, jsonType), Config{MinSize: -1}), "GET", map[string]string{"Accept-Encoding": "gzip"})
	if res.header.Get("Content-Encoding") != "gzip" || !bytes.Equal(res.body, small) {
		t.Fatal("MinSize -1 did not compress a 100-byte body")
	}
	res = do(t, Handler(serve(jsonBody, jsonType), Config{MinSize: 1 << 20}), "GET", map[string]string{"Accept-Encoding": "gzip"})
	if res.header.Get("Content-Encoding") != "" {
		t.Fatal("MinSize 1 MiB compressed a 5 KB body")
	}
}

func TestHandlerBadConfigPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "compress: level 42") {
			t.Fatalf("recovered %v", r)
		}
	}()
	Middleware(Config{GzipLevel: 42})
}

// TestHandlerSSEFlush: events written and flushed by an SSE handler reach a
// real client compressed, each readable before the server writes the next.
func TestHandlerSSEFlush(t *testing.T) {
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			const events = 5
			next := make(chan struct{})
			h := Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/event-stream")
				w.WriteHeader(200)
				for i := range events {
					if i > 0 {
						select {
						case <-next: // the client read the previous event
						case <-r.Context().Done():
							return
						}
					}
					io.WriteString(w, "data: event "+strconv.Itoa(i)+"\n\n")
					w.(http.Flusher).Flush()
				}
			}), Config{})
			srv := httptest.NewServer(h)
			defer srv.Close()
			req, _ := http.NewRequest("GET", srv.URL, nil)
			req.Header.Set("Accept-Encoding", enc)
			tr := &http.Transport{DisableCompression: true}
			defer tr.CloseIdleConnections()
			res, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.Header.Get("Content-Encoding") != enc {
				t.Fatalf("Content-Encoding %q, want %q", res.Header.Get("Content-Encoding"), enc)
			}
			e, _ := ParseEncoding(enc)
			dec, err := NewReader(res.Body, e, 0)
			if err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(dec)
			for i := range events {
				// The server is blocked until we signal: if the event
				// were still buffered, this read would never finish and
				// the test would time out.
				line, err := br.ReadString('\n')
				if err != nil || line != "data: event "+strconv.Itoa(i)+"\n" {
					t.Fatalf("event %d: %q, %v", i, line, err)
				}
				if blank, err := br.ReadString('\n'); err != nil || blank != "\n" {
					t.Fatalf("event %d end: %q, %v", i, blank, err)
				}
				if i < events-1 {
					next <- struct{}{}
				}
			}
			if rest, err := io.ReadAll(br); err != nil || len(rest) != 0 {
				t.Fatalf("after the last event: %q, %v", rest, err)
			}
		})
	}
}

// nopResponseWriter is the least a ResponseWriter can be, so allocation
// counts measure the middleware alone.
type nopResponseWriter struct {
	h http.Header
	n int
}

func (w *nopResponseWriter) Header() http.Header         { return w.h }
func (w *nopResponseWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *nopResponseWriter) WriteHeader(int)             {}
func (w *nopResponseWriter) Flush()                      {}

func TestHandlerAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	for _, e := range allEncodings[1:] {
		t.Run(e.String(), func(t *testing.T) {
			ct := []string{"application/json"}
			inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = ct
				w.Write(jsonBody[:len(jsonBody)/2])
				w.Write(jsonBody[len(jsonBody)/2:])
			})
			h := Handler(inner, Config{})
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", e.String())
			w := &nopResponseWriter{h: http.Header{}}
			run := func() {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
			for range 3 {
				run()
			}
			if w.h.Get("Content-Encoding") != e.String() {
				t.Fatalf("not compressed: %v", w.h)
			}
			if n := testing.AllocsPerRun(100, run); n != 0 {
				t.Fatalf("%v allocs per response, want 0", n)
			}
		})
	}
}
