package tako

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCertCheckInterval is how often Certificates looks at its files by default.
const DefaultCertCheckInterval = 5 * time.Second

// Certificates serves a TLS certificate pair from PEM files and reloads it when the files
// change, with no restart and no dropped connection: put its GetCertificate in a
// tls.Config (ListenTLS does this for its files).
//
// The files are checked during a TLS handshake, at most once per Interval: a changed
// modification time or size of either file triggers a reload (a pair that failed is not
// tried again until the files change again). Reload loads them at once
// (call it on SIGHUP, or after a renewal hook such as certbot's --deploy-hook or an ACME
// client's). A pair that fails to load (a missing file, a key that does not match the
// certificate, a certificate half-written by a renewal in progress) is reported through
// OnReload and Err, and the previous certificate stays in use.
// Renew by writing both files and then renaming them into place, and a handshake never
// sees a half-written pair.
//
// For certificates obtained and renewed automatically over ACME, use an ACME library's
// GetCertificate (certmagic's or golang.org/x/crypto/acme/autocert's) in the tls.Config
// given to ServeTLS instead; Certificates is for files that something else renews.
type Certificates struct {
	// Interval is the least time between two looks at the files during handshakes.
	// Default DefaultCertCheckInterval; negative: never (only Reload reloads).
	Interval time.Duration
	// OnReload, if set, is called after every reload attempt that found changed files,
	// and after every Reload, with its error (nil: the new pair is in use). ListenTLS logs
	// through it. Set it before the first handshake.
	OnReload func(err error)

	certFile, keyFile string
	cert              atomic.Pointer[tls.Certificate]
	lastCheck         atomic.Int64 // unix nanoseconds of the last look at the files
	mu                sync.Mutex   // serializes loads
	stamp             fileStamps   // of the files behind cert
	bad               fileStamps   // of the files that failed to load last: not retried until they change
	err               atomic.Pointer[error]
}

// fileStamps identify the versions of the two files.
type fileStamps struct {
	certMod, keyMod   time.Time
	certSize, keySize int64
}

// LoadCertificates loads the certificate pair in certFile and keyFile (PEM; the certificate
// file may hold the chain after the leaf) for hot reload.
func LoadCertificates(certFile, keyFile string) (*Certificates, error) {
	c := &Certificates{certFile: certFile, keyFile: keyFile}
	if err := c.load(); err != nil {
		return nil, err
	}
	c.lastCheck.Store(time.Now().UnixNano())
	return c, nil
}

// GetCertificate returns the current certificate, for tls.Config.GetCertificate. It
// reloads the files first if they changed and Interval has passed since the last look.
func (c *Certificates) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.maybeReload()
	return c.cert.Load(), nil
}

// Certificate returns the certificate in use.
func (c *Certificates) Certificate() *tls.Certificate { return c.cert.Load() }

// Reload loads the files now. On error the previous certificate stays in use; the error
// is also what Err returns until a load succeeds.
func (c *Certificates) Reload() error {
	err := c.load()
	if c.OnReload != nil {
		c.OnReload(err)
	}
	return err
}

// Err returns the error of the latest reload attempt, or nil if it succeeded.
func (c *Certificates) Err() error {
	if p := c.err.Load(); p != nil {
		return *p
	}
	return nil
}

// maybeReload reloads the files if Interval has passed and they changed. One handshake
// claims each check; the others go on with the current certificate.
func (c *Certificates) maybeReload() {
	d := c.Interval
	if d == 0 {
		d = DefaultCertCheckInterval
	} else if d < 0 {
		return
	}
	now := time.Now().UnixNano()
	last := c.lastCheck.Load()
	if now-last < int64(d) || !c.lastCheck.CompareAndSwap(last, now) {
		return
	}
	st, err := c.stat()
	c.mu.Lock()
	same := err == nil && (st == c.stamp || st == c.bad)
	c.mu.Unlock()
	if same {
		return
	}
	c.Reload()
}

func (c *Certificates) stat() (fileStamps, error) {
	ci, err := os.Stat(c.certFile)
	if err != nil {
		return fileStamps{}, err
	}
	ki, err := os.Stat(c.keyFile)
	if err != nil {
		return fileStamps{}, err
	}
	return fileStamps{certMod: ci.ModTime(), keyMod: ki.ModTime(), certSize: ci.Size(), keySize: ki.Size()}, nil
}

// load reads and parses the pair and, if it is good, makes it current.
func (c *Certificates) load() (err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		if err != nil {
			c.err.Store(&err)
		} else {
			c.err.Store(nil)
		}
	}()
	st, err := c.stat()
	if err != nil {
		return fmt.Errorf("tako: certificates: %w", err)
	}
	c.bad = st // until the pair proves good
	pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("tako: certificates %s, %s: %w", c.certFile, c.keyFile, err)
	}
	if pair.Leaf == nil {
		if pair.Leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return fmt.Errorf("tako: certificates %s: %w", c.certFile, err)
		}
	}
	if time.Now().After(pair.Leaf.NotAfter) {
		return fmt.Errorf("tako: certificates %s: the certificate expired on %s", c.certFile, pair.Leaf.NotAfter.Format(time.RFC3339))
	}
	c.bad = fileStamps{}
	c.cert.Store(&pair)
	c.stamp = st
	return nil
}
