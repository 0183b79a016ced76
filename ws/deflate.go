package ws

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/tako-go/tako/pool"
)

// CompressionOptions configure permessage-deflate (RFC 7692). The zero
// value accepts any offer with context takeover in both directions, a
// 32 KiB window, compression level 1 (fastest) and compresses messages of
// 128 bytes and more.
type CompressionOptions struct {
	// Level is the flate level (1-9, 0 means 1). With a window below 15
	// bits the level is ignored (klauspost/compress's custom-window mode).
	Level int
	// ServerNoContextTakeover resets the server's compressor after every
	// message: less memory per connection (compressors come from a pool),
	// worse ratio.
	ServerNoContextTakeover bool
	// ClientNoContextTakeover asks the client to do the same, so the server
	// keeps no decompression window per connection.
	ClientNoContextTakeover bool
	// ServerMaxWindowBits caps the server's window (8-15, 0 means 15).
	ServerMaxWindowBits int
	// MinSize is the smallest payload that is compressed; 0 means 128.
	MinSize int
}

// deflateParams are the negotiated parameters of one connection.
type deflateParams struct {
	serverNoTakeover bool
	clientNoTakeover bool
	serverBits       int // 0: not sent (15)
	clientBits       int // 0: not sent (15)
	clientBitsOffer  bool
}

// String formats the response extension header value.
func (p deflateParams) String() string {
	var b strings.Builder
	b.WriteString("permessage-deflate")
	if p.serverNoTakeover {
		b.WriteString("; server_no_context_takeover")
	}
	if p.clientNoTakeover {
		b.WriteString("; client_no_context_takeover")
	}
	if p.serverBits != 0 {
		b.WriteString("; server_max_window_bits=" + strconv.Itoa(p.serverBits))
	}
	if p.clientBits != 0 {
		b.WriteString("; client_max_window_bits=" + strconv.Itoa(p.clientBits))
	}
	return b.String()
}

// parseDeflateOffer parses the parameters of one permessage-deflate offer
// (the part after the extension name). Unknown or repeated parameters and
// bad values reject the offer.
func parseDeflateOffer(params string) (p deflateParams, err error) {
	seen := map[string]bool{}
	for params != "" {
		var item string
		item, params, _ = strings.Cut(params, ";")
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, val, hasVal := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if seen[name] {
			return p, fmt.Errorf("ws: permessage-deflate: repeated parameter %q", name)
		}
		seen[name] = true
		bits := func() (int, error) {
			n, err := strconv.Atoi(val)
			if err != nil || n < 8 || n > 15 || val[0] == '0' {
				return 0, fmt.Errorf("ws: permessage-deflate: %s=%q is not 8-15", name, val)
			}
			return n, nil
		}
		switch name {
		case "server_no_context_takeover":
			if hasVal {
				return p, fmt.Errorf("ws: permessage-deflate: %s takes no value", name)
			}
			p.serverNoTakeover = true
		case "client_no_context_takeover":
			if hasVal {
				return p, fmt.Errorf("ws: permessage-deflate: %s takes no value", name)
			}
			p.clientNoTakeover = true
		case "server_max_window_bits":
			if p.serverBits, err = bits(); err != nil {
				return p, err
			}
		case "client_max_window_bits":
			p.clientBitsOffer = true
			if hasVal {
				if p.clientBits, err = bits(); err != nil {
					return p, err
				}
			}
		default:
			return p, fmt.Errorf("ws: permessage-deflate: unknown parameter %q", name)
		}
	}
	return p, nil
}

// accept picks the first acceptable permessage-deflate offer from a
// Sec-WebSocket-Extensions header and returns the response parameters.
func (o *CompressionOptions) accept(header string) (deflateParams, bool) {
	for ext := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(ext, ";")
		if strings.TrimSpace(name) != "permessage-deflate" {
			continue
		}
		offer, err := parseDeflateOffer(params)
		if err != nil {
			continue
		}
		var r deflateParams
		r.serverNoTakeover = offer.serverNoTakeover || o.ServerNoContextTakeover
		r.clientNoTakeover = offer.clientNoTakeover || o.ClientNoContextTakeover
		r.serverBits = offer.serverBits
		if o.ServerMaxWindowBits >= 8 && o.ServerMaxWindowBits < 15 &&
			(r.serverBits == 0 || o.ServerMaxWindowBits < r.serverBits) {
			r.serverBits = o.ServerMaxWindowBits
		}
		if offer.clientBitsOffer && offer.clientBits != 0 {
			// Echo the client's own limit: we decompress any window.
			r.clientBits = offer.clientBits
		}
		return r, true
	}
	return deflateParams{}, false
}

// deflateTail ends every compressed message on the wire (RFC 7692 7.2.1):
// the sender strips it and the receiver appends it back. The final empty
// stored block after it makes the flate reader stop at the message end.
const deflateTail = "\x00\x00\xff\xff\x01\x00\x00\xff\xff"

