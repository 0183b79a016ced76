package tako

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/tako-go/tako/parse"
	"github.com/tako-go/tako/pool"
)

// SendFile sends the local file at name as the response: Content-Type from
// its extension (sniffed when unknown), Last-Modified, an ETag from size and
// modification time, conditional requests (If-None-Match and
// If-Modified-Since answer 304, If-Match and If-Unmodified-Since 412), and
// Range requests, single (206) and multiple (multipart/byteranges), honouring
// If-Range. On the FastHTTP engine a whole file or a single range goes out
// with sendfile(2); on NetHTTP net/http does the same over TCP.
//
// name is used as given: SendFile is for paths the application chose. To
// serve paths that come from requests, use App.Static, which confines them
// to a root. A missing file is a 404 *Error.
func (c *Ctx) SendFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return fileError(err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fileError(err)
	}
	if fi.IsDir() {
		f.Close()
		return NewError(http.StatusNotFound, "not a file")
	}
	return c.serveContent(&contentSpec{
		name: fi.Name(), size: fi.Size(), modtime: fi.ModTime(),
		etag: fileETag(fi.Size(), fi.ModTime()), r: f, closer: f,
	})
}

// SendContent sends content as the response with the same Range and
// conditional-request handling as SendFile. name chooses the Content-Type by
// its extension (unless the response already has one); a zero modtime sends
// no Last-Modified. The size is found by seeking to the end.
func (c *Ctx) SendContent(name string, modtime time.Time, content io.ReadSeeker) error {
	size, err := content.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = content.Seek(0, io.SeekStart)
	}
	if err != nil {
		return err
	}
	return c.serveContent(&contentSpec{name: name, size: size, modtime: modtime, r: content})
}

// SendReader streams r as the response body. With a known size (>= 0) it
// sets Content-Length and honours a single-range Range request (206) by
// skipping the bytes before the range; r that is also an io.Seeker gets
// multiple ranges too. With size -1 the body is streamed whole and Range is
// ignored. r is closed after the response if it is an io.Closer.
func (c *Ctx) SendReader(r io.Reader, size int64, contentType string) error {
	if contentType != "" {
		c.SetHeader("Content-Type", contentType)
	}
	cl, _ := r.(io.Closer)
	return c.serveContent(&contentSpec{size: size, r: r, closer: cl, noSniff: contentType == ""})
}

// Attachment marks the response as a download: Content-Disposition:
// attachment with filename (RFC 6266; non-ASCII names also as filename*),
// and a Content-Type from its extension when none is set yet.
func (c *Ctx) Attachment(filename string) {
	filename = path.Base(strings.ReplaceAll(filename, "\\", "/"))
	if c.ResponseHeader("Content-Type") == "" {
		if ct := mime.TypeByExtension(path.Ext(filename)); ct != "" {
			c.SetHeader("Content-Type", ct)
		}
	}
	c.SetHeader("Content-Disposition", contentDisposition(filename))
}

func contentDisposition(name string) string {
	ascii := true
	for i := 0; i < len(name); i++ {
		if b := name[i]; b >= 0x80 || b < 0x20 || b == 0x7f {
			ascii = false
			break
		}
	}
	quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)
	if ascii {
		return `attachment; filename="` + quoted + `"`
	}
	var fallback strings.Builder
	for _, r := range name {
		if r < 0x80 && r >= 0x20 && r != 0x7f && r != '"' && r != '\\' {
			fallback.WriteRune(r)
		} else {
			fallback.WriteByte('_')
		}
	}
	var enc strings.Builder
	const hexd = "0123456789ABCDEF"
	for i := 0; i < len(name); i++ {
		b := name[i]
		if (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			enc.WriteByte(b)
		} else {
			enc.WriteByte('%')
			enc.WriteByte(hexd[b>>4])
			enc.WriteByte(hexd[b&15])
		}
	}
	return `attachment; filename="` + fallback.String() + `"; filename*=UTF-8''` + enc.String()
}

func fileError(err error) error {
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return NewError(http.StatusNotFound, "file not found")
	}
	return err
}

// fileETag is a validator from size and modification time, as nginx makes it.
func fileETag(size int64, mod time.Time) string {
	b := make([]byte, 0, 40)
	b = append(b, '"')
	b = strconv.AppendInt(b, size, 16)
	b = append(b, '-')
	b = strconv.AppendInt(b, mod.UnixNano(), 16)
	b = append(b, '"')
	return string(b)
}

