package tako_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

// multipartBody builds a multipart/form-data body: fields are name=value pairs, files are
// field name, file name and content.
type mpFile struct {
	field, name string
	content     []byte
}

func multipartBody(t *testing.T, fields [][2]string, files []mpFile) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if err := w.WriteField(f[0], f[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.content)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &buf
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// dirEntries counts the entries of dir.
func dirEntries(t *testing.T, dir string) int {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// waitEmpty waits (briefly) until dir is empty: spill files are removed when the request
// ends, which may be a moment after the client has read the response.
func waitEmpty(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for dirEntries(t, dir) != 0 {
		if time.Now().After(deadline) {
			es, _ := os.ReadDir(dir)
			t.Fatalf("temporary files left behind in %s: %v", dir, es)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMultipartForm(t *testing.T) {
	small := bytes.Repeat([]byte("s"), 1000)
	big := make([]byte, 200<<10)
	for i := range big {
		big[i] = byte(i * 7)
	}
	// MaxBodyBytes below the body size makes fasthttp stream the body to the handler
	// (StreamRequestBody), so both engines read it from the connection.
	for _, maxBody := range []int64{0, 1024} {
		t.Run(fmt.Sprintf("MaxBodyBytes=%d", maxBody), func(t *testing.T) {
			runAll(t, func(t *testing.T, h *harness) {
				dir := t.TempDir()
				app := h.newApp(tako.Config{MaxBodyBytes: maxBody})
				app.Post("/", func(c *tako.Ctx) error {
					f, err := c.MultipartForm(tako.MultipartLimits{MaxMemory: 64 << 10, TempDir: dir})
					if err != nil {
						return err
					}
					var out strings.Builder
					fmt.Fprintf(&out, "title=%s tags=%v spilled=%d\n", f.FormValue("title"), f.Value["tag"], dirEntries(t, dir))
					for _, name := range []string{"small", "big"} {
						ff := f.FormFile(name)
						b, err := io.ReadAll(ff.Open())
						if err != nil {
							return err
						}
						fmt.Fprintf(&out, "%s %s %d mem=%v %s\n", name, ff.FileName, ff.Size, ff.InMemory(), sum(b))
					}
					return c.Text(out.String())
				})
				h.start()
				ct, body := multipartBody(t,
					[][2]string{{"title", "hello wörld"}, {"tag", "a"}, {"tag", "b"}},
					[]mpFile{{"small", "small.txt", small}, {"big", "../../etc/big.bin", big}})
				r := h.do("POST", "/", body, "Content-Type: "+ct)
				want := fmt.Sprintf("title=hello wörld tags=[a b] spilled=1\nsmall small.txt 1000 mem=true %s\nbig big.bin %d mem=false %s\n",
					sum(small), len(big), sum(big))
				expect(t, r, 200, want)
				waitEmpty(t, dir)
			})
		})
	}
}

func TestMultipartLimits(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 300<<10)
	cases := []struct {
		name   string
		lim    tako.MultipartLimits
		fields [][2]string
		files  []mpFile
		detail string
	}{
		{"file over MaxPartBytes after spilling", tako.MultipartLimits{MaxMemory: 16 << 10, MaxPartBytes: 100 << 10},
			nil, []mpFile{{"ok", "a.bin", bytes.Repeat([]byte("y"), 50<<10)}, {"f", "big.bin", big}}, "is larger than the limit of 102400 bytes"},
		{"body over MaxTotalBytes", tako.MultipartLimits{MaxMemory: 16 << 10, MaxTotalBytes: 200 << 10},
			nil, []mpFile{{"ok", "a.bin", bytes.Repeat([]byte("y"), 50<<10)}, {"f", "big.bin", big}}, "multipart body is larger than the limit"},
		{"too many parts", tako.MultipartLimits{MaxParts: 3},
			[][2]string{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}}, nil, "more than 3 parts"},
		{"values over MaxMemory", tako.MultipartLimits{MaxMemory: 100},
			[][2]string{{"a", strings.Repeat("v", 60)}, {"b", strings.Repeat("w", 60)}}, nil, "memory limit of 100 bytes"},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			runAll(t, func(t *testing.T, h *harness) {
				dir := t.TempDir()
				lim := tc.lim
				lim.TempDir = dir
				app := h.newApp(tako.Config{MaxBodyBytes: 8 << 10})
				app.Post("/", func(c *tako.Ctx) error {
					if _, err := c.MultipartForm(lim); err != nil {
						if n := dirEntries(t, dir); n != 0 {
							t.Errorf("%d spill files remain once MultipartForm has failed", n)
						}
						return err
					}
					return c.Text("accepted")
				})
				h.start()
				ct, body := multipartBody(t, tc.fields, tc.files)
				r := h.do("POST", "/", body, "Content-Type: "+ct)
				if r.status != 413 || !strings.Contains(r.body, tc.detail) ||
					!strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("got %d %q (%s), want 413 naming %q", r.status, r.body, r.header.Get("Content-Type"), tc.detail)
				}
				waitEmpty(t, dir)
			})
		})
	}
}

