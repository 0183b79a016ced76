package tako

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// JWTConfig configures a JWTVerifier. Algorithms and at least one key (or KeyFunc) are
// required; everything else has a safe default.
type JWTConfig struct {
	// Algorithms is the allow-list of "alg" header values, for example {"RS256"} or
	// {"HS256"}. A token signed with any other algorithm is rejected before its signature
	// is looked at. "none" is refused by NewJWTVerifier.
	Algorithms []string

	// HMACKeys verify HS256, HS384 and HS512 tokens. Several keys allow rotation: a token
	// verifies if any key matches.
	HMACKeys [][]byte
	// PublicKeys verify the asymmetric algorithms: *rsa.PublicKey for RS* and PS*,
	// *ecdsa.PublicKey for ES*, ed25519.PublicKey for EdDSA. A token is only ever checked
	// against the keys of its algorithm's family, so an RSA public key can never be used
	// as an HMAC secret (the HS/RS confusion attack).
	PublicKeys []crypto.PublicKey
	// KeyFunc, when set, replaces HMACKeys and PublicKeys: it returns the key (or a
	// jwt.VerificationKeySet) for a token whose algorithm is already known to be allowed,
	// for example by its "kid" header from a JWKS. It must return a key of the algorithm's
	// family ([]byte for HS*); golang-jwt refuses any other type.
	KeyFunc jwt.Keyfunc

	// Issuer, when set, is the required "iss" claim.
	Issuer string
	// Audience, when set, lists accepted audiences: the "aud" claim must contain one.
	Audience []string
	// Leeway is the clock skew allowed when checking "exp", "nbf" and "iat". Default 0.
	Leeway time.Duration
	// ExpirationOptional accepts tokens without an "exp" claim. By default "exp" is
	// required: a token that never expires cannot be revoked.
	ExpirationOptional bool

	// Realm is the realm of the WWW-Authenticate challenge sent with a 401. Default "api".
	Realm string
	// Cookie, when set, names a cookie from which the token is read when the request has
	// no Bearer Authorization header. Browsers send cookies on cross-site requests, so a
	// route that accepts a cookie-borne token needs CSRF protection (SameSite=Strict or
	// Lax on the cookie, or a CSRF token).
	Cookie string
	// Now returns the current time; default time.Now. For tests.
	Now func() time.Time
}

// JWTVerifier verifies JSON Web Tokens (RFC 7519) with github.com/golang-jwt/jwt/v5 and
// extracts their claims. It is safe for concurrent use; create one with NewJWTVerifier at
// start-up. JWT reads a request's token and returns typed claims.
type JWTVerifier struct {
	cfg    JWTConfig
	parser *jwt.Parser

	hmac, rsa, ec, ed []jwt.VerificationKey // keys by algorithm family
	challenge         string                // `Bearer realm="..."`
}

// NewJWTVerifier returns a JWTVerifier for cfg. It refuses an empty allow-list, "none",
// unknown algorithms, and an allowed family with no key to verify it.
func NewJWTVerifier(cfg JWTConfig) (*JWTVerifier, error) {
	if len(cfg.Algorithms) == 0 {
		return nil, errors.New("tako: NewJWTVerifier: Algorithms is empty")
	}
	v := &JWTVerifier{cfg: cfg}
	for _, k := range cfg.HMACKeys {
		if len(k) == 0 {
			return nil, errors.New("tako: NewJWTVerifier: empty HMAC key")
		}
		v.hmac = append(v.hmac, append([]byte(nil), k...))
	}
	for i, k := range cfg.PublicKeys {
		switch k := k.(type) {
		case *rsa.PublicKey:
			v.rsa = append(v.rsa, k)
		case *ecdsa.PublicKey:
			v.ec = append(v.ec, k)
		case ed25519.PublicKey:
			v.ed = append(v.ed, k)
		default:
			return nil, fmt.Errorf("tako: NewJWTVerifier: public key %d has unsupported type %T", i, k)
		}
	}
	for _, alg := range cfg.Algorithms {
		if strings.EqualFold(alg, "none") {
			return nil, errors.New(`tako: NewJWTVerifier: algorithm "none" is never allowed`)
		}
		m := jwt.GetSigningMethod(alg)
		if m == nil {
			return nil, fmt.Errorf("tako: NewJWTVerifier: unknown algorithm %q", alg)
		}
		if cfg.KeyFunc == nil && len(v.keysFor(m)) == 0 {
			return nil, fmt.Errorf("tako: NewJWTVerifier: algorithm %q is allowed but no key of its family is configured", alg)
		}
	}
	opts := []jwt.ParserOption{
		jwt.WithValidMethods(slices.Clone(cfg.Algorithms)),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithIssuedAt(),
	}
	if !cfg.ExpirationOptional {
		opts = append(opts, jwt.WithExpirationRequired())
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if len(cfg.Audience) > 0 {
		opts = append(opts, jwt.WithAudience(cfg.Audience...))
	}
	if cfg.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(cfg.Now))
	}
	v.parser = jwt.NewParser(opts...)
	realm := cfg.Realm
	if realm == "" {
		realm = "api"
	}
	v.challenge = `Bearer realm="` + realm + `"`
	return v, nil
}

