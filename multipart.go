package tako

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"

	"github.com/tako-go/tako/parse"
)

// Multipart bodies (multipart/form-data, RFC 7578), read from the body stream part by part
// with mime/multipart: the body is never read into memory whole. Ctx.Multipart hands the
// parts to the handler one at a time; Ctx.MultipartForm reads them all, keeping small files
// in memory and spilling larger ones to temporary files, which are closed and removed when
// the request ends, whatever the handler returned. Every limit has a default and a knob;
// going over one is a 413 problem document naming the limit.

// Default multipart limits; see MultipartLimits.
const (
	DefaultMultipartMaxParts      = 1000
	DefaultMultipartMaxPartBytes  = 32 << 20  // 32 MiB
	DefaultMultipartMaxTotalBytes = 128 << 20 // 128 MiB
	DefaultMultipartMaxMemory     = 1 << 20   // 1 MiB
)

// MultipartLimits bounds what Multipart and MultipartForm accept. The zero value uses the
// defaults.
type MultipartLimits struct {
	// MaxParts is the most parts the body may have. Default 1000.
	MaxParts int
	// MaxPartBytes is the largest part body (a file or a field value). Default 32 MiB.
	MaxPartBytes int64
	// MaxTotalBytes is the largest whole body, boundaries and part headers included; it
	// replaces Config.MaxBodyBytes for multipart bodies. Default 128 MiB.
	MaxTotalBytes int64
	// MaxMemory is how much of the form MultipartForm keeps in memory: field values and
	// files, in order, until their total would pass it; later files go to temporary files.
	// Field values never spill, so values over MaxMemory in total are a 413. Default 1 MiB.
	// Negative: every file spills.
	MaxMemory int64
	// TempDir is where spilled files go. Default os.TempDir().
	TempDir string
}

func (l *MultipartLimits) setDefaults() {
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMultipartMaxParts
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = DefaultMultipartMaxPartBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMultipartMaxTotalBytes
	}
	if l.MaxMemory == 0 {
		l.MaxMemory = DefaultMultipartMaxMemory
	} else if l.MaxMemory < 0 {
		l.MaxMemory = 0
	}
}

// errTooLarge builds the 413 for a multipart limit.
func multipartTooLarge(format string, args ...any) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Detail: fmt.Sprintf(format, args...)}
}

// MultipartReader reads a multipart body part by part. Get one from Ctx.Multipart.
type MultipartReader struct {
	mr    *multipart.Reader
	body  *limitedBody
	lim   MultipartLimits
	parts int
	cur   *Part
}

// Part is one part of a multipart body: its headers, and its content as an io.Reader that
// fails with a 413 *Error past MaxPartBytes. It is valid until the next NextPart call.
type Part struct {
	// Name is the form field name (Content-Disposition name).
	Name string
	// FileName is the file name the client gave (Content-Disposition filename), with any
	// directory removed as mime/multipart does; "" for a plain field. Never use it as a
	// path on the server without sanitising it.
	FileName string
	// Header holds the part's MIME headers.
	Header textproto.MIMEHeader

	p     *multipart.Part
	n     int64
	max   int64
	errTL error
}

// Read reads the part's content.
func (p *Part) Read(b []byte) (int, error) {
	if p.errTL != nil {
		return 0, p.errTL
	}
	n, err := p.p.Read(b)
	p.n += int64(n)
	if p.n > p.max {
		p.errTL = multipartTooLarge("multipart part %q is larger than the limit of %d bytes", p.Name, p.max)
		return n, p.errTL
	}
	return n, err
}

// limitedBody counts the whole body and fails past max.
type limitedBody struct {
	r   io.Reader
	n   int64
	max int64
	err error
}

func (l *limitedBody) Read(b []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(b)
	l.n += int64(n)
	if l.n > l.max {
		l.err = multipartTooLarge("multipart body is larger than the limit of %d bytes", l.max)
		return n, l.err
	}
	return n, err
}

// Multipart returns a reader over the parts of the request's multipart body (any
// multipart/* type with a boundary), streamed from the connection. A request of another
// content type is a 415 *Error; a body whose declared length is over MaxTotalBytes is a
// 413 before anything is read. Use it for uploads that go straight to their destination;
// MultipartForm reads a whole form.
func (c *Ctx) Multipart(lim MultipartLimits) (*MultipartReader, error) {
	lim.setDefaults()
	mt, err := parse.ParseMediaType(c.Header("Content-Type"))
	if err != nil || !parse.EqualFold(mt.Type, "multipart") {
		return nil, &Error{Status: http.StatusUnsupportedMediaType, Detail: "expected a multipart/form-data body"}
	}
	boundary := mt.Boundary()
	if boundary == "" {
		return nil, &Error{Status: http.StatusBadRequest, Detail: "multipart Content-Type has no boundary"}
	}
	if cl := c.ContentLength(); cl > lim.MaxTotalBytes {
		return nil, multipartTooLarge("multipart body is larger than the limit of %d bytes", lim.MaxTotalBytes)
	}
	body := &limitedBody{r: c.BodyReader(), max: lim.MaxTotalBytes}
	return &MultipartReader{mr: multipart.NewReader(body, boundary), body: body, lim: lim}, nil
}

// NextPart returns the next part, or io.EOF after the last one. Past MaxParts, or when the
// body passes MaxTotalBytes, it returns a 413 *Error; a malformed body is a 400 *Error.
func (r *MultipartReader) NextPart() (*Part, error) {
	p, err := r.mr.NextPart()
	if err != nil {
		return nil, r.wrapErr(err)
	}
	r.parts++
	if r.parts > r.lim.MaxParts {
		return nil, multipartTooLarge("multipart body has more than %d parts", r.lim.MaxParts)
	}
	r.cur = &Part{Name: p.FormName(), FileName: p.FileName(), Header: p.Header, p: p, max: r.lim.MaxPartBytes}
	return r.cur, nil
}

