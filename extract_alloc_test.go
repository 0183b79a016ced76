package tako_test

import (
	"encoding/base64"
	"net"
	"net/netip"
	"testing"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
)

var (
	allocOffers = []string{"application/json", "text/html"}
	allocLangs  = []string{"en", "de"}
)

// extractAllocApp serves one route per extractor whose fasthttp path must not allocate.
func extractAllocApp(t testing.TB) (*tako.App, string) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	signer, err := tako.NewCookieSigner(tako.GenerateCookieKey())
	if err != nil {
		t.Fatal(err)
	}
	keys, err := tako.NewAPIKeyAuth(tako.APIKeyConfig{Keys: []string{"k1", "the-key"}})
	if err != nil {
		t.Fatal(err)
	}
	app.TrustProxies(netip.MustParsePrefix("10.0.0.0/8"))
	app.Get("/cookie", func(c *tako.Ctx) error { return c.Text(c.Cookie("session")) })
	app.Get("/signed", func(c *tako.Ctx) error {
		v, _ := signer.Cookie(c, "session")
		return c.Text(v)
	})
	app.Get("/bearer", func(c *tako.Ctx) error {
		tok, _ := c.BearerToken()
		return c.Text(tok)
	})
	app.Get("/basic", func(c *tako.Ctx) error {
		u, p, _ := c.BasicAuth()
		c.WriteString(u)
		c.WriteString(":")
		c.WriteString(p)
		return nil
	})
	app.Get("/apikey", func(c *tako.Ctx) error {
		if _, err := keys.Check(c); err != nil {
			return err
		}
		return c.Text("ok")
	})
	app.Get("/negotiate", func(c *tako.Ctx) error {
		t, _ := c.Negotiate(allocOffers...)
		l, _ := c.NegotiateLanguage(allocLangs...)
		c.WriteString(t)
		c.WriteString(" ")
		c.WriteString(l)
		return nil
	})
	app.Get("/range", func(c *tako.Ctx) error {
		rs, err := c.Range(1000, parse.RangeLimits{})
		if err != nil {
			return err
		}
		if rs.Len() != 1 || rs.At(0).Length != 100 {
			return c.Text("bad")
		}
		return c.Text("range")
	})
	app.Get("/clientip", func(c *tako.Ctx) error {
		if c.ClientIP() != netip.MustParseAddr("203.0.113.7") {
			return c.Text("bad")
		}
		return c.Text(c.ForwardedScheme())
	})
	signed, err := signer.Sign("session", "user-42")
	if err != nil {
		t.Fatal(err)
	}
	return app, signed
}

// TestExtractZeroAllocFastHTTP proves that reading a plain or signed cookie, Basic and
// Bearer credentials, an API key, negotiating, Range and ClientIP allocate nothing for a
// whole request on the fasthttp engine in steady state.
func TestExtractZeroAllocFastHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	app, signed := extractAllocApp(t)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	cases := []struct{ name, req, body string }{
		{"cookie", "GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=1; session=abc123\r\n\r\n", "abc123"},
		{"signed cookie", "GET /signed HTTP/1.1\r\nHost: x\r\nCookie: session=" + signed + "\r\n\r\n", "user-42"},
		{"bearer", "GET /bearer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mF_9.B5f-4.1JqM\r\n\r\n", "mF_9.B5f-4.1JqM"},
		{"basic", "GET /basic HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic + "\r\n\r\n", "alice:s3cret"},
		{"api key", "GET /apikey HTTP/1.1\r\nHost: x\r\nX-API-Key: the-key\r\n\r\n", "ok"},
		{"negotiate", "GET /negotiate HTTP/1.1\r\nHost: x\r\nAccept: text/html;q=0.9, application/json;q=0.1\r\nAccept-Language: de-CH, en;q=0.5\r\n\r\n", "text/html de"},
		{"range", "GET /range HTTP/1.1\r\nHost: x\r\nRange: bytes=100-199\r\n\r\n", "range"},
		{"client ip", "GET /clientip HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n\r\n", "https"},
	}
	c := serveInMemoryFrom(t, app, proxyAddr)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := []byte(tc.req)
			for range 100 {
				if got := c.roundTrip(t, req); string(got) != tc.body {
					t.Fatalf("body %q, want %q", got, tc.body)
				}
			}
			if n := testing.AllocsPerRun(500, func() { c.roundTrip(t, req) }); n != 0 {
				t.Errorf("%v allocs per request, want 0", n)
			}
		})
	}
}

func BenchmarkExtractFastHTTP(b *testing.B) {
	app, signed := extractAllocApp(b)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))
	c := serveInMemoryFrom(b, app, proxyAddr)
	for _, tc := range []struct{ name, req string }{
		{"cookie", "GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=1; session=abc123\r\n\r\n"},
		{"signed_cookie", "GET /signed HTTP/1.1\r\nHost: x\r\nCookie: session=" + signed + "\r\n\r\n"},
		{"bearer", "GET /bearer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mF_9.B5f-4.1JqM\r\n\r\n"},
		{"basic", "GET /basic HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic + "\r\n\r\n"},
		{"api_key", "GET /apikey HTTP/1.1\r\nHost: x\r\nX-API-Key: the-key\r\n\r\n"},
		{"client_ip", "GET /clientip HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n\r\n"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := []byte(tc.req)
			b.ReportAllocs()
			for b.Loop() {
				c.roundTrip(b, req)
			}
		})
	}
}

// proxyAddr is the peer address of the in-memory connection: a trusted proxy.
var proxyAddr = &net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 40000}

type bindAllocIn struct {
	ID    int64 `path:"id"`
	Page  int   `query:"page"`
	Limit int   `header:"X-Limit"`
	Debug bool  `cookie:"debug"`
}

// TestBindAllocsFastHTTP measures Ctx.Bind of a struct with no string fields from path,
// query, header and cookie on the fasthttp engine: the binding itself must not allocate.
func TestBindAllocsFastHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation test")
	}
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	c, req := bindAllocClient(t)
	for range 100 {
		if got := c.roundTrip(t, req); string(got) != "ok" {
			t.Fatalf("body %q", got)
		}
	}
	if n := testing.AllocsPerRun(500, func() { c.roundTrip(t, req) }); n != 0 {
		t.Errorf("%v allocs per request, want 0", n)
	}
}

func BenchmarkBindFastHTTP(b *testing.B) {
	c, req := bindAllocClient(b)
	b.ReportAllocs()
	for b.Loop() {
		c.roundTrip(b, req)
	}
}

// bindAllocClient serves a route that binds bindAllocIn and returns a client and request.
func bindAllocClient(t testing.TB) (*rawClient, []byte) {
	app := tako.New(tako.Config{Logger: discardLogger()})
	var in bindAllocIn
	app.Get("/items/:id", func(c *tako.Ctx) error {
		if err := c.Bind(&in); err != nil {
			return err
		}
		if in.ID != 42 || in.Page != 3 || in.Limit != 10 || !in.Debug {
			return c.Text("bad")
		}
		return c.Text("ok")
	})
	return serveInMemory(t, app), []byte("GET /items/42?page=3 HTTP/1.1\r\nHost: x\r\nX-Limit: 10\r\nCookie: debug=true\r\n\r\n")
}