// contentSpec describes one representation to send.
type contentSpec struct {
	name     string // for the Content-Type by extension
	size     int64  // -1: unknown
	modtime  time.Time
	etag     string
	r        io.Reader
	closer   io.Closer
	encoding string // Content-Encoding of a precompressed sidecar
	noSniff  bool
	ctype    string // Content-Type known in advance ("" : by extension, or sniffed)
	data     []byte // the whole content when it is in memory and never changes: r reads it
}

func (ct *contentSpec) close() {
	if ct.closer != nil {
		ct.closer.Close()
	}
}

// serveContent answers with ct: headers, conditionals, ranges, body.
func (c *Ctx) serveContent(ct *contentSpec) error {
	if ct.ctype != "" && c.ResponseHeader("Content-Type") == "" {
		c.SetHeader("Content-Type", ct.ctype)
	} else if c.ResponseHeader("Content-Type") == "" && ct.name != "" {
		ctype := mime.TypeByExtension(path.Ext(ct.name))
		if ctype == "" && !ct.noSniff {
			if rs, ok := ct.r.(io.ReadSeeker); ok {
				var buf [512]byte
				n, _ := io.ReadFull(rs, buf[:])
				if _, err := rs.Seek(0, io.SeekStart); err != nil {
					ct.close()
					return err
				}
				ctype = http.DetectContentType(buf[:n])
			}
		}
		if ctype != "" {
			c.SetHeader("Content-Type", ctype)
		}
	}
	if !ct.modtime.IsZero() && ct.modtime.Unix() > 0 {
		c.SetHeader("Last-Modified", ct.modtime.UTC().Format(http.TimeFormat))
	}
	if ct.etag != "" {
		c.SetHeader("ETag", ct.etag)
	}
	if ct.encoding != "" {
		c.SetHeader("Content-Encoding", ct.encoding)
	}
	seeker, _ := ct.r.(io.Seeker)
	rangeable := ct.size >= 0 && ct.encoding == ""
	if rangeable {
		c.SetHeader("Accept-Ranges", "bytes")
	}

	method := c.Method()
	if status := c.checkPreconditions(ct); status != 0 {
		ct.close()
		if status == http.StatusNotModified {
			// RFC 9110 §15.4.5: no Content-Type or Content-Length of the body.
			c.delResponseHeader("Content-Type")
			c.delResponseHeader("Content-Encoding")
			c.delResponseHeader("Accept-Ranges")
		}
		return c.sendEmpty(status)
	}

	status := c.ResponseStatus()
	var ranges []parse.ByteRange
	if rh := c.Header("Range"); rh != "" && rangeable && method == http.MethodGet && c.ifRangeHolds(ct) {
		rs, err := parse.ParseRange(rh, ct.size, parse.RangeLimits{})
		switch {
		case errors.Is(err, parse.ErrRangeUnsatisfiable):
			ct.close()
			c.SetHeader("Content-Range", string(parse.AppendContentRangeUnsatisfied(nil, ct.size)))
			c.delResponseHeader("Content-Type")
			c.delResponseHeader("Accept-Ranges")
			return c.sendEmpty(http.StatusRequestedRangeNotSatisfiable)
		case err == nil:
			ranges = rs.Slice()
			if len(ranges) > 1 && seeker == nil {
				ranges = nil // cannot go back for a second range: send it all
			}
		}
	}

	body, length := ct.r, ct.size
	switch {
	case len(ranges) == 1:
		br := ranges[0]
		status = http.StatusPartialContent
		c.SetHeader("Content-Range", string(br.AppendContentRange(nil, ct.size)))
		if err := skipTo(ct.r, seeker, br.Start); err != nil {
			ct.close()
			return err
		}
		length = br.Length
	case len(ranges) > 1:
		status = http.StatusPartialContent
		mr := newMultipartRanges(ct.r.(io.ReadSeeker), ranges, ct.size, c.ResponseHeader("Content-Type"))
		c.SetHeader("Content-Type", "multipart/byteranges; boundary="+mr.boundary)
		body, length = mr, mr.length
	}
	if ct.data != nil && len(ranges) <= 1 && c.engine == FastHTTP {
		// Content in memory that never changes goes out without a copy (net/http copies
		// it from ct.r into its buffer either way).
		start := int64(0)
		if len(ranges) == 1 {
			start = ranges[0].Start
		}
		c.fc.SetStatusCode(status)
		c.fc.Response.SetBodyRaw(ct.data[start : start+length : start+length]) // appends must copy
		return nil
	}
	return c.sendBody(status, body, length, ct.closer, method == http.MethodHead)
}