// wrapErr turns a mime/multipart error into a client error.
func (r *MultipartReader) wrapErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if r.body.err != nil {
		return r.body.err
	}
	var te *Error
	if errors.As(err, &te) {
		return err
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Detail: "multipart part headers are too large", Err: err}
	}
	return &Error{Status: http.StatusBadRequest, Detail: "malformed multipart body: " + err.Error(), Err: err}
}

// MultipartForm is a whole multipart form read by Ctx.MultipartForm.
type MultipartForm struct {
	// Value holds the field values by name.
	Value map[string][]string
	// File holds the uploaded files by field name.
	File map[string][]*FormFile
}

// FormValue returns the first value of the field name, or "".
func (f *MultipartForm) FormValue(name string) string {
	if vs := f.Value[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// FormFile returns the first file of the field name, or nil.
func (f *MultipartForm) FormFile(name string) *FormFile {
	if fs := f.File[name]; len(fs) > 0 {
		return fs[0]
	}
	return nil
}

// FormFile is an uploaded file of a MultipartForm, held in memory or in a temporary file
// that is removed when the request ends. It is valid until the handler returns.
type FormFile struct {
	// FileName is the name the client gave; see Part.FileName.
	FileName string
	// Header holds the part's MIME headers (Content-Type among them).
	Header textproto.MIMEHeader
	// Size is the length of the content in bytes.
	Size int64

	data []byte
	f    *os.File
}

// InMemory reports whether the content is held in memory rather than in a temporary file.
func (f *FormFile) InMemory() bool { return f.f == nil }

// Open returns a reader over the content. Several readers may be open at once; each
// reads from the start. Closing them is optional (the file is closed when the request
// ends).
func (f *FormFile) Open() multipart.File {
	var ra io.ReaderAt
	if f.f != nil {
		ra = f.f
	} else {
		ra = bytes.NewReader(f.data)
	}
	return sectionFile{io.NewSectionReader(ra, 0, f.Size)}
}

// sectionFile is a multipart.File over an io.SectionReader.
type sectionFile struct{ *io.SectionReader }

func (sectionFile) Close() error { return nil }

// MultipartForm reads the whole multipart body into a MultipartForm: field values and
// files up to MaxMemory in memory, later files in temporary files under TempDir, which are
// closed and removed when the request ends (also when it fails: no temporary file
// survives a 413 or a 400). See Multipart for the errors.
func (c *Ctx) MultipartForm(lim MultipartLimits) (*MultipartForm, error) {
	r, err := c.Multipart(lim)
	if err != nil {
		return nil, err
	}
	lim = r.lim
	form := &MultipartForm{Value: map[string][]string{}, File: map[string][]*FormFile{}}
	first := len(c.ext.tmp)
	fail := func(err error) (*MultipartForm, error) {
		c.removeSpills(first) // at once, rather than when the request ends
		return nil, err
	}
	memLeft := lim.MaxMemory
	var buf bytes.Buffer
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return fail(err)
		}
		if p.Name == "" {
			continue // a part without a form name, skipped as mime/multipart's ReadForm does
		}
		buf.Reset()
		if p.FileName == "" {
			// A field value: in memory, within what is left of MaxMemory.
			n, err := io.Copy(&buf, io.LimitReader(p, memLeft+1))
			if err != nil {
				return fail(r.wrapErr(err))
			}
			if n > memLeft {
				return fail(multipartTooLarge("multipart field values are larger than the memory limit of %d bytes", lim.MaxMemory))
			}
			memLeft -= n
			form.Value[p.Name] = append(form.Value[p.Name], buf.String())
			continue
		}
		ff := &FormFile{FileName: p.FileName, Header: p.Header}
		n, err := io.Copy(&buf, io.LimitReader(p, memLeft+1))
		if err != nil {
			return fail(r.wrapErr(err))
		}
		if n <= memLeft {
			memLeft -= n
			ff.data = bytes.Clone(buf.Bytes())
			ff.Size = n
		} else {
			// Spill: what was read so far, then the rest of the part, to a temporary file
			// registered with the Ctx before anything is written to it.
			f, err := os.CreateTemp(lim.TempDir, "tako-multipart-*")
			if err != nil {
				return fail(&Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: multipart: %w", err)})
			}
			c.ext.tmp = append(c.ext.tmp, f)
			m, err := io.Copy(f, io.MultiReader(&buf, p))
			if err != nil {
				var te *Error
				if errors.As(err, &te) {
					return fail(err)
				}
				if r.body.err != nil {
					return fail(r.body.err)
				}
				var pe *fs.PathError
				if errors.As(err, &pe) {
					return fail(&Error{Status: http.StatusInternalServerError, Err: fmt.Errorf("tako: multipart: writing a spill file: %w", err)})
				}
				return fail(r.wrapErr(err))
			}
			ff.f, ff.Size = f, m
		}
		form.File[p.Name] = append(form.File[p.Name], ff)
	}
}

// removeSpills closes and removes the multipart spill files registered from index i on.
func (c *Ctx) removeSpills(i int) {
	for j := i; j < len(c.ext.tmp); j++ {
		f := c.ext.tmp[j]
		f.Close()
		os.Remove(f.Name())
		c.ext.tmp[j] = nil
	}
	c.ext.tmp = c.ext.tmp[:i]
}
