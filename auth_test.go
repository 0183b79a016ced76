package tako_test

import (
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tako-go/tako"
)

func TestBasicAuth(t *testing.T) {
	enc := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	headers := []string{
		enc("alice:s3cret"),
		enc("alice:pa:ss:word"), // password is everything after the first ':'
		enc(":"),
		enc("ünï:cödé"),
		"basic " + base64.StdEncoding.EncodeToString([]byte("lower:case")),
		enc("nocolon"),
		"Basic !!!notbase64",
		"Bearer abc",
		"Basic",
		"",
		"Basic " + base64.StdEncoding.EncodeToString([]byte(strings.Repeat("u", 300)+":"+strings.Repeat("p", 300))),
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			u, p, ok := c.BasicAuth()
			if !ok {
				return tako.Unauthorized(c, `Basic realm="test", charset="UTF-8"`, "credentials required")
			}
			return c.Text(u + "|" + p)
		})
		h.start()
		for _, hdr := range headers {
			// net/http's Request.BasicAuth is the reference.
			ref := httptest.NewRequest("GET", "/", nil)
			if hdr != "" {
				ref.Header.Set("Authorization", hdr)
			}
			u, p, ok := ref.BasicAuth()
			var r response
			if hdr == "" {
				r = h.get("/")
			} else {
				r = h.get("/", "Authorization: "+hdr)
			}
			if ok {
				expect(t, r, 200, u+"|"+p)
				continue
			}
			if r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="test", charset="UTF-8"` {
				t.Errorf("%q: got %d, WWW-Authenticate %q; want 401 with the challenge", hdr, r.status, r.header.Get("WWW-Authenticate"))
			}
		}
	})
}

func TestBearerToken(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			tok, ok := c.BearerToken()
			if !ok {
				return tako.Unauthorized(c, `Bearer realm="test"`, "")
			}
			return c.Text(tok)
		})
		h.start()
		expect(t, h.get("/", "Authorization: Bearer mF_9.B5f-4.1JqM"), 200, "mF_9.B5f-4.1JqM")
		expect(t, h.get("/", "Authorization: bearer  abc=="), 200, "abc==")
		for _, bad := range []string{"Bearer", "Bearer a b", "Basic abc", "Bearer ab$c"} {
			r := h.get("/", "Authorization: "+bad)
			if r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="test"` {
				t.Errorf("%q: %d %q", bad, r.status, r.header.Get("WWW-Authenticate"))
			}
		}
		if r := h.get("/"); r.status != 401 {
			t.Errorf("no header: %d", r.status)
		}
	})
}

func TestAPIKey(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		hdrAuth, err := tako.NewAPIKeyAuth(tako.APIKeyConfig{Keys: []string{"key-one", "key-two"}})
		if err != nil {
			t.Fatal(err)
		}
		queryAuth, err := tako.NewAPIKeyAuth(tako.APIKeyConfig{Header: "X-Token", Query: "api_key", Keys: []string{"qk"}})
		if err != nil {
			t.Fatal(err)
		}
		app := h.newApp()
		app.Get("/h", func(c *tako.Ctx) error {
			i, err := hdrAuth.Check(c)
			if err != nil {
				return err
			}
			return c.Text("key " + string(rune('0'+i)))
		})
		app.Get("/q", func(c *tako.Ctx) error { return c.Text("ok") }, queryAuth.Middleware())
		h.start()

		expect(t, h.get("/h", "X-API-Key: key-one"), 200, "key 0")
		expect(t, h.get("/h", "x-api-key: key-two"), 200, "key 1")
		for _, bad := range []string{"key-on", "key-onee", "KEY-ONE", "x"} {
			r := h.get("/h", "X-API-Key: "+bad)
			if r.status != 401 || r.header.Get("WWW-Authenticate") != "APIKey" || !strings.Contains(r.body, "invalid API key") {
				t.Errorf("key %q: %d %q %q", bad, r.status, r.header.Get("WWW-Authenticate"), r.body)
			}
		}
		if r := h.get("/h"); r.status != 401 || !strings.Contains(r.body, "missing API key") {
			t.Errorf("no key: %d %q", r.status, r.body)
		}
		if r := h.get("/h?api_key=key-one"); r.status != 401 {
			t.Errorf("query key accepted where only the header is configured: %d", r.status)
		}
		expect(t, h.get("/q?api_key=qk"), 200, "ok")
		expect(t, h.get("/q", "X-Token: qk"), 200, "ok")
		if r := h.get("/q?api_key=nope"); r.status != 401 {
			t.Errorf("wrong query key: %d", r.status)
		}
	})
	if _, err := tako.NewAPIKeyAuth(tako.APIKeyConfig{}); err == nil {
		t.Error("NewAPIKeyAuth accepted no keys")
	}
	if _, err := tako.NewAPIKeyAuth(tako.APIKeyConfig{Keys: []string{""}}); err == nil {
		t.Error("NewAPIKeyAuth accepted an empty key")
	}
}