// TestMultipartSpillRemovedAfterHandler checks that spill files are removed when the
// request ends even when the handler succeeds and never closes anything.
func TestMultipartSpillRemovedAfterHandler(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		dir := t.TempDir()
		app := h.newApp()
		app.Post("/", func(c *tako.Ctx) error {
			f, err := c.MultipartForm(tako.MultipartLimits{MaxMemory: -1, TempDir: dir})
			if err != nil {
				return err
			}
			return c.Text(fmt.Sprintf("%d files on disk, mem=%v", dirEntries(t, dir), f.FormFile("a").InMemory()))
		})
		h.start()
		ct, body := multipartBody(t, nil, []mpFile{{"a", "a.txt", []byte("aaa")}, {"b", "b.txt", []byte("bbb")}})
		expect(t, h.do("POST", "/", body, "Content-Type: "+ct), 200, "2 files on disk, mem=false")
		waitEmpty(t, dir)
	})
}

func TestMultipartStream(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp(tako.Config{MaxBodyBytes: 1024})
		app.Post("/", func(c *tako.Ctx) error {
			mr, err := c.Multipart(tako.MultipartLimits{MaxPartBytes: 64 << 10})
			if err != nil {
				return err
			}
			var out strings.Builder
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
				n, err := io.Copy(io.Discard, p)
				if err != nil {
					return err
				}
				fmt.Fprintf(&out, "%s:%s:%d ", p.Name, p.FileName, n)
			}
			return c.Text(out.String())
		})
		h.start()
		ct, body := multipartBody(t, [][2]string{{"f", "v"}}, []mpFile{{"up", "u.bin", make([]byte, 50<<10)}})
		expect(t, h.do("POST", "/", body, "Content-Type: "+ct), 200, "f::1 up:u.bin:51200 ")

		ct, body = multipartBody(t, nil, []mpFile{{"up", "u.bin", make([]byte, 80<<10)}})
		if r := h.do("POST", "/", body, "Content-Type: "+ct); r.status != 413 {
			t.Errorf("part over the limit: %d %q", r.status, r.body)
		}
		if r := h.do("POST", "/", strings.NewReader("x"), "Content-Type: text/plain"); r.status != 415 {
			t.Errorf("not multipart: %d", r.status)
		}
		if r := h.do("POST", "/", strings.NewReader("x"), "Content-Type: multipart/form-data"); r.status != 400 {
			t.Errorf("no boundary: %d", r.status)
		}
		if r := h.do("POST", "/", strings.NewReader("--b\r\nbroken"), "Content-Type: multipart/form-data; boundary=b"); r.status != 400 {
			t.Errorf("malformed: %d %q", r.status, r.body)
		}
	})
}
