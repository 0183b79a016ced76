package tako_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
)

func TestCookiesRead(t *testing.T) {
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			var all []string
			for k, v := range c.Cookies() {
				all = append(all, k+"="+v)
			}
			return c.Text(strings.Join(all, "&") + "|" + c.Cookie("b") + "|" +
				boolText(c.HasCookie("empty")) + boolText(c.HasCookie("nope")))
		})
		h.start()
		r := h.get("/", `Cookie: a=1; b="two"; empty=; c=x%20y`)
		expect(t, r, 200, `a=1&b=two&empty=&c=x%20y|two|truefalse`)
		r = h.get("/") // no Cookie header at all
		expect(t, r, 200, `||falsefalse`)
		// Several Cookie lines, as HTTP/2 clients send them (RFC 9113 §8.2.3).
		r = h.get("/", "Cookie: a=1", "Cookie: b=2; empty=")
		expect(t, r, 200, `a=1&b=2&empty=|2|truefalse`)
	})
}

func TestCookieWriteAllAttributes(t *testing.T) {
	expires := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
	want := &http.Cookie{
		Name: "session", Value: "abc123", Domain: "example.com", Path: "/app",
		Expires: expires, MaxAge: 3600, Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Partitioned: true,
	}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			c.SetCookie(want)
			c.SetCookie(&http.Cookie{Name: "lax", Value: "1", SameSite: http.SameSiteLaxMode})
			c.SetCookie(&http.Cookie{Name: "none", Value: "2", SameSite: http.SameSiteNoneMode, Secure: true})
			c.ClearCookie("old", "/", "example.com")
			return c.NoContent()
		})
		h.start()
		r := h.get("/")
		lines := r.header.Values("Set-Cookie")
		if len(lines) != 4 {
			t.Fatalf("Set-Cookie lines %q, want 4", lines)
		}
		got, err := http.ParseSetCookie(lines[0])
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != want.Name || got.Value != want.Value || got.Domain != want.Domain ||
			got.Path != want.Path || !got.Expires.Equal(expires) || got.MaxAge != 3600 ||
			!got.Secure || !got.HttpOnly || got.SameSite != http.SameSiteStrictMode || !got.Partitioned {
			t.Errorf("cookie %q parsed as %+v, want %+v", lines[0], got, want)
		}
		for _, part := range []string{"Domain=example.com", "Path=/app", "Expires=Tue, 04 Mar 2031 05:06:07 GMT",
			"Max-Age=3600", "HttpOnly", "Secure", "SameSite=Strict", "Partitioned"} {
			if !strings.Contains(lines[0], part) {
				t.Errorf("Set-Cookie %q lacks %q", lines[0], part)
			}
		}
		if !strings.Contains(lines[1], "SameSite=Lax") || !strings.Contains(lines[2], "SameSite=None") {
			t.Errorf("SameSite: %q, %q", lines[1], lines[2])
		}
		cleared, err := http.ParseSetCookie(lines[3])
		if err != nil {
			t.Fatal(err)
		}
		if cleared.Name != "old" || cleared.Value != "" || cleared.MaxAge != -1 || !cleared.Expires.Before(time.Now()) ||
			cleared.Path != "/" || cleared.Domain != "example.com" {
			t.Errorf("ClearCookie sent %q", lines[3])
		}
	})
}

// setCookieValue returns the value of the named cookie in a response's Set-Cookie lines.
func setCookieValue(t *testing.T, r response, name string) string {
	t.Helper()
	for _, line := range r.header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err == nil && ck.Name == name {
			return ck.Value
		}
	}
	t.Fatalf("no Set-Cookie for %q in %q", name, r.header.Values("Set-Cookie"))
	return ""
}