var flateReaders sync.Pool // of io.ReadCloser implementing flate.Resetter

// writerPools holds flate writers keyed by level and window bits.
var writerPools sync.Map // key int -> *sync.Pool

func writerPool(level, bits int) *sync.Pool {
	key := level<<8 | bits
	if p, ok := writerPools.Load(key); ok {
		return p.(*sync.Pool)
	}
	p, _ := writerPools.LoadOrStore(key, &sync.Pool{})
	return p.(*sync.Pool)
}

func newFlateWriter(level, bits int, w io.Writer) *flate.Writer {
	if bits > 0 && bits < 15 {
		fw, _ := flate.NewWriterWindow(w, 1<<bits)
		return fw
	}
	fw, _ := flate.NewWriter(w, level)
	return fw
}

// deflateState is the negotiated permessage-deflate state of a Conn.
type deflateState struct {
	params   deflateParams
	server   bool
	level    int
	minSize  int
	wbits    int
	wtake    bool // keep the compressor across messages
	rtake    bool // keep the decompression window across messages
	fw       *flate.Writer
	out      *pool.Buffer
	window   []byte // last 32 KiB of decompressed output (rtake)
	fr       io.ReadCloser
	rd       deflateReader
	wr       deflateWriter
	src      tailReader // buffers 512 bytes
	readErr  error
	inflated int64
}

func newDeflateState(p deflateParams, server bool, o *CompressionOptions) *deflateState {
	d := &deflateState{params: p, server: server, level: 1, minSize: 128}
	if o != nil {
		if o.Level >= 1 && o.Level <= 9 {
			d.level = o.Level
		}
		if o.MinSize > 0 {
			d.minSize = o.MinSize
		}
	}
	if server {
		d.wbits, d.wtake, d.rtake = p.serverBits, !p.serverNoTakeover, !p.clientNoTakeover
	} else {
		d.wbits, d.wtake, d.rtake = p.clientBits, !p.clientNoTakeover, !p.serverNoTakeover
	}
	d.rd.d = d
	d.wr.d = d
	return d
}

func (d *deflateState) shouldCompress(n int) bool { return n >= d.minSize }

// compress deflates p into d.out (reset first) and returns the payload to
// send, without the 4-byte tail. Caller holds the write lock.
func (d *deflateState) compress(p []byte) ([]byte, error) {
	if d.out == nil {
		d.out = pool.GetBuffer()
	}
	d.out.Reset()
	if d.fw == nil {
		pl := writerPool(d.level, d.wbits)
		if fw, ok := pl.Get().(*flate.Writer); ok {
			fw.Reset(d.out)
			d.fw = fw
		} else {
			d.fw = newFlateWriter(d.level, d.wbits, d.out)
		}
	}
	if _, err := d.fw.Write(p); err != nil {
		return nil, err
	}
	if err := d.fw.Flush(); err != nil {
		return nil, err
	}
	b := d.out.B
	if len(b) >= 4 && string(b[len(b)-4:]) == deflateTail[:4] {
		b = b[:len(b)-4]
	}
	if len(b) == 0 {
		b = append(b, 0) // an empty message compresses to one 0x00 byte
	}
	return b, nil
}

// done releases per-message compressor state when there is no takeover.
func (d *deflateState) done() {
	if !d.wtake && d.fw != nil {
		writerPool(d.level, d.wbits).Put(d.fw)
		d.fw = nil
	}
	if d.out == nil {
		return
	}
	if !d.wtake {
		pool.PutBuffer(d.out)
		d.out = nil
	} else if cap(d.out.B) > 64<<10 {
		// With context takeover the kept flate writer still writes into
		// d.out, so the buffer object must stay with this connection (handing
		// it back to the pool let the next message go out empty and another
		// connection share it): keep it, drop its large memory.
		d.out.B = nil
	}
}

func (d *deflateState) writeMessage(c *Conn, op OpCode, p []byte) error {
	b, err := d.compress(p)
	if err == nil {
		err = c.writeData(op, Rsv1, b, true)
	}
	d.done()
	return err
}

// writer returns the streaming writer for a compressed message: payload is
// compressed as it is written and sent as one message on Close.
func (d *deflateState) writer(c *Conn) io.WriteCloser {
	d.wr.c = c
	d.wr.buf = d.wr.buf[:0]
	d.wr.open = true
	return &d.wr
}

type deflateWriter struct {
	d    *deflateState
	c    *Conn
	buf  []byte
	open bool
}

