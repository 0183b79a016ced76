package tako

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/tako-go/tako/parse"
)

// Authentication extractors: Basic credentials, Bearer tokens and API keys (this file), JWT
// claims (jwt.go). A failed check is a 401 *Error whose WWW-Authenticate header is already
// set on the response (RFC 9110 §11.6.1), so returning it from the handler is enough.

// Unauthorized sets the WWW-Authenticate response header to challenge (for example
// `Basic realm="admin", charset="UTF-8"`) and returns a 401 *Error with detail, for the
// handler to return.
func Unauthorized(c *Ctx, challenge, detail string) *Error {
	if challenge != "" {
		c.SetHeader("WWW-Authenticate", challenge)
	}
	return &Error{Status: http.StatusUnauthorized, Detail: detail}
}

// BasicAuth returns the user name and password of the request's Basic credentials
// (Authorization: Basic base64(user:pass), RFC 7617). ok is false when the header is
// missing, is another scheme or is malformed; it accepts exactly what
// http.Request.BasicAuth accepts. Zero-copy: both strings alias a buffer kept with the
// pooled Ctx and are valid until the handler returns (copies under Config.Immutable); once
// the Ctx is warm it allocates nothing. Compare the password in constant time (crypto/subtle), or better, against a
// slow hash.
func (c *Ctx) BasicAuth() (user, pass string, ok bool) {
	h := c.Header("Authorization")
	if h == "" {
		return "", "", false
	}
	if n := parse.BasicDecodedLen(h); cap(c.ext.auth) < n {
		c.ext.auth = make([]byte, 0, max(n, 128))
	}
	u, p, ok := parse.ParseBasicInto(c.ext.auth[:0], h)
	if !ok {
		return "", "", false
	}
	return c.str(u), c.str(p), true
}

// BearerToken returns the token of the request's Bearer credentials (Authorization: Bearer
// <token>, RFC 6750 §2.1). ok is false when the header is missing, is another scheme or the
// token is not token68 syntax. Zero-copy: valid until the handler returns. It allocates
// nothing on the FastHTTP engine.
func (c *Ctx) BearerToken() (token string, ok bool) {
	return parse.ParseBearer(c.Header("Authorization"))
}

// APIKeyConfig configures an APIKeyAuth.
type APIKeyConfig struct {
	// Header is the request header that carries the key. Default "X-API-Key" when Query is
	// empty too; set only Query to read the key from the query string alone.
	Header string
	// Query is the query parameter that carries the key when the header is absent (keys in
	// URLs end up in logs; prefer the header). Default: not read.
	Query string
	// Keys are the accepted keys. At least one is required; empty keys are refused.
	Keys []string
	// Challenge is the WWW-Authenticate value sent with a 401. Default `APIKey`.
	Challenge string
}

// APIKeyAuth checks the API key of a request against a fixed set of keys in constant time.
// It is safe for concurrent use. Create one with NewAPIKeyAuth.
type APIKeyAuth struct {
	header, query, challenge string
	digests                  [][sha256.Size]byte
}

// NewAPIKeyAuth returns an APIKeyAuth for cfg. Only SHA-256 digests of the keys are kept, so
// that comparing a presented key costs the same whatever its length and whichever key it
// matches.
func NewAPIKeyAuth(cfg APIKeyConfig) (*APIKeyAuth, error) {
	if len(cfg.Keys) == 0 {
		return nil, errors.New("tako: NewAPIKeyAuth: no key")
	}
	a := &APIKeyAuth{header: cfg.Header, query: cfg.Query, challenge: cfg.Challenge}
	if a.header == "" && a.query == "" {
		a.header = "X-API-Key"
	}
	if a.challenge == "" {
		a.challenge = "APIKey"
	}
	for _, k := range cfg.Keys {
		if k == "" {
			return nil, errors.New("tako: NewAPIKeyAuth: empty key")
		}
		a.digests = append(a.digests, sha256.Sum256([]byte(k)))
	}
	return a, nil
}

// Check returns the index in APIKeyConfig.Keys of the key the request presents, or a 401
// *Error (WWW-Authenticate set) when there is none or it matches no key. Every configured
// key is compared, in constant time, whatever the outcome. It allocates nothing on the
// FastHTTP engine except on failure.
func (a *APIKeyAuth) Check(c *Ctx) (index int, err error) {
	var key string
	if a.header != "" {
		key = c.Header(a.header)
	}
	if key == "" && a.query != "" {
		key = c.Query(a.query)
	}
	if key == "" {
		return -1, Unauthorized(c, a.challenge, "missing API key")
	}
	d := sha256.Sum256(s2b(key))
	index = -1
	for i := range a.digests {
		if subtle.ConstantTimeCompare(d[:], a.digests[i][:]) == 1 {
			index = i
		}
	}
	if index < 0 {
		return -1, Unauthorized(c, a.challenge, "invalid API key")
	}
	return index, nil
}

// Middleware returns a Middleware that answers 401 unless the request presents a valid key.
func (a *APIKeyAuth) Middleware() Middleware {
	return func(next Handler) Handler {
		return func(c *Ctx) error {
			if _, err := a.Check(c); err != nil {
				return err
			}
			return next(c)
		}
	}
}