func mustSigner(t *testing.T, keys ...[]byte) *tako.CookieSigner {
	t.Helper()
	s, err := tako.NewCookieSigner(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCipher(t *testing.T, keys ...[]byte) *tako.CookieCipher {
	t.Helper()
	p, err := tako.NewCookieCipher(keys...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// cookieApp serves /set (sets cookie "session" to value "user-42" via set) and /get (reads
// "session" via get, answering 401 when it does not verify).
func cookieApp(h *harness, set func(c *tako.Ctx, ck *http.Cookie) error, get func(c *tako.Ctx, name string) (string, bool)) {
	app := h.newApp()
	app.Get("/set", func(c *tako.Ctx) error {
		if err := set(c, &http.Cookie{Name: "session", Value: "user-42", Path: "/", HttpOnly: true, Secure: true,
			SameSite: http.SameSiteLaxMode}); err != nil {
			return err
		}
		return c.NoContent()
	})
	app.Get("/get", func(c *tako.Ctx) error {
		v, ok := get(c, c.Query("name"))
		if !ok {
			return tako.NewError(401, "bad cookie")
		}
		return c.Text(v)
	})
	h.start()
}

func TestSignedCookie(t *testing.T) {
	oldKey, newKey := tako.GenerateCookieKey(), tako.GenerateCookieKey()
	runAll(t, func(t *testing.T, h *harness) {
		signer := mustSigner(t, oldKey)
		cookieApp(h, signer.SetCookie, signer.Cookie)
		r := h.get("/set")
		v := setCookieValue(t, r, "session")
		if !strings.HasSuffix(v, "user-42") || len(v) != 43+len("user-42") {
			t.Fatalf("signed value %q: want a 43-character tag then the value", v)
		}
		if line := r.header.Get("Set-Cookie"); !strings.Contains(line, "HttpOnly") || !strings.Contains(line, "SameSite=Lax") {
			t.Errorf("attributes lost: %q", line)
		}
		expect(t, h.get("/get?name=session", "Cookie: session="+v), 200, "user-42")

		// Security cases: every change to the value or tag is rejected.
		tampered := []string{
			v[:43] + "user-43",                  // value changed
			v[:43] + "user-42x",                 // value extended
			flip(v, 5),                          // tag changed
			v[:42] + "user-42",                  // tag truncated
			"user-42",                           // no tag
			strings.Repeat("A", 43) + "user-42", // forged tag
		}
		for _, bad := range tampered {
			if r := h.get("/get?name=session", "Cookie: session="+bad); r.status != 401 {
				t.Errorf("tampered %q accepted: %d %q", bad, r.status, r.body)
			}
		}
		// A value signed for one cookie is not valid under another name.
		if r := h.get("/get?name=other", "Cookie: other="+v); r.status != 401 {
			t.Errorf("value moved to another cookie name accepted: %d", r.status)
		}
	})

	// Key rotation: the new key first signs; the old one still verifies; once dropped, old
	// cookies are rejected.
	oldSigner := mustSigner(t, oldKey)
	rotated := mustSigner(t, newKey, oldKey)
	newOnly := mustSigner(t, newKey)
	signedOld, err := oldSigner.Sign("session", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := rotated.Verify("session", signedOld); !ok || got != "v1" {
		t.Errorf("rotated signer rejects a value signed with the old key")
	}
	if _, ok := newOnly.Verify("session", signedOld); ok {
		t.Errorf("a signer without the old key accepts its value")
	}
	signedNew, _ := rotated.Sign("session", "v2")
	if _, ok := newOnly.Verify("session", signedNew); !ok {
		t.Errorf("rotated signer does not sign with its first key")
	}
	if _, ok := oldSigner.Verify("session", signedNew); ok {
		t.Errorf("old-key signer accepts a value signed with the new key")
	}

	if _, err := tako.NewCookieSigner(make([]byte, 16)); err == nil {
		t.Error("NewCookieSigner accepted a 16-byte key")
	}
	if _, err := tako.NewCookieSigner(); err == nil {
		t.Error("NewCookieSigner accepted no key")
	}
	if _, err := oldSigner.Sign("s", "has space"); err != tako.ErrCookieValue {
		t.Errorf("Sign of a value with a space: %v, want ErrCookieValue", err)
	}
}

func TestPrivateCookie(t *testing.T) {
	oldKey, newKey := tako.GenerateCookieKey(), tako.GenerateCookieKey()
	runAll(t, func(t *testing.T, h *harness) {
		priv := mustCipher(t, oldKey)
		cookieApp(h, func(c *tako.Ctx, ck *http.Cookie) error { priv.SetCookie(c, ck); return nil }, priv.Cookie)
		r := h.get("/set")
		v := setCookieValue(t, r, "session")
		if strings.Contains(v, "user") || strings.Contains(r.header.Get("Set-Cookie"), "user-42") {
			t.Fatalf("private cookie leaks its plaintext: %q", r.header.Get("Set-Cookie"))
		}
		expect(t, h.get("/get?name=session", "Cookie: session="+v), 200, "user-42")
		if again := setCookieValue(t, h.get("/set"), "session"); again == v {
			t.Errorf("two seals of the same value are identical (nonce reused): %q", v)
		}

		for _, bad := range []string{flip(v, 3), flip(v, len(v)-2), v[:len(v)-4], v + "AAAA", "", "!!!"} {
			if r := h.get("/get?name=session", "Cookie: session="+bad); r.status != 401 {
				t.Errorf("tampered %q accepted: %d %q", bad, r.status, r.body)
			}
		}
		if r := h.get("/get?name=other", "Cookie: other="+v); r.status != 401 {
			t.Errorf("value moved to another cookie name accepted: %d", r.status)
		}
	})

	// Unreadable without the key; readable after rotation while the old key is kept.
	old := mustCipher(t, oldKey)
	sealed := old.Seal("session", "secret value; with ,odd\" bytes")
	if _, ok := mustCipher(t, newKey).Open("session", sealed); ok {
		t.Error("a cipher without the key opened the value")
	}
	rotated := mustCipher(t, newKey, oldKey)
	if got, ok := rotated.Open("session", sealed); !ok || got != "secret value; with ,odd\" bytes" {
		t.Errorf("rotated cipher: %q %v", got, ok)
	}
	if _, ok := old.Open("session", rotated.Seal("session", "x")); ok {
		t.Error("rotated cipher does not seal with its first key")
	}
	long := strings.Repeat("x", 4000) // past Open's stack buffer
	if got, ok := old.Open("session", old.Seal("session", long)); !ok || got != long {
		t.Error("long value does not round-trip")
	}
	for _, n := range []int{0, 16, 24, 31, 33} {
		if _, err := tako.NewCookieCipher(make([]byte, n)); err == nil {
			t.Errorf("NewCookieCipher accepted a %d-byte key", n)
		}
	}
}

// flip changes the character at i of a base64url string to another valid one.
func flip(s string, i int) string {
	b := []byte(s)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestSignedCookieVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s := mustSigner(t, tako.GenerateCookieKey(), tako.GenerateCookieKey())
	signed, _ := s.Sign("session", "user-42")
	s.Verify("session", signed)
	if n := testing.AllocsPerRun(1000, func() {
		if _, ok := s.Verify("session", signed); !ok {
			t.Fatal("verify failed")
		}
	}); n != 0 {
		t.Errorf("Verify: %v allocs, want 0", n)
	}
}

// TestCookiesH2C reads cookies, a signed cookie and Bind's cookie field over HTTP/2 (h2c),
// where clients may send each cookie as its own header field.
func TestCookiesH2C(t *testing.T) {
	signer := mustSigner(t, tako.GenerateCookieKey())
	signed, _ := signer.Sign("s", "v1")
	type in struct {
		B string `cookie:"b"`
	}
	app := tako.New()
	app.Get("/", func(c *tako.Ctx) error {
		var all []string
		for k, v := range c.Cookies() {
			all = append(all, k+"="+v)
		}
		sv, _ := signer.Cookie(c, "s")
		v, err := tako.BindInto[in](c)
		if err != nil {
			return err
		}
		return c.Text(strings.Join(all[:2], "&") + " " + sv + " " + v.B + " " + c.Protocol())
	})
	srv := httptest.NewUnstartedServer(app.Handler())
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	srv.Config.Protocols = &p
	srv.Start()
	defer srv.Close()
	var cp http.Protocols
	cp.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: &cp}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2; s="+signed)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "a=1&b=2 v1 2 HTTP/2.0" {
		t.Errorf("got %q", b)
	}
}