func (w *deflateWriter) Write(p []byte) (int, error) {
	if !w.open {
		return 0, ErrWriterClosed
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

func (w *deflateWriter) Close() error {
	if !w.open {
		return ErrWriterClosed
	}
	w.open = false
	c := w.c
	defer c.unlock()
	c.writer.open = false
	if c.werr != nil {
		return c.werr
	}
	var err error
	if w.d.shouldCompress(len(w.buf)) {
		err = w.d.writeMessage(c, c.wop, w.buf)
	} else {
		err = c.writeData(c.wop, 0, w.buf, true)
	}
	if cap(w.buf) > 64<<10 {
		w.buf = nil
	}
	return err
}

// tailReader reads the raw message payload, then deflateTail. It buffers
// so flate can use it as an io.ByteReader (flate would otherwise wrap it
// in a new bufio.Reader per message); the buffer lives in deflateState, so
// nothing is allocated per message.
type tailReader struct {
	r    io.Reader
	tail int // 0: reading r; k > 0: k-1 bytes of deflateTail served
	buf  [512]byte
	lo   int
	hi   int
}

func (t *tailReader) reset(r io.Reader) { t.r, t.tail, t.lo, t.hi = r, 0, 0, 0 }

// more refills buf; it returns io.EOF after the tail.
func (t *tailReader) more() error {
	t.lo, t.hi = 0, 0
	if t.tail == 0 {
		n, err := t.r.Read(t.buf[:])
		t.hi = n
		if err == io.EOF {
			t.tail = 1
			err = nil
		}
		if n > 0 || err != nil {
			return err
		}
	}
	if t.tail-1 >= len(deflateTail) {
		return io.EOF
	}
	n := copy(t.buf[:], deflateTail[t.tail-1:])
	t.tail += n
	t.hi = n
	return nil
}

func (t *tailReader) Read(p []byte) (int, error) {
	for t.lo == t.hi {
		if err := t.more(); err != nil {
			return 0, err
		}
	}
	n := copy(p, t.buf[t.lo:t.hi])
	t.lo += n
	return n, nil
}

// ReadByte implements io.ByteReader for flate.
func (t *tailReader) ReadByte() (byte, error) {
	for t.lo == t.hi {
		if err := t.more(); err != nil {
			return 0, err
		}
	}
	b := t.buf[t.lo]
	t.lo++
	return b, nil
}

func (d *deflateState) reader(c *Conn) io.Reader {
	d.src.reset(&c.reader)
	var dict []byte
	if d.rtake {
		dict = d.window
	}
	if d.fr == nil {
		if fr, ok := flateReaders.Get().(io.ReadCloser); ok {
			d.fr = fr
			d.fr.(flate.Resetter).Reset(&d.src, dict)
		} else {
			d.fr = flate.NewReaderDict(&d.src, dict)
		}
	} else {
		d.fr.(flate.Resetter).Reset(&d.src, dict)
	}
	d.rd.c = c
	d.rd.eof = false
	d.inflated = 0
	c.utf8.reset()
	return &d.rd
}

type deflateReader struct {
	d   *deflateState
	c   *Conn
	eof bool
}

func (r *deflateReader) Read(p []byte) (int, error) {
	d, c := r.d, r.c
	if r.eof {
		return 0, io.EOF
	}
	if c.rerr != nil {
		return 0, c.rerr
	}
	n, err := d.fr.Read(p)
	d.inflated += int64(n)
	if d.inflated > c.opt.MaxMessageSize {
		return 0, c.fail(CloseMessageTooBig, fmt.Errorf("%w: decompressed message over %d bytes", ErrReadLimit, c.opt.MaxMessageSize))
	}
	if n > 0 {
		if c.rop == OpText && !c.utf8.write(p[:n]) {
			return 0, c.fail(CloseInvalidPayload, errors.New("ws: text message is not valid UTF-8"))
		}
		if d.rtake {
			d.window = appendWindow(d.window, p[:n])
		}
	}
	if err == io.EOF {
		// Drain whatever follows a final block inside the message.
		for c.rin {
			if _, e := c.reader.Read(c.ctrl[:]); e != nil {
				if e != io.EOF {
					return n, e
				}
				break
			}
		}
		if c.rerr != nil {
			return n, c.rerr
		}
		if c.rop == OpText && !c.utf8.done() {
			return n, c.fail(CloseInvalidPayload, errors.New("ws: text message ends inside a UTF-8 sequence"))
		}
		r.eof = true
		if !d.rtake {
			flateReaders.Put(d.fr)
			d.fr = nil
		}
		return n, io.EOF
	}
	if err != nil {
		if c.rerr != nil {
			return n, c.rerr
		}
		return n, c.fail(CloseInvalidPayload, fmt.Errorf("ws: permessage-deflate: %v", err))
	}
	return n, nil
}

// appendWindow keeps the last 32 KiB of output for context takeover.
func appendWindow(w, p []byte) []byte {
	const size = 32 << 10
	if len(p) >= size {
		return append(w[:0], p[len(p)-size:]...)
	}
	if len(w)+len(p) > size {
		drop := len(w) + len(p) - size
		w = w[:copy(w, w[drop:])]
	}
	return append(w, p...)
}
