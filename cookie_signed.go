package tako

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"sync"
)

// Signed and private cookies.
//
// A signed cookie (CookieSigner) is readable by the client but cannot be changed by it: the
// value carries an HMAC-SHA256 tag over the cookie's name and value. A private cookie
// (CookieCipher) is also unreadable: the value is sealed with AES-256-GCM. In both, the
// cookie's name is bound into the tag (as GCM additional data for private cookies), so a
// value issued for one cookie is rejected when a client moves it to another name.
//
// Both take several keys for rotation: the first key signs or seals; every key is tried
// when verifying or opening. To rotate, put the new key first and keep the old one second
// until the cookies it signed have expired, then drop it.
//
// Formats (base64 is unpadded base64url, RFC 4648 §5):
//
//	signed:  base64(HMAC-SHA256(key, name "=" value)) value   (43 characters, then the value)
//	private: base64(nonce[12] ciphertext tag[16])             (AAD: name)

// minCookieKeyLen is the shortest HMAC key NewCookieSigner accepts: 256 bits, the size of
// the HMAC-SHA256 output (RFC 2104 §3 recommends at least the output length).
const minCookieKeyLen = 32

// signedTagLen is the length of the base64url HMAC-SHA256 tag that prefixes a signed value.
const signedTagLen = 43

var b64 = base64.RawURLEncoding.Strict()

var eqSign = []byte{'='} // a package variable: a literal passed to hash.Hash.Write would escape

// ErrCookieValue is returned when a value cannot be stored in a cookie: signed cookie values
// must be valid cookie-octets (RFC 6265 §4.1.1: no space, '"', ',', ';', '\\' or controls),
// because the client would otherwise change them. Encode such values first, or use a
// private cookie, whose value is base64.
var ErrCookieValue = errors.New("tako: cookie value holds bytes outside RFC 6265 cookie-octet")

// GenerateCookieKey returns 32 random bytes from crypto/rand, a key for NewCookieSigner or
// NewCookieCipher.
func GenerateCookieKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand panics rather than return an error since Go 1.24)
	return k
}

// CookieSigner signs and verifies cookie values with HMAC-SHA256. It is safe for concurrent
// use. Create one with NewCookieSigner at start-up and keep it (in App state, for example).
type CookieSigner struct {
	keys  [][]byte
	pools []sync.Pool // per key: *macState, an HMAC and its output buffer, reused
}

// NewCookieSigner returns a CookieSigner for keys: the first signs, all verify. Each key
// must be at least 32 bytes (use GenerateCookieKey); the keys are copied.
func NewCookieSigner(keys ...[]byte) (*CookieSigner, error) {
	if len(keys) == 0 {
		return nil, errors.New("tako: NewCookieSigner: no key")
	}
	s := &CookieSigner{keys: make([][]byte, len(keys)), pools: make([]sync.Pool, len(keys))}
	for i, k := range keys {
		if len(k) < minCookieKeyLen {
			return nil, fmt.Errorf("tako: NewCookieSigner: key %d is %d bytes, want at least %d", i, len(k), minCookieKeyLen)
		}
		key := append([]byte(nil), k...)
		s.keys[i] = key
		s.pools[i].New = func() any { return &macState{h: hmac.New(sha256.New, key)} }
	}
	return s, nil
}

// macState is a pooled HMAC with room for its output: a Sum into a caller's stack array would
// escape through the hash.Hash interface and allocate.
type macState struct {
	h   hash.Hash
	sum [sha256.Size]byte
}

// tag computes HMAC-SHA256(key i, name "=" value) into a pooled macState, which the caller
// puts back into s.pools[i].
func (s *CookieSigner) tag(i int, name, value string) *macState {
	m := s.pools[i].Get().(*macState)
	m.h.Reset()
	m.h.Write(s2b(name))
	m.h.Write(eqSign)
	m.h.Write(s2b(value))
	m.h.Sum(m.sum[:0])
	return m
}

// Sign returns the signed form of value for the cookie name: the tag, then value. value
// must be made of cookie-octets (see ErrCookieValue).
func (s *CookieSigner) Sign(name, value string) (string, error) {
	if !validCookieValue(value) {
		return "", ErrCookieValue
	}
	m := s.tag(0, name, value)
	out := make([]byte, signedTagLen, signedTagLen+len(value))
	b64.Encode(out, m.sum[:])
	s.pools[0].Put(m)
	return string(append(out, value...)), nil
}

// Verify checks a signed value for the cookie name and returns the value without its tag
// (a sub-string of signed). ok is false when the tag does not match under any key: the
// value was changed, was signed for another cookie name, or was signed with a key no
// longer in the list. Tags are compared in constant time (hmac.Equal). It allocates
// nothing.
func (s *CookieSigner) Verify(name, signed string) (value string, ok bool) {
	if len(signed) < signedTagLen {
		return "", false
	}
	var got [sha256.Size + 1]byte // 43 base64 characters decode to 32 bytes
	n, err := b64.Decode(got[:], s2b(signed[:signedTagLen]))
	if err != nil || n != sha256.Size {
		return "", false
	}
	value = signed[signedTagLen:]
	for i := range s.keys {
		m := s.tag(i, name, value)
		ok := hmac.Equal(got[:sha256.Size], m.sum[:])
		s.pools[i].Put(m)
		if ok {
			return value, true
		}
	}
	return "", false
}

