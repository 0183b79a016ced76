package interop_test

import (
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tako-go/tako"
	"github.com/tako-go/tako/internal/devcert"
)

// TestH2Spec runs h2spec (github.com/summerwind/h2spec, the HTTP/2 conformance suite: 145
// cases over RFC 7540, RFC 7541 and generic HTTP/2 behaviour) against a bare net/http
// HTTP/2 server and against the Tako App on net/http, each over TLS (ALPN h2) and h2c
// (prior knowledge), in the same run, and checks that Tako passes at least as many cases as
// the bare server on each transport. Failing cases are logged by ID; H2SPEC.md explains
// the ones Go's server fails. It skips when h2spec is not installed (.ci/run installs it).
func TestH2Spec(t *testing.T) {
	bin := h2specPath()
	if bin == "" {
		t.Skip("h2spec is not installed: go install github.com/summerwind/h2spec/cmd/h2spec@v2.2.1+incompatible (.ci/run does)")
	}
	cert := devCert(t)
	hello := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "hello")
	}
	// The default engine: HTTP/1.1 on fasthttp, HTTP/2 handed to Go's server by ALPN on the
	// TLS listener and by preface detection on the cleartext one.
	app := tako.New(tako.Config{Logger: slog.New(slog.DiscardHandler)})
	app.Any("/", func(c *tako.Ctx) error {
		if _, err := c.Body(); err != nil {
			return err
		}
		_, err := c.WriteString("hello")
		return err
	})
	t.Cleanup(func() { app.Shutdown(t.Context()) })

	type target struct {
		server, transport string
		addr              string
	}
	targets := []target{
		{"bare", "tls", bareH2Server(t, hello, cert)},
		{"bare", "h2c", bareH2Server(t, hello, nil)},
		{"tako", "tls", takoH2Server(t, app, cert)},
		{"tako", "h2c", takoH2Server(t, app, nil)},
	}
	results := make([]h2specResult, len(targets))
	var wg sync.WaitGroup
	for i, tg := range targets {
		wg.Go(func() {
			results[i] = runH2Spec(t, bin, tg.addr, tg.transport == "tls")
		})
	}
	wg.Wait()
	for i, tg := range targets {
		r := results[i]
		t.Logf("h2spec %s %s: %d of %d passed; failed: %s", tg.server, tg.transport, r.passed, r.total, strings.Join(r.failed, ", "))
	}
	for i := 0; i < 2; i++ {
		bare, tk := results[i], results[i+2]
		if bare.total == 0 || tk.total == 0 {
			t.Errorf("%s: h2spec ran no case (bare %d, tako %d)", targets[i].transport, bare.total, tk.total)
			continue
		}
		if tk.passed >= bare.passed {
			continue
		}
		var extra []string
		for _, id := range tk.failed {
			if !slices.Contains(bare.failed, id) {
				extra = append(extra, id)
			}
		}
		if len(extra) == 0 {
			t.Errorf("%s: Tako passes %d h2spec cases, bare net/http %d", targets[i].transport, tk.passed, bare.passed)
			continue
		}
		// A case can time out on a busy machine: run the ones only Tako failed once more.
		again := runH2Spec(t, bin, targets[i+2].addr, targets[i].transport == "tls", extra...)
		t.Logf("%s: Tako alone failed %s; run again: %d of %d passed", targets[i].transport, strings.Join(extra, ", "), again.passed, again.total)
		if tk.passed+again.passed < bare.passed {
			t.Errorf("%s: Tako passes %d h2spec cases, bare net/http %d; Tako alone fails %s (twice: %s)", targets[i].transport, tk.passed+again.passed, bare.passed, strings.Join(extra, ", "), strings.Join(again.failed, ", "))
		}
	}
}

// takoH2Server serves app on a loopback port with its own listeners: ServeTLS (ALPN picks
// h2 or http/1.1) when cert is not nil, else Serve (h2c detected by its preface, HTTP/1.1
// otherwise). The test's cleanup shuts app down.
func takoH2Server(t *testing.T, app *tako.App, cert *tls.Certificate) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cert != nil {
		go app.ServeTLS(ln, &tls.Config{Certificates: []tls.Certificate{*cert}})
	} else {
		go app.Serve(ln)
	}
	return ln.Addr().String()
}

// bareH2Server serves h with a plain net/http server configured like App.NewHTTPServer's
// (HTTP/1.1, HTTP/2 and h2c).
func bareH2Server(t *testing.T, h http.HandlerFunc, cert *tls.Certificate) string {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetHTTP2(true)
	p.SetUnencryptedHTTP2(true)
	return serveH2(t, &http.Server{Handler: h, Protocols: &p}, cert)
}

// serveH2 serves srv on a loopback port (TLS with cert if not nil) until the test ends.
func serveH2(t *testing.T, srv *http.Server, cert *tls.Certificate) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.ErrorLog = log.New(io.Discard, "", 0) // h2spec provokes a connection error per case
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(ln)
	}
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// h2specPath finds h2spec on PATH or in $(go env GOPATH)/bin.
func h2specPath() string {
	if p, err := exec.LookPath("h2spec"); err == nil {
		return p
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "h2spec")
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

type h2specResult struct {
	total, passed int
	failed        []string // case IDs such as http2/4.2/3 (section 4.2, case 3)
}

// runH2Spec runs h2spec against addr (all cases, or those with the given IDs) and reads
// its JUnit report.
func runH2Spec(t *testing.T, bin, addr string, useTLS bool, ids ...string) h2specResult {
	host, port, _ := net.SplitHostPort(addr)
	report := filepath.Join(t.TempDir(), "h2spec.xml")
	args := []string{"-h", host, "-p", port, "-o", "3", "-j", report}
	if useTLS {
		args = append(args, "-t", "-k")
	}
	args = append(args, ids...)
	cmd := exec.Command(bin, args...)
	out, err := cmd.CombinedOutput()
	// h2spec exits 1 when a case fails; only a missing report is an error.
	r, perr := parseJUnit(report)
	if perr != nil {
		t.Errorf("h2spec %s: %v (exit: %v)\n%s", addr, perr, err, out)
	}
	return r
}

// parseJUnit reads h2spec's JUnit report. A case's ID is its suite's package (the spec
// and section, "http2/4.2") and its 1-based position in the suite, the number h2spec
// prints and takes as a spec argument ("h2spec http2/4.2/3").
func parseJUnit(path string) (h2specResult, error) {
	var r h2specResult
	b, err := os.ReadFile(path)
	if err != nil {
		return r, err
	}
	var doc struct {
		Suites []struct {
			Package string `xml:"package,attr"`
			Cases   []struct {
				Name    string    `xml:"classname,attr"`
				Error   *struct{} `xml:"error"`
				Failure *struct{} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		return r, fmt.Errorf("parsing %s: %w", path, err)
	}
	for _, s := range doc.Suites {
		for i, c := range s.Cases {
			r.total++
			switch {
			case c.Error != nil || c.Failure != nil:
				r.failed = append(r.failed, fmt.Sprintf("%s/%d", s.Package, i+1))
			case c.Skipped != nil:
			default:
				r.passed++
			}
		}
	}
	return r, nil
}

// devCert makes a self-signed certificate for 127.0.0.1 and localhost.
func devCert(t *testing.T) *tls.Certificate {
	t.Helper()
	cert, err := devcert.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	return &cert
}
