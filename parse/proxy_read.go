package parse

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// ReadProxy reads one PROXY protocol header (v1 or v2) from r and consumes
// exactly its bytes, leaving whatever follows in r.
//
// It peeks no further than the header: the 16-byte fixed part of a v2
// header and then its announced length, and for v1 never past the CRLF or
// 107 bytes. So it never waits for data the sender would only send after
// the header; put a read deadline on the connection to bound a sender that
// stops halfway.
//
// The header's slices (Unix paths, TLVs) alias r's buffer and are valid
// until the next read from r; use ProxyHeader.Clone to keep them.
//
// Errors: ErrNoProxy when the input starts with neither signature (nothing
// is consumed, so the caller may go on reading r as the real protocol),
// io.EOF when r ends before any byte, a *ProxyError matching ErrProxyShort
// and io.ErrUnexpectedEOF when it ends inside the header, a *ProxyError
// matching ErrProxyMalformed or ErrProxyChecksum for a bad header (including
// a v2 header larger than r's buffer: size r with bufio.NewReaderSize, up to
// ProxyV2MaxLen, to accept those), and r's own read errors, wrapped.
func ReadProxy(r *bufio.Reader) (ProxyHeader, error) {
	need, version := 1, 1
	for {
		if need > r.Size() {
			off := 14 // the v2 length field
			if version == 1 {
				off = r.Size()
			}
			return ProxyHeader{}, proxyMalformed(version, off, "header of at least "+strconv.Itoa(need)+
				" bytes does not fit the bufio.Reader buffer of "+strconv.Itoa(r.Size()))
		}
		b, rerr := r.Peek(max(need, r.Buffered()))
		if len(b) > 0 {
			h, n, err := ParseProxy(b)
			if err == nil {
				if _, err := r.Discard(n); err != nil {
					return ProxyHeader{}, err // cannot happen: n bytes were peeked
				}
				return h, nil
			}
			if err != ErrProxyShort {
				return ProxyHeader{}, err
			}
			need = n
			if b[0] == '\r' {
				version = 2
			}
		}
		if rerr != nil {
			switch {
			case rerr == io.EOF && len(b) == 0:
				return ProxyHeader{}, io.EOF
			case rerr == io.EOF:
				return ProxyHeader{}, &ProxyError{Version: version, Offset: len(b), Kind: ErrProxyShort,
					Err:    io.ErrUnexpectedEOF,
					Reason: "input ends after " + strconv.Itoa(len(b)) + " bytes, header needs at least " + strconv.Itoa(need)}
			}
			return ProxyHeader{}, fmt.Errorf("parse: reading PROXY header: %w", rerr)
		}
	}
}