// keysFor returns the configured keys of m's family.
func (v *JWTVerifier) keysFor(m jwt.SigningMethod) []jwt.VerificationKey {
	switch m.(type) {
	case *jwt.SigningMethodHMAC:
		return v.hmac
	case *jwt.SigningMethodRSA, *jwt.SigningMethodRSAPSS:
		return v.rsa
	case *jwt.SigningMethodECDSA:
		return v.ec
	case *jwt.SigningMethodEd25519:
		return v.ed
	}
	return nil
}

// keyFunc chooses the keys by the family of the token's (already allowed) algorithm.
func (v *JWTVerifier) keyFunc(t *jwt.Token) (any, error) {
	if v.cfg.KeyFunc != nil {
		return v.cfg.KeyFunc(t)
	}
	keys := v.keysFor(t.Method)
	if len(keys) == 0 {
		return nil, fmt.Errorf("no key for algorithm %q", t.Method.Alg())
	}
	return jwt.VerificationKeySet{Keys: keys}, nil
}

// Verify parses and verifies token into claims (a pointer, such as *jwt.RegisteredClaims or
// a struct embedding it): algorithm allow-list, signature, then "exp", "nbf", "iat" (with
// Leeway), "iss" and "aud". The error wraps golang-jwt's (errors.Is(err,
// jwt.ErrTokenExpired) and so on).
func (v *JWTVerifier) Verify(token string, claims jwt.Claims) error {
	_, err := v.parser.ParseWithClaims(token, claims, v.keyFunc)
	return err
}

// Token returns the request's token: the Bearer credentials of Authorization, or the
// JWTConfig.Cookie cookie. Zero-copy: valid until the handler returns.
func (v *JWTVerifier) Token(c *Ctx) (string, bool) {
	if t, ok := c.BearerToken(); ok {
		return t, true
	}
	if v.cfg.Cookie != "" {
		if t := c.Cookie(v.cfg.Cookie); t != "" {
			return t, true
		}
	}
	return "", false
}

// JWT reads the request's token (see JWTVerifier.Token), verifies it with v and returns its
// claims decoded into a new T, which must embed or implement jwt.Claims through a pointer:
//
//	type Claims struct {
//		Role string `json:"role"`
//		jwt.RegisteredClaims
//	}
//	claims, err := tako.JWT[Claims](c, verifier)
//
// Every failure is a 401 *Error with a WWW-Authenticate Bearer challenge already set on the
// response (RFC 6750 §3): without error attributes when there is no token, with
// error="invalid_token" and a description otherwise. The detail names what was wrong
// (expired, not valid yet, bad signature, algorithm not allowed, wrong issuer or audience)
// without echoing the token; Err holds golang-jwt's error.
func JWT[T any, PT interface {
	*T
	jwt.Claims
}](c *Ctx, v *JWTVerifier) (*T, error) {
	tok, ok := v.Token(c)
	if !ok {
		return nil, Unauthorized(c, v.challenge, "missing bearer token")
	}
	claims := PT(new(T))
	if err := v.Verify(tok, claims); err != nil {
		desc := jwtErrorText(err)
		e := Unauthorized(c, v.challenge+`, error="invalid_token", error_description="`+desc+`"`, desc)
		e.Err = err
		return nil, e
	}
	return (*T)(claims), nil
}

// jwtErrorText describes a verification failure for the client, without its input.
func jwtErrorText(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "the token is malformed"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		// golang-jwt reports an algorithm outside WithValidMethods as an invalid signature
		// whose message names the method; tell the two apart (TestJWT checks both).
		if strings.Contains(err.Error(), "signing method") {
			return "the token algorithm is not allowed"
		}
		return "the token signature is invalid"
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		return "the token cannot be verified (algorithm not allowed or no key)"
	case errors.Is(err, jwt.ErrTokenExpired):
		return "the token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "the token is not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "the token is used before it was issued"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "the token has the wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "the token has the wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "the token lacks a required claim"
	}
	return "the token is invalid"
}

// RequireJWT returns middleware that verifies the request's token with v (see JWT) and
// stores the claims for the handlers it wraps, which read them with Local:
//
//	api := app.Group("/api", tako.RequireJWT[Claims](verifier))
//	api.Get("/me", func(c *tako.Ctx) error {
//		claims, _ := tako.Local[*Claims](c)
//		return c.Text(claims.Subject)
//	})
//
// A request without a valid token gets JWT's 401.
func RequireJWT[T any, PT interface {
	*T
	jwt.Claims
}](v *JWTVerifier) Middleware {
	return func(next Handler) Handler {
		return func(c *Ctx) error {
			claims, err := JWT[T, PT](c, v)
			if err != nil {
				return err
			}
			SetLocal(c, claims)
			return next(c)
		}
	}
}