func skipTo(r io.Reader, s io.Seeker, off int64) error {
	if off == 0 {
		return nil
	}
	if s != nil {
		_, err := s.Seek(off, io.SeekStart)
		return err
	}
	_, err := io.CopyN(io.Discard, r, off)
	return err
}

func (c *Ctx) delResponseHeader(name string) {
	if c.engine == FastHTTP {
		c.fc.Response.Header.Del(name)
		return
	}
	c.w.Header().Del(name)
}

// checkPreconditions evaluates the conditional headers in RFC 9110 §13.2.2
// order and returns 304, 412 or 0 (go on).
func (c *Ctx) checkPreconditions(ct *contentSpec) int {
	method := c.Method()
	if im := c.Header("If-Match"); im != "" {
		if !etagListMatch(im, ct.etag, true) {
			return http.StatusPreconditionFailed
		}
	} else if ius := c.Header("If-Unmodified-Since"); ius != "" && !ct.modtime.IsZero() {
		if t, err := http.ParseTime(ius); err == nil && ct.modtime.Truncate(time.Second).After(t) {
			return http.StatusPreconditionFailed
		}
	}
	get := method == http.MethodGet || method == http.MethodHead
	if inm := c.Header("If-None-Match"); inm != "" {
		if etagListMatch(inm, ct.etag, false) {
			if get {
				return http.StatusNotModified
			}
			return http.StatusPreconditionFailed
		}
	} else if ims := c.Header("If-Modified-Since"); ims != "" && get && !ct.modtime.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !ct.modtime.Truncate(time.Second).After(t) {
			return http.StatusNotModified
		}
	}
	return 0
}

// ifRangeHolds: a Range is honoured without If-Range, or when If-Range
// names the current representation (a strong ETag, or the exact
// Last-Modified date).
func (c *Ctx) ifRangeHolds(ct *contentSpec) bool {
	ir := c.Header("If-Range")
	if ir == "" {
		return true
	}
	if strings.HasPrefix(ir, `"`) || strings.HasPrefix(ir, "W/") {
		return ct.etag != "" && !strings.HasPrefix(ct.etag, "W/") && ir == ct.etag
	}
	t, err := http.ParseTime(ir)
	return err == nil && !ct.modtime.IsZero() && ct.modtime.Unix() == t.Unix()
}

// etagListMatch reports whether the If-Match/If-None-Match list matches
// etag: "*" matches any, strong comparison refuses weak tags.
func etagListMatch(list, etag string, strong bool) bool {
	if etag == "" {
		return false
	}
	if strings.TrimSpace(list) == "*" {
		return true
	}
	if strong && strings.HasPrefix(etag, "W/") {
		return false
	}
	opaque := strings.TrimPrefix(etag, "W/")
	for _, el := range strings.Split(list, ",") {
		el = strings.TrimSpace(el)
		if strings.HasPrefix(el, "W/") {
			if strong {
				continue
			}
			el = el[2:]
		}
		if el == opaque {
			return true
		}
	}
	return false
}

// sendEmpty answers with a status and no body.
func (c *Ctx) sendEmpty(status int) error {
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(status)
		c.fc.Response.ResetBody()
		if status == http.StatusNotModified {
			c.fc.Response.SkipBody = true
		}
		return nil
	}
	if c.committed {
		return errCommitted
	}
	c.committed = true
	c.w.WriteHeader(status)
	return nil
}

// readCloser joins a body reader with the closer of its source, so fasthttp
// closes the file after sending.
type readCloser struct {
	io.Reader
	io.Closer
}

