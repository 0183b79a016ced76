package tako_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/parse"
)

func TestNegotiate(t *testing.T) {
	offers := []string{"application/json", "text/html", "text/plain"}
	langs := []string{"en", "de", "de-CH", "fr"}
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/type", func(c *tako.Ctx) error {
			best, ok := c.Negotiate(offers...)
			if !ok {
				return tako.ErrNotAcceptable
			}
			return c.Text(best)
		})
		app.Get("/lang", func(c *tako.Ctx) error {
			best, ok := c.NegotiateLanguage(langs...)
			return c.Text(best + " " + boolText(ok))
		})
		app.Get("/enc", func(c *tako.Ctx) error {
			best, ok := c.NegotiateEncoding("br", "gzip")
			return c.Text(best + " " + boolText(ok))
		})
		h.start()
		for accept, want := range map[string]string{
			"":                                     "application/json",
			"text/html":                            "text/html",
			"text/*;q=0.9, application/json;q=0.5": "text/html",
			"text/plain, text/html;q=0.1":          "text/plain",
			"*/*":                                  "application/json",
			"image/png, */*;q=0.1":                 "application/json",
			"application/json;q=0, text/*":         "text/html",
		} {
			var r response
			if accept == "" {
				r = h.get("/type")
			} else {
				r = h.get("/type", "Accept: "+accept)
			}
			expect(t, r, 200, want)
		}
		if r := h.get("/type", "Accept: image/png"); r.status != 406 {
			t.Errorf("unacceptable: %d %q", r.status, r.body)
		}
		expect(t, h.get("/lang", "Accept-Language: de-CH-1996, fr;q=0.5"), 200, "de-CH true")
		expect(t, h.get("/lang", "Accept-Language: fr-FR, de;q=0.8"), 200, "fr true")
		expect(t, h.get("/lang", "Accept-Language: ja"), 200, "en false")
		expect(t, h.get("/lang"), 200, "en false")
		expect(t, h.get("/enc", "Accept-Encoding: gzip, br;q=0.5"), 200, "gzip true")
		expect(t, h.get("/enc", "Accept-Encoding: identity"), 200, "identity true")
	})
}

func TestRange(t *testing.T) {
	const content = "0123456789abcdefghij" // 20 bytes
	modified := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	runAll(t, func(t *testing.T, h *harness) {
		app := h.newApp()
		app.Get("/file", func(c *tako.Ctx) error {
			c.SetHeader("ETag", `"v1"`)
			c.SetHeader("Last-Modified", modified.Format(http.TimeFormat))
			if !c.IfRange(`"v1"`, modified) {
				return c.Text(content)
			}
			rs, err := c.Range(int64(len(content)), parse.RangeLimits{})
			if err != nil {
				return err
			}
			if rs.Len() == 0 {
				return c.Text(content)
			}
			r := rs.At(0)
			c.SetHeader("Content-Range", string(r.AppendContentRange(nil, int64(len(content)))))
			return c.Status(http.StatusPartialContent).Text(content[r.Start : r.Start+r.Length])
		})
		h.start()
		r := h.get("/file", "Range: bytes=2-5")
		expect(t, r, 206, "2345")
		if cr := r.header.Get("Content-Range"); cr != "bytes 2-5/20" {
			t.Errorf("Content-Range %q", cr)
		}
		expect(t, h.get("/file", "Range: bytes=-3"), 206, "hij")
		expect(t, h.get("/file", "Range: bytes=15-100"), 206, "fghij")
		r = h.get("/file", "Range: bytes=20-30")
		if r.status != 416 || r.header.Get("Content-Range") != "bytes */20" || !strings.Contains(r.body, `"status":416`) {
			t.Errorf("unsatisfiable: %d %q %q", r.status, r.header.Get("Content-Range"), r.body)
		}
		// Headers RFC 9110 lets a server ignore: the whole representation, 200.
		for _, ignored := range []string{"bytes=abc", "items=0-1", "bytes=5-2", "bytes=" + strings.Repeat("0-0,", 40) + "0-0"} {
			expect(t, h.get("/file", "Range: "+ignored), 200, content)
		}
		expect(t, h.get("/file"), 200, content)

		// If-Range: the range applies only while the validator still matches.
		expect(t, h.get("/file", "Range: bytes=0-1", `If-Range: "v1"`), 206, "01")
		expect(t, h.get("/file", "Range: bytes=0-1", "If-Range: "+modified.Format(http.TimeFormat)), 206, "01")
		for _, stale := range []string{`"v0"`, `W/"v1"`, modified.Add(time.Second).Format(http.TimeFormat), "garbage"} {
			expect(t, h.get("/file", "Range: bytes=0-1", "If-Range: "+stale), 200, content)
		}
	})
}

