package tako_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

var (
	fuzzKey1 = bytes.Repeat([]byte{1}, 32)
	fuzzKey2 = bytes.Repeat([]byte{2}, 32)
)

// FuzzSignedCookie feeds arbitrary names and signed values to CookieSigner.Verify: it must
// not panic, must accept only what Sign produces (a value that verifies re-signs to the
// same bytes, so no second encoding of a tag is accepted), and every valid value must
// round-trip.
func FuzzSignedCookie(f *testing.F) {
	s, err := tako.NewCookieSigner(fuzzKey1, fuzzKey2)
	if err != nil {
		f.Fatal(err)
	}
	old, _ := tako.NewCookieSigner(fuzzKey2)
	signed, _ := s.Sign("session", "user-42")
	signedOld, _ := old.Sign("session", "v")
	f.Add("session", signed)
	f.Add("session", signedOld)
	f.Add("other", signed)
	f.Add("s", strings.Repeat("A", 43))
	f.Add("", "")
	f.Fuzz(func(t *testing.T, name, in string) {
		if v, ok := s.Verify(name, in); ok {
			again, err := s.Sign(name, v)
			againOld, errOld := old.Sign(name, v)
			if (err != nil || again != in) && (errOld != nil || againOld != in) {
				t.Fatalf("Verify(%q, %q) accepted a value that no key signs that way", name, in)
			}
		}
		if sv, err := s.Sign(name, in); err == nil {
			if v, ok := s.Verify(name, sv); !ok || v != in {
				t.Fatalf("round trip of %q: %q %v", in, v, ok)
			}
		}
	})
}

// FuzzPrivateCookie feeds arbitrary sealed values to CookieCipher.Open (it must not panic or
// accept a forgery) and checks that every value round-trips and stays bound to its name.
func FuzzPrivateCookie(f *testing.F) {
	p, err := tako.NewCookieCipher(fuzzKey1, fuzzKey2)
	if err != nil {
		f.Fatal(err)
	}
	// Sealed once with fuzzKey1 (fixed, since fuzz workers re-run this setup and Seal's
	// nonce is random): the only input Open may accept.
	const genuine = "ygzwsSTGE5taerToieCFX-oQZNU7bL3eg_GJNQU9FEmeNcg"
	if v, ok := p.Open("session", genuine); !ok || v != "user-42" {
		f.Fatalf("the genuine seed does not open: %q %v", v, ok)
	}
	f.Add("session", genuine)
	f.Add("session", "")
	f.Add("x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, name, in string) {
		if v, ok := p.Open(name, in); ok && (name != "session" || in != genuine) {
			t.Fatalf("Open(%q, %q) accepted a value it did not seal: %q", name, in, v)
		}
		sealed := p.Seal(name, in)
		if v, ok := p.Open(name, sealed); !ok || v != in {
			t.Fatalf("round trip of %q: %q %v", in, v, ok)
		}
		if _, ok := p.Open(name+"x", sealed); ok {
			t.Fatalf("value sealed for %q opens under %q", name, name+"x")
		}
	})
}

// formSummary renders a multipart form canonically, for comparison with mime/multipart.
func formSummary(values map[string][]string, files map[string][]string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(values)) {
		fmt.Fprintf(&b, "v %q=%q\n", k, values[k])
	}
	for _, k := range slices.Sorted(maps.Keys(files)) {
		fmt.Fprintf(&b, "f %q=%q\n", k, files[k])
	}
	return b.String()
}

// FuzzMultipartForm sends arbitrary multipart bodies through MultipartForm on both engines
// and compares the result with mime/multipart's ReadForm: when the standard library reads
// the form, Tako must read the same values and files; when it refuses it, Tako must answer
// 4xx. No temporary file may survive any request.
func FuzzMultipartForm(f *testing.F) {
	const boundary = "XyZ"
	var seed bytes.Buffer
	w := multipart.NewWriter(&seed)
	w.SetBoundary(boundary)
	w.WriteField("a", "1")
	w.WriteField("a", "2")
	fw, _ := w.CreateFormFile("file", "f.txt")
	fw.Write(bytes.Repeat([]byte("z"), 300))
	w.Close()
	f.Add(seed.Bytes())
	f.Add([]byte("--XyZ\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--XyZ--\r\n"))
	f.Add([]byte("--XyZ\r\nContent-Disposition: form-data; name=\"x\"; filename=\"../a\"\r\n\r\nv\r\n--XyZ--"))
	f.Add([]byte("--XyZ\r\n\r\n\r\n--XyZ--\r\n"))
	f.Add([]byte("--XyZ\r\nbroken"))

	dir := f.TempDir()
	lim := tako.MultipartLimits{MaxMemory: 128, TempDir: dir}
	handler := func(c *tako.Ctx) error {
		form, err := c.MultipartForm(lim)
		if err != nil {
			return err
		}
		files := map[string][]string{}
		for k, fs := range form.File {
			for _, ff := range fs {
				b, err := io.ReadAll(ff.Open())
				if err != nil {
					return err
				}
				files[k] = append(files[k], ff.FileName+":"+string(b))
			}
		}
		return c.Text(formSummary(form.Value, files))
	}
	apps := []*tako.App{}
	for _, e := range []tako.Engine{tako.FastHTTP, tako.NetHTTP} {
		app := tako.New(tako.Config{Engine: e, Logger: discardLogger()})
		app.Post("/", handler)
		apps = append(apps, app)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, refErr, valueBytes := "", error(nil), 0
		form, err := multipart.NewReader(bytes.NewReader(body), boundary).ReadForm(1 << 20)
		if err != nil {
			refErr = err
		} else {
			files := map[string][]string{}
			for k, fs := range form.File {
				for _, fh := range fs {
					rc, _ := fh.Open()
					b, _ := io.ReadAll(rc)
					rc.Close()
					files[k] = append(files[k], fh.Filename+":"+string(b))
				}
			}
			for _, vs := range form.Value {
				for _, v := range vs {
					valueBytes += len(v)
				}
			}
			want = formSummary(form.Value, files)
			form.RemoveAll()
		}
		for _, app := range apps {
			req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
			resp, err := app.Test(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode >= 500:
				t.Fatalf("%d %s for %q", resp.StatusCode, got, body)
			case refErr == nil && resp.StatusCode == 413 && int64(valueBytes) > lim.MaxMemory:
				// Field values over MaxMemory: Tako's limit, by design (ReadForm had 1 MiB).
			case refErr == nil && (resp.StatusCode != 200 || string(got) != want):
				t.Fatalf("body %q:\nTako %d %s\nmime/multipart:\n%s", body, resp.StatusCode, got, want)
			case refErr != nil && resp.StatusCode == 200:
				t.Fatalf("body %q: Tako accepted what mime/multipart refuses (%v): %s", body, refErr, got)
			}
			if es, _ := os.ReadDir(dir); len(es) != 0 {
				t.Fatalf("temporary files left: %v", es)
			}
		}
	})
}