// sendBody writes status, Content-Length and length bytes of body.
func (c *Ctx) sendBody(status int, body io.Reader, length int64, closer io.Closer, head bool) error {
	if c.engine == FastHTTP {
		c.fc.SetStatusCode(status)
		size := int(length)
		if length < 0 {
			size = -1
		}
		var stream io.Reader = body
		if f, ok := body.(*os.File); ok && closer == io.Closer(f) {
			if length >= 0 && length <= smallFileBody {
				// A small file goes out with the headers in one write: sendfile
				// would cost a second write and a second packet.
				return c.sendSmallFile(f, int(length))
			}
			stream = f // fasthttp sends *os.File with sendfile, bounded by size
		} else {
			if length >= 0 {
				stream = &io.LimitedReader{R: body, N: length}
			}
			if closer != nil {
				stream = readCloser{stream, closer}
			}
		}
		c.fc.Response.SetBodyStream(stream, size)
		return nil
	}
	defer func() {
		if closer != nil {
			closer.Close()
		}
	}()
	if c.committed {
		return errCommitted
	}
	h := c.w.Header()
	if length >= 0 {
		h.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	c.committed = true
	c.w.WriteHeader(status)
	if head {
		return nil
	}
	var err error
	if length >= 0 {
		// net/http's ReadFrom sends an *io.LimitedReader around an *os.File
		// with sendfile.
		_, err = io.Copy(c.w, &io.LimitedReader{R: body, N: length})
	} else {
		_, err = io.Copy(c.w, body)
	}
	return err
}

// smallFileBody is the largest file body the FastHTTP engine reads into the response
// instead of sending it with sendfile(2).
const smallFileBody = 64 << 10

// sendSmallFile reads n bytes of f (already positioned) into the response body and closes
// f.
func (c *Ctx) sendSmallFile(f *os.File, n int) error {
	defer f.Close()
	buf := pool.GetBytes(n)[:n]
	defer pool.PutBytes(buf)
	if _, err := io.ReadFull(f, buf); err != nil {
		c.fc.Response.ResetBody()
		return fmt.Errorf("tako: reading %s: %w", f.Name(), err)
	}
	c.fc.Response.SetBody(buf)
	return nil
}

// multipartRanges is the multipart/byteranges body of several ranges,
// produced part by part from a ReadSeeker.
type multipartRanges struct {
	r        io.ReadSeeker
	ranges   []parse.ByteRange
	heads    [][]byte // part headers; heads[len(ranges)] is the closing delimiter
	boundary string
	length   int64
	part     int   // current part
	inHead   bool  // reading heads[part]
	off      int   // offset in heads[part]
	left     int64 // bytes left of ranges[part]
}

func newMultipartRanges(r io.ReadSeeker, ranges []parse.ByteRange, size int64, ctype string) *multipartRanges {
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	m := &multipartRanges{r: r, ranges: ranges, boundary: hex.EncodeToString(rnd[:]), inHead: true}
	for i, br := range ranges {
		var h bytes.Buffer
		if i > 0 {
			h.WriteString("\r\n")
		}
		h.WriteString("--" + m.boundary + "\r\n")
		if ctype != "" {
			h.WriteString("Content-Type: " + ctype + "\r\n")
		}
		h.WriteString("Content-Range: ")
		h.Write(br.AppendContentRange(nil, size))
		h.WriteString("\r\n\r\n")
		m.heads = append(m.heads, h.Bytes())
		m.length += int64(h.Len()) + br.Length
	}
	end := []byte("\r\n--" + m.boundary + "--\r\n")
	m.heads = append(m.heads, end)
	m.length += int64(len(end))
	return m
}

func (m *multipartRanges) Read(p []byte) (int, error) {
	for {
		if m.part > len(m.ranges) {
			return 0, io.EOF
		}
		if m.inHead {
			h := m.heads[m.part]
			if m.off < len(h) {
				n := copy(p, h[m.off:])
				m.off += n
				return n, nil
			}
			m.inHead, m.off = false, 0
			if m.part == len(m.ranges) {
				m.part++
				continue
			}
			if _, err := m.r.Seek(m.ranges[m.part].Start, io.SeekStart); err != nil {
				return 0, err
			}
			m.left = m.ranges[m.part].Length
		}
		if m.left == 0 {
			m.part++
			m.inHead = true
			continue
		}
		q := p
		if int64(len(q)) > m.left {
			q = q[:m.left]
		}
		n, err := m.r.Read(q)
		m.left -= int64(n)
		if err == io.EOF && m.left > 0 {
			return n, io.ErrUnexpectedEOF
		}
		if n > 0 || err != nil && err != io.EOF {
			return n, err
		}
	}
}