// SetCookie signs ck.Value for ck.Name and adds the Set-Cookie header, with all of ck's
// attributes. ck is not modified. It fails with ErrCookieValue for a value that is not made
// of cookie-octets.
func (s *CookieSigner) SetCookie(c *Ctx, ck *http.Cookie) error {
	v, err := s.Sign(ck.Name, ck.Value)
	if err != nil {
		return err
	}
	out := *ck
	out.Value = v
	c.SetCookie(&out)
	return nil
}

// Cookie returns the verified value of the request's signed cookie name. ok is false when
// the cookie is missing or its signature does not verify (a tampered cookie is treated as
// absent). Zero-copy: valid until the handler returns. It allocates nothing on the
// FastHTTP engine.
func (s *CookieSigner) Cookie(c *Ctx, name string) (value string, ok bool) {
	raw := c.Cookie(name)
	if raw == "" {
		return "", false
	}
	return s.Verify(name, raw)
}

// validCookieValue reports whether v is made of RFC 6265 cookie-octets.
func validCookieValue(v string) bool {
	for i := 0; i < len(v); i++ {
		b := v[i]
		if b < 0x21 || b > 0x7e || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// CookieCipher seals and opens private cookie values with AES-256-GCM: the client can
// neither read nor change them. Each value gets a fresh random 96-bit nonce; the cookie name
// is the additional authenticated data. It is safe for concurrent use. Create one with
// NewCookieCipher at start-up and keep it.
//
// With random nonces a key should seal fewer than 2^32 values (NIST SP 800-38D §8.3);
// rotate keys well before that.
type CookieCipher struct {
	aeads []cipher.AEAD
}

// NewCookieCipher returns a CookieCipher for keys: the first seals, all open. Each key must
// be exactly 32 bytes (AES-256; use GenerateCookieKey).
func NewCookieCipher(keys ...[]byte) (*CookieCipher, error) {
	if len(keys) == 0 {
		return nil, errors.New("tako: NewCookieCipher: no key")
	}
	p := &CookieCipher{aeads: make([]cipher.AEAD, len(keys))}
	for i, k := range keys {
		if len(k) != 32 {
			return nil, fmt.Errorf("tako: NewCookieCipher: key %d is %d bytes, want 32 (AES-256)", i, len(k))
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("tako: NewCookieCipher: key %d: %w", i, err)
		}
		if p.aeads[i], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("tako: NewCookieCipher: key %d: %w", i, err)
		}
	}
	return p, nil
}

// Seal returns the private form of value for the cookie name: base64url of a random nonce,
// the ciphertext and the GCM tag. Any value may be sealed.
func (p *CookieCipher) Seal(name, value string) string {
	a := p.aeads[0]
	ns := a.NonceSize()
	buf := make([]byte, ns, ns+len(value)+a.Overhead())
	rand.Read(buf)
	buf = a.Seal(buf, buf[:ns], s2b(value), s2b(name))
	return b64.EncodeToString(buf)
}

// Open returns the plaintext of a private value sealed for the cookie name. ok is false
// when it does not open under any key: it was changed, sealed for another cookie name, or
// sealed with a key no longer in the list. The result is a new string.
func (p *CookieCipher) Open(name, sealed string) (value string, ok bool) {
	var stack [256]byte
	buf := stack[:0]
	if n := b64.DecodedLen(len(sealed)); n > len(stack) {
		buf = make([]byte, 0, n)
	}
	raw, err := b64.AppendDecode(buf, s2b(sealed))
	if err != nil {
		return "", false
	}
	for _, a := range p.aeads {
		ns := a.NonceSize()
		if len(raw) < ns+a.Overhead() {
			return "", false
		}
		var out [256]byte
		pt, err := a.Open(out[:0], raw[:ns], raw[ns:], s2b(name))
		if err == nil {
			return string(pt), true
		}
	}
	return "", false
}

// SetCookie seals ck.Value for ck.Name and adds the Set-Cookie header, with all of ck's
// attributes. ck is not modified.
func (p *CookieCipher) SetCookie(c *Ctx, ck *http.Cookie) {
	out := *ck
	out.Value = p.Seal(ck.Name, ck.Value)
	c.SetCookie(&out)
}

// Cookie returns the plaintext of the request's private cookie name. ok is false when the
// cookie is missing or does not open (a tampered cookie is treated as absent). The result
// is a new string that may be kept.
func (p *CookieCipher) Cookie(c *Ctx, name string) (value string, ok bool) {
	raw := c.Cookie(name)
	if raw == "" {
		return "", false
	}
	return p.Open(name, raw)
}
