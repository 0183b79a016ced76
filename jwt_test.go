package tako_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tako-go/tako"
)

type testClaims struct {
	Role string `json:"role"`
	jwt.RegisteredClaims
}

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t *testing.T) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return rsaKey
}

func sign(t *testing.T, m jwt.SigningMethod, key any, c jwt.Claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claimsAt(exp, nbf, iat time.Time, iss string, aud ...string) testClaims {
	c := testClaims{Role: "admin", RegisteredClaims: jwt.RegisteredClaims{Subject: "alice", Issuer: iss, Audience: aud}}
	if !exp.IsZero() {
		c.ExpiresAt = jwt.NewNumericDate(exp)
	}
	if !nbf.IsZero() {
		c.NotBefore = jwt.NewNumericDate(nbf)
	}
	if !iat.IsZero() {
		c.IssuedAt = jwt.NewNumericDate(iat)
	}
	return c
}

func TestJWT(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	oldSecret := []byte("an older secret that is still accepted")
	rk := testRSAKey(t)
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&rk.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})

	now := time.Now()
	hour := time.Hour
	leeway := 30 * time.Second
	good := claimsAt(now.Add(hour), now.Add(-hour), now.Add(-hour), "https://issuer.example", "api")

	noneTok := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, good)
	// A token re-signed with "none" after changing the claims: the classic downgrade.
	parts := strings.Split(sign(t, jwt.SigningMethodHS256, secret, good), ".")
	noneHdr := base64url(`{"alg":"none","typ":"JWT"}`)
	noneStripped := noneHdr + "." + parts[1] + "."

	cases := []struct {
		name, token string
		want        string // "" means 401 with this substring in the detail
		detail      string
	}{
		{"HS256 valid", sign(t, jwt.SigningMethodHS256, secret, good), "admin alice", ""},
		{"HS256 old key (rotation)", sign(t, jwt.SigningMethodHS256, oldSecret, good), "admin alice", ""},
		{"RS256 valid", sign(t, jwt.SigningMethodRS256, rk, good), "admin alice", ""},
		{"ES256 valid", sign(t, jwt.SigningMethodES256, ek, good), "admin alice", ""},
		{"PS256 valid", sign(t, jwt.SigningMethodPS256, rk, good), "admin alice", ""},
		{"EdDSA valid", sign(t, jwt.SigningMethodEdDSA, edKey, good), "admin alice", ""},
		{"EdDSA with another key", sign(t, jwt.SigningMethodEdDSA, mustEd(t), good), "", "signature is invalid"},
		{"alg none", noneTok, "", "algorithm is not allowed"},
		{"alg none, signature stripped", noneStripped, "", ""},
		{"HS256 wrong key", sign(t, jwt.SigningMethodHS256, []byte("wrong wrong wrong wrong wrong!!!"), good), "", "signature is invalid"},
		{"RS256 wrong key", sign(t, jwt.SigningMethodRS256, mustRSA(t), good), "", "signature is invalid"},
		{"HS/RS confusion: HS256 keyed with the RSA public key PEM", sign(t, jwt.SigningMethodHS256, pubPEM, good), "", "signature is invalid"},
		{"HS/RS confusion: HS256 keyed with the RSA public key DER", sign(t, jwt.SigningMethodHS256, pubDER, good), "", "signature is invalid"},
		{"HS512 not in the allow-list", sign(t, jwt.SigningMethodHS512, secret, good), "", "algorithm is not allowed"},
		{"expired", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(-time.Minute), time.Time{}, time.Time{}, "https://issuer.example", "api")), "", "expired"},
		{"expired within leeway", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(-10*time.Second), time.Time{}, time.Time{}, "https://issuer.example", "api")), "admin alice", ""},
		{"not valid yet", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), now.Add(time.Minute), time.Time{}, "https://issuer.example", "api")), "", "not valid yet"},
		{"nbf within leeway", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), now.Add(10*time.Second), time.Time{}, "https://issuer.example", "api")), "admin alice", ""},
		{"issued in the future", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), time.Time{}, now.Add(time.Minute), "https://issuer.example", "api")), "", "before it was issued"},
		{"no exp", sign(t, jwt.SigningMethodHS256, secret, claimsAt(time.Time{}, time.Time{}, time.Time{}, "https://issuer.example", "api")), "", "required claim"},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), time.Time{}, time.Time{}, "https://evil.example", "api")), "", "wrong issuer"},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), time.Time{}, time.Time{}, "https://issuer.example", "other")), "", "wrong audience"},
		{"second audience", sign(t, jwt.SigningMethodHS256, secret, claimsAt(now.Add(hour), time.Time{}, time.Time{}, "https://issuer.example", "other", "api")), "admin alice", ""},
		{"malformed", "abc.def.ghi", "", "malformed"},
	}

	runAll(t, func(t *testing.T, h *harness) {
		v, err := tako.NewJWTVerifier(tako.JWTConfig{
			Algorithms: []string{"HS256", "RS256", "PS256", "ES256", "EdDSA"},
			HMACKeys:   [][]byte{secret, oldSecret},
			PublicKeys: []crypto.PublicKey{&rk.PublicKey, &ek.PublicKey, edPub},
			Issuer:     "https://issuer.example",
			Audience:   []string{"api"},
			Leeway:     leeway,
			Realm:      "test",
			Cookie:     "jwt",
		})
		if err != nil {
			t.Fatal(err)
		}
		app := h.newApp()
		app.Get("/", func(c *tako.Ctx) error {
			claims, err := tako.JWT[testClaims](c, v)
			if err != nil {
				return err
			}
			return c.Text(claims.Role + " " + claims.Subject)
		})
		h.start()
		for _, tc := range cases {
			r := h.get("/", "Authorization: Bearer "+tc.token)
			if tc.want != "" {
				if r.status != 200 || r.body != tc.want {
					t.Errorf("%s: got %d %q, want 200 %q", tc.name, r.status, r.body, tc.want)
				}
				continue
			}
			wa := r.header.Get("WWW-Authenticate")
			if r.status != 401 || !strings.HasPrefix(wa, `Bearer realm="test", error="invalid_token"`) ||
				!strings.Contains(r.body, tc.detail) {
				t.Errorf("%s: got %d %q (WWW-Authenticate %q), want 401 naming %q", tc.name, r.status, r.body, wa, tc.detail)
			}
			if strings.Contains(r.body, tc.token) {
				t.Errorf("%s: the problem document echoes the token", tc.name)
			}
		}
		r := h.get("/")
		if r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="test"` {
			t.Errorf("no token: %d %q", r.status, r.header.Get("WWW-Authenticate"))
		}
		expect(t, h.get("/", "Cookie: jwt="+cases[0].token), 200, "admin alice")
	})

	// An RS256-only verifier (the usual target of HS/RS confusion) rejects an HS256 token
	// keyed with its public key, even though it holds no HMAC keys at all.
	rsOnly, err := tako.NewJWTVerifier(tako.JWTConfig{Algorithms: []string{"RS256"}, PublicKeys: []crypto.PublicKey{&rk.PublicKey}})
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range [][]byte{pubPEM, pubDER} {
		var c testClaims
		if err := rsOnly.Verify(sign(t, jwt.SigningMethodHS256, key, good), &c); err == nil {
			t.Error("RS256-only verifier accepted an HS256 token keyed with the public key")
		}
	}
	var c testClaims
	if err := rsOnly.Verify(sign(t, jwt.SigningMethodRS256, rk, good), &c); err != nil || c.Role != "admin" {
		t.Errorf("RS256-only verifier: %v", err)
	}
}

func TestJWTConfigRefused(t *testing.T) {
	for name, cfg := range map[string]tako.JWTConfig{
		"empty allow-list":      {HMACKeys: [][]byte{[]byte("k")}},
		"none":                  {Algorithms: []string{"none"}, HMACKeys: [][]byte{[]byte("k")}},
		"NONE":                  {Algorithms: []string{"HS256", "NONE"}, HMACKeys: [][]byte{[]byte("k")}},
		"unknown algorithm":     {Algorithms: []string{"XS256"}, HMACKeys: [][]byte{[]byte("k")}},
		"HS256 without secret":  {Algorithms: []string{"HS256"}, PublicKeys: []crypto.PublicKey{&testRSAKey(t).PublicKey}},
		"RS256 without RSA key": {Algorithms: []string{"RS256"}, HMACKeys: [][]byte{[]byte("k")}},
		"empty secret":          {Algorithms: []string{"HS256"}, HMACKeys: [][]byte{{}}},
		"unsupported key type":  {Algorithms: []string{"RS256"}, PublicKeys: []crypto.PublicKey{"not a key"}},
	} {
		if _, err := tako.NewJWTVerifier(cfg); err == nil {
			t.Errorf("%s: NewJWTVerifier accepted it", name)
		}
	}
}

func mustEd(t *testing.T) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustRSA(t *testing.T) *rsa.PrivateKey {
	// A second, distinct key; 1024 bits keeps the test fast (golang-jwt does not check size).
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func base64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestRequireJWT(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	runAll(t, func(t *testing.T, h *harness) {
		v, err := tako.NewJWTVerifier(tako.JWTConfig{Algorithms: []string{"HS256"}, HMACKeys: [][]byte{secret}})
		if err != nil {
			t.Fatal(err)
		}
		app := h.newApp()
		api := app.Group("/api", tako.RequireJWT[testClaims](v))
		api.Get("/me", func(c *tako.Ctx) error {
			claims, ok := tako.Local[*testClaims](c)
			if !ok {
				return c.Text("no claims")
			}
			return c.Text(claims.Subject + " " + claims.Role)
		})
		h.start()
		tok := sign(t, jwt.SigningMethodHS256, secret, claimsAt(time.Now().Add(time.Hour), time.Time{}, time.Time{}, ""))
		expect(t, h.get("/api/me", "Authorization: Bearer "+tok), 200, "alice admin")
		if r := h.get("/api/me"); r.status != 401 || r.header.Get("WWW-Authenticate") != `Bearer realm="api"` {
			t.Errorf("no token: %d %q", r.status, r.header.Get("WWW-Authenticate"))
		}
		expired := sign(t, jwt.SigningMethodHS256, secret, claimsAt(time.Now().Add(-time.Hour), time.Time{}, time.Time{}, ""))
		if r := h.get("/api/me", "Authorization: Bearer "+expired); r.status != 401 || !strings.Contains(r.body, "expired") {
			t.Errorf("expired: %d %q", r.status, r.body)
		}
	})
}