func TestClientIP(t *testing.T) {
	type tc struct {
		name    string
		trust   []string
		headers []string
		ip      string
		scheme  string
		host    string
	}
	cases := []tc{
		{"no trusted proxies: spoofed XFF ignored", nil,
			[]string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-Proto: https", "X-Forwarded-Host: evil.example"},
			"127.0.0.1", "http", "HOST"},
		{"peer not trusted: spoofed XFF and Forwarded ignored", []string{"10.0.0.0/8"},
			[]string{"X-Forwarded-For: 6.6.6.6", "Forwarded: for=6.6.6.6;proto=https;host=evil.example", "X-Forwarded-Proto: https"},
			"127.0.0.1", "http", "HOST"},
		{"trusted chain: forged left entry skipped", []string{"127.0.0.0/8", "10.0.0.0/8"},
			[]string{"X-Forwarded-For: 6.6.6.6, 203.0.113.7, 10.1.2.3", "X-Forwarded-Proto: https", "X-Forwarded-Host: shop.example"},
			"203.0.113.7", "https", "shop.example"},
		{"trusted: several XFF lines joined, last wins", []string{"127.0.0.1/32"},
			[]string{"X-Forwarded-For: 6.6.6.6", "X-Forwarded-For: 203.0.113.9"},
			"203.0.113.9", "http", "HOST"},
		{"trusted: all hops trusted gives the leftmost", []string{"127.0.0.1/32", "10.0.0.0/8"},
			[]string{"X-Forwarded-For: 10.0.0.5, 10.0.0.6"},
			"10.0.0.5", "http", "HOST"},
		{"trusted: malformed XFF falls back to the peer", []string{"127.0.0.1/32"},
			[]string{"X-Forwarded-For: 203.0.113.9, garbage"},
			"127.0.0.1", "http", "HOST"},
		{"trusted: Forwarded preferred", []string{"127.0.0.1/32", "10.0.0.0/8"},
			[]string{`Forwarded: for=192.0.2.60;proto=https;host=api.example, for="[2001:db8::9]";proto=http, for=10.0.0.1`, "X-Forwarded-For: 6.6.6.6"},
			"2001:db8::9", "http", "HOST"},
		{"trusted: Forwarded with proto and host", []string{"127.0.0.1/32"},
			[]string{`Forwarded: for=192.0.2.60;proto=HTTPS;host=api.example`},
			"192.0.2.60", "https", "api.example"},
		{"trusted: bad proto and host ignored", []string{"127.0.0.1/32"},
			[]string{"X-Forwarded-Proto: javascript", "X-Forwarded-Host: evil.example/path"},
			"127.0.0.1", "http", "HOST"},
		{"trusted: last X-Forwarded-Proto wins", []string{"127.0.0.1/32"},
			[]string{"X-Forwarded-Proto: http, https"},
			"127.0.0.1", "https", "HOST"},
	}
	runAll(t, func(t *testing.T, h *harness) {
		for _, tc := range cases {
			t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
				h := &harness{t: t, engine: h.engine, tr: h.tr}
				app := h.newApp()
				var ps []netip.Prefix
				for _, p := range tc.trust {
					ps = append(ps, mustPrefix(p))
				}
				app.TrustProxies(ps...)
				app.Get("/", func(c *tako.Ctx) error {
					return c.Text(c.ClientIP().String() + " " + c.ForwardedScheme() + " " + c.ForwardedHost() + " " + c.RemoteIP().String())
				})
				h.start()
				host := h.addr
				scheme := tc.scheme
				if scheme == "http" && tc.name != "trusted: Forwarded preferred" {
					// Not from a trusted header (only that case's is): the connection's own.
					scheme = h.scheme
				}
				want := tc.ip + " " + scheme + " " + strings.Replace(tc.host, "HOST", host, 1) + " 127.0.0.1"
				expect(t, h.get("/", tc.headers...), 200, want)
			})
		}
	})
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
