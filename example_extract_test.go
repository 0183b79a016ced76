package tako_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tako-go/tako"
)

// show runs req through app and prints the status and body.
func show(app *tako.App, req *http.Request) {
	resp, err := app.Test(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.TrimSpace(string(b)))
}

func ExampleHandle() {
	type CreateUser struct {
		Org   int64  `path:"org"`
		Name  string `json:"name" validate:"required,max=20"`
		Email string `json:"email" validate:"required,email"`
	}
	type User struct {
		ID   int64  `json:"id"`
		Org  int64  `json:"org"`
		Name string `json:"name"`
	}
	app := tako.New()
	app.Post("/orgs/:org/users", tako.Handle(func(c *tako.Ctx, in CreateUser) (User, error) {
		c.Status(http.StatusCreated)
		return User{ID: 1, Org: in.Org, Name: in.Name}, nil
	}))

	req := httptest.NewRequest("POST", "/orgs/7/users", strings.NewReader(`{"name":"ann","email":"ann@example.com"}`))
	req.Header.Set("Content-Type", "application/json")
	show(app, req)

	req = httptest.NewRequest("POST", "/orgs/7/users", strings.NewReader(`{"name":"ann","email":"nope"}`))
	req.Header.Set("Content-Type", "application/json")
	show(app, req)

	for _, op := range app.Operations() {
		fmt.Println(op.Method, op.Pattern, op.Types.In.Name(), "->", op.Types.Out.Name())
	}
	// Output:
	// 201 {"id":1,"org":7,"name":"ann"}
	// 422 {"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"body \"email\": must be a valid email address","errors":[{"field":"email","in":"body","rule":"email","message":"must be a valid email address"}]}
	// POST /orgs/:org/users CreateUser -> User
}

func ExampleCookieSigner() {
	signer, err := tako.NewCookieSigner(tako.GenerateCookieKey()) // keep the key secret and stable
	if err != nil {
		panic(err)
	}
	app := tako.New()
	app.Get("/login", func(c *tako.Ctx) error {
		return signer.SetCookie(c, &http.Cookie{Name: "user", Value: "ann", Path: "/", HttpOnly: true, Secure: true})
	})
	app.Get("/me", func(c *tako.Ctx) error {
		user, ok := signer.Cookie(c, "user")
		if !ok {
			return tako.NewError(http.StatusUnauthorized, "not logged in")
		}
		return c.Text("hello " + user)
	})

	resp, _ := app.Test(httptest.NewRequest("GET", "/login", nil))
	resp.Body.Close()
	ck := resp.Cookies()[0]

	req := httptest.NewRequest("GET", "/me", nil)
	req.AddCookie(ck)
	show(app, req)

	forged := *ck
	forged.Value = ck.Value[:43] + "eve" // same tag, another user
	req = httptest.NewRequest("GET", "/me", nil)
	req.AddCookie(&forged)
	show(app, req)
	// Output:
	// 200 hello ann
	// 401 {"type":"about:blank","title":"Unauthorized","status":401,"detail":"not logged in"}
}

func ExampleJWT() {
	type Claims struct {
		Role string `json:"role"`
		jwt.RegisteredClaims
	}
	secret := []byte("a secret of at least 32 bytes!!!")
	verifier, err := tako.NewJWTVerifier(tako.JWTConfig{
		Algorithms: []string{"HS256"},
		HMACKeys:   [][]byte{secret},
		Issuer:     "auth.example.com",
		Leeway:     30 * time.Second,
	})
	if err != nil {
		panic(err)
	}
	app := tako.New()
	app.Get("/admin", func(c *tako.Ctx) error {
		claims, err := tako.JWT[Claims](c, verifier)
		if err != nil {
			return err // 401 with WWW-Authenticate: Bearer ...
		}
		return c.Text(claims.Subject + " is " + claims.Role)
	})

	token, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, Claims{Role: "admin", RegisteredClaims: jwt.RegisteredClaims{
		Subject: "ann", Issuer: "auth.example.com", ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour)),
	}}).SignedString(secret)
	req := httptest.NewRequest("GET", "/admin", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	show(app, req)

	resp, _ := app.Test(httptest.NewRequest("GET", "/admin", nil))
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	// Output:
	// 200 ann is admin
	// 401 Bearer realm="api"
}

func ExampleCtx_ClientIP() {
	app := tako.New(tako.Config{Engine: tako.NetHTTP})
	app.TrustProxies(netip.MustParsePrefix("10.0.0.0/8")) // the load balancers
	app.Get("/", func(c *tako.Ctx) error {
		return c.Text(c.ClientIP().String() + " " + c.ForwardedScheme())
	})

	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "10.0.0.2:50000" // a trusted proxy
	req.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	req.Header.Set("X-Forwarded-Proto", "https")
	show(app, req)

	req = httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "198.51.100.9:50000" // anyone else: its headers are ignored
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Header.Set("X-Forwarded-Proto", "https")
	show(app, req)
	// Output:
	// 200 203.0.113.7 https
	// 200 198.51.100.9 http
}
