package ws

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tako-go/tako/pool"
)

// MessageType is the type of a data message: [Text] or [Binary].
type MessageType = OpCode

// The two data message types.
const (
	Text   = OpText
	Binary = OpBinary
)

// Defaults for [Options] fields left at zero.
const (
	DefaultReadBufferSize  = 4 << 10
	DefaultWriteBufferSize = 4 << 10
	// DefaultMaxMessageSize bounds a reassembled message (16 MiB: the
	// largest Autobahn case, and above the 1 MB interop message).
	DefaultMaxMessageSize = 16 << 20
)

// Errors returned by Conn methods.
var (
	// ErrCloseSent is returned by writes after a close frame was sent.
	ErrCloseSent = errors.New("ws: write after close frame was sent")
	// ErrWriterOpen is returned when a message writer is used after Close.
	ErrWriterClosed = errors.New("ws: message writer already closed")
	// ErrReadLimit is wrapped when a frame or message is over its limit.
	ErrReadLimit = errors.New("ws: read limit exceeded")
)

// Options configure a [Conn]. The zero value works: 4 KiB buffers, a 16 MiB
// message limit, no frame limit other than the message limit.
type Options struct {
	// ReadBufferSize and WriteBufferSize size the pooled I/O buffers.
	ReadBufferSize, WriteBufferSize int
	// MaxMessageSize bounds a reassembled data message (after
	// decompression); 0 means DefaultMaxMessageSize, -1 means no limit.
	MaxMessageSize int64
	// MaxFrameSize bounds one frame's payload; 0 means MaxMessageSize.
	MaxFrameSize int64
}

func (o *Options) norm() Options {
	r := *o
	if r.ReadBufferSize <= 0 {
		r.ReadBufferSize = DefaultReadBufferSize
	}
	if r.ReadBufferSize < 256 {
		r.ReadBufferSize = 256
	}
	if r.WriteBufferSize <= 0 {
		r.WriteBufferSize = DefaultWriteBufferSize
	}
	if r.WriteBufferSize < 256 {
		r.WriteBufferSize = 256
	}
	switch {
	case r.MaxMessageSize == 0:
		r.MaxMessageSize = DefaultMaxMessageSize
	case r.MaxMessageSize < 0:
		r.MaxMessageSize = 1<<63 - 1
	}
	if r.MaxFrameSize <= 0 || r.MaxFrameSize > r.MaxMessageSize {
		r.MaxFrameSize = r.MaxMessageSize
	}
	return r
}

var bufPool pool.Bytes

// Conn is a WebSocket connection after the handshake.
//
// One goroutine may read (NextReader, ReadMessage, AppendMessage) at a time;
// any number of goroutines may write concurrently (WriteMessage,
// NextWriter, WriteControl, Ping, Close): writes are serialised by a mutex,
// and a message writer holds it until it is closed. Reading answers pings
// and close frames by itself, so keep a reader running.
type Conn struct {
	conn   net.Conn
	server bool
	opt    Options

	// read side: owned by the reading goroutine
	rbuf       []byte
	rpos, rend int
	rh         Header // current data frame
	rremain    int64  // payload bytes left in the current frame
	rmaskPos   int
	rop        OpCode // opcode of the message being read
	rin        bool   // a data message is in progress
	rsize      int64  // bytes of the current message so far
	rcomp      bool   // the current message is compressed
	rerr       error  // sticky read error
	utf8       utf8Validator
	reader     messageReader
	ctrl       [MaxControlPayload]byte
	pingFn     func(payload []byte) error
	pongFn     func(payload []byte) error
	readClosed bool

	// write side: guarded by the write lock. Control frames and Close take
	// it with a deadline (lockBy) so they never hang behind a blocked
	// writer.
	wmu       sync.Mutex
	userWD    atomic.Int64 // the caller's write deadline (UnixNano, 0 none)
	wbuf      []byte
	wpos      int // end of buffered payload in wbuf (payload starts at MaxHeaderSize)
	wop       OpCode
	wfirst    bool
	wcomp     bool
	writer    messageWriter
	wvec      [2][]byte
	wbufs     net.Buffers
	closeSent bool
	werr      error

	closeOnce sync.Once
	subproto  string
	deflate   *deflateState
}

// NewConn wraps conn, which has completed a handshake, as a WebSocket
// connection. server says which side this is (a server expects masked
// frames and sends unmasked ones). buffered holds bytes already read from
// conn after the handshake (it is copied).
func NewConn(conn net.Conn, server bool, buffered []byte, opt *Options) *Conn {
	var o Options
	if opt != nil {
		o = *opt
	}
	o = o.norm()
	c := &Conn{conn: conn, server: server, opt: o}
	n := max(o.ReadBufferSize, len(buffered))
	c.rbuf = bufPool.Get(n)
	c.rbuf = c.rbuf[:cap(c.rbuf)]
	c.rend = copy(c.rbuf, buffered)
	c.wbuf = bufPool.Get(o.WriteBufferSize + MaxHeaderSize)
	c.wbuf = c.wbuf[:cap(c.wbuf)]
	c.reader.c = c
	c.writer.c = c
	return c
}

func (c *Conn) lock()   { c.wmu.Lock() }
func (c *Conn) unlock() { c.wmu.Unlock() }

// lockBy takes the write lock, giving up at deadline (zero: never).
//
// The lock is a sync.Mutex, not a 1-slot channel that a select with a
// timer could wait on: the channel's runtime lock cost about 25% of a
// 16-byte echo in BenchmarkEcho's profile. Timed waits only happen for
// control frames under contention, so they poll TryLock with a backoff
// from 50µs to 5ms instead.
func (c *Conn) lockBy(deadline time.Time) bool {
	if c.wmu.TryLock() {
		return true
	}
	if deadline.IsZero() {
		c.wmu.Lock()
		return true
	}
	wait := 50 * time.Microsecond
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false
		}
		time.Sleep(min(wait, left))
		if c.wmu.TryLock() {
			return true
		}
		wait = min(2*wait, 5*time.Millisecond)
	}
}

// errLockTimeout is returned when a control frame could not be sent before
// its deadline because another write held the connection.
var errLockTimeout = errors.New("ws: write lock not acquired before the deadline")

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// Subprotocol returns the negotiated subprotocol, or "".
func (c *Conn) Subprotocol() string { return c.subproto }

// SetReadDeadline sets the deadline for reads on the underlying connection.
// A read that times out fails the connection: later reads return the error.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.conn.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for writes on the underlying connection.
// Control frames the Conn sends with their own deadline restore it after.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	var ns int64
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	c.userWD.Store(ns)
	return c.conn.SetWriteDeadline(t)
}

// SetPingHandler sets the function called with a ping's payload. The
// default answers with a pong carrying the same payload. The payload is
// valid only during the call.
func (c *Conn) SetPingHandler(fn func(payload []byte) error) { c.pingFn = fn }

// SetPongHandler sets the function called with a pong's payload (default:
// ignore). The payload is valid only during the call.
func (c *Conn) SetPongHandler(fn func(payload []byte) error) { c.pongFn = fn }

// ---- reading ----

// fill reads more bytes into rbuf, compacting it first. It returns an error
// when no byte could be read.
func (c *Conn) fill() error {
	if c.rpos > 0 {
		c.rend = copy(c.rbuf, c.rbuf[c.rpos:c.rend])
		c.rpos = 0
	}
	if c.rend == len(c.rbuf) {
		return errors.New("ws: read buffer full")
	}
	n, err := c.conn.Read(c.rbuf[c.rend:])
	c.rend += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

func (c *Conn) readHeader() (Header, error) {
	for {
		h, n, err := ParseHeader(c.rbuf[c.rpos:c.rend])
		if err != nil {
			return h, err
		}
		if n > 0 {
			c.rpos += n
			return h, nil
		}
		if err := c.fill(); err != nil {
			if err == io.EOF && c.rend > c.rpos {
				err = io.ErrUnexpectedEOF
			}
			return h, err
		}
	}
}

// readFull reads exactly len(p) payload bytes (without unmasking).
func (c *Conn) readFull(p []byte) error {
	for len(p) > 0 {
		if c.rpos == c.rend {
			if len(p) >= len(c.rbuf) {
				n, err := io.ReadFull(c.conn, p)
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				_ = n
				return err
			}
			if err := c.fill(); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return err
			}
		}
		n := copy(p, c.rbuf[c.rpos:c.rend])
		c.rpos += n
		p = p[n:]
	}
	return nil
}

// fail fails the connection: it sends a close frame with code (best
// effort), closes the transport and makes err sticky.
func (c *Conn) fail(code int, err error) error {
	if c.rerr != nil {
		return c.rerr
	}
	if code != 0 {
		c.writeClose(code, "", time.Now().Add(time.Second))
	}
	c.closeTransport()
	c.rerr = err
	c.releaseRead()
	return err
}

func (c *Conn) releaseRead() {
	if c.rbuf != nil {
		bufPool.Put(c.rbuf)
		c.rbuf = nil
	}
}

func (c *Conn) protocolError(format string, args ...any) error {
	return c.fail(CloseProtocolError, fmt.Errorf("ws: protocol error: "+format, args...))
}

// nextFrame reads frame headers, handling control frames, until a data
// frame starts; it checks the frame against the message state.
func (c *Conn) nextFrame() error {
	if c.rerr != nil {
		return c.rerr
	}
	for {
		h, err := c.readHeader()
		if err != nil {
			if errors.Is(err, ErrHeaderLengthMSB) || errors.Is(err, ErrHeaderLengthShort) ||
				errors.Is(err, ErrControlFragmented) || errors.Is(err, ErrControlTooLong) {
				return c.protocolError("%v", err)
			}
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return c.fail(0, &CloseError{Code: CloseAbnormal, Reason: err.Error()})
			}
			return c.fail(0, err)
		}
		if h.OpCode.IsReserved() {
			return c.protocolError("reserved opcode 0x%x", byte(h.OpCode))
		}
		if h.Masked != c.server {
			if c.server {
				return c.protocolError("unmasked frame from client")
			}
			return c.protocolError("masked frame from server")
		}
		if h.Rsv != 0 {
			ok := h.Rsv == Rsv1 && c.deflate != nil && (h.OpCode == OpText || h.OpCode == OpBinary)
			if !ok {
				return c.protocolError("reserved bits 0x%x set", h.Rsv)
			}
		}
		if h.OpCode.IsControl() {
			if err := c.control(h); err != nil {
				return err
			}
			continue
		}
		if h.OpCode == OpContinuation {
			if !c.rin {
				return c.protocolError("continuation frame without a message in progress")
			}
		} else {
			if c.rin {
				return c.protocolError("%s frame inside a fragmented message", h.OpCode)
			}
			c.rin = true
			c.rop = h.OpCode
			c.rsize = 0
			c.rcomp = h.Rsv&Rsv1 != 0
			c.utf8.reset()
		}
		if h.Length > c.opt.MaxFrameSize {
			return c.fail(CloseMessageTooBig, fmt.Errorf("%w: frame of %d bytes (limit %d)", ErrReadLimit, h.Length, c.opt.MaxFrameSize))
		}
		if !c.rcomp && c.rsize+h.Length > c.opt.MaxMessageSize {
			return c.fail(CloseMessageTooBig, fmt.Errorf("%w: message over %d bytes", ErrReadLimit, c.opt.MaxMessageSize))
		}
		c.rh = h
		c.rremain = h.Length
		c.rmaskPos = 0
		return nil
	}
}

// control reads and handles one control frame.
func (c *Conn) control(h Header) error {
	p := c.ctrl[:h.Length]
	if err := c.readFull(p); err != nil {
		return c.fail(0, &CloseError{Code: CloseAbnormal, Reason: err.Error()})
	}
	if h.Masked {
		Cipher(p, h.Mask, 0)
	}
	switch h.OpCode {
	case OpPing:
		var err error
		if c.pingFn != nil {
			err = c.pingFn(p)
		} else {
			err = c.WriteControl(OpPong, p, time.Now().Add(5*time.Second))
		}
		if err != nil && !errors.Is(err, ErrCloseSent) {
			return c.fail(0, err)
		}
	case OpPong:
		if c.pongFn != nil {
			if err := c.pongFn(p); err != nil {
				return c.fail(0, err)
			}
		}
	case OpClose:
		code, reason, err := ParseClosePayload(p)
		if err != nil {
			return c.protocolError("%v", err)
		}
		echo := code
		if code == CloseNoStatus {
			echo = 0
		}
		c.writeClose(echo, "", time.Now().Add(time.Second))
		// The close handshake is complete once both frames are out; the
		// server closes the transport first (RFC 6455 section 7.1.1).
		c.closeTransport()
		c.rerr = &CloseError{Code: code, Reason: reason}
		c.releaseRead()
		return c.rerr
	}
	return nil
}

// NextReader returns the type of the next data message and a reader for
// its payload. The reader is owned by the Conn and is valid until the next
// call to NextReader; an unread rest of the previous message is discarded.
// Text messages are checked for UTF-8 as they are read: invalid text fails
// the connection with [CloseInvalidPayload].
func (c *Conn) NextReader() (MessageType, io.Reader, error) {
	if c.rin {
		// Discard the rest of the current message. A compressed one goes
		// through the decompressor, so its context-takeover window stays
		// in step with the peer's.
		var r io.Reader = &c.reader
		if c.rcomp && c.deflate != nil && !c.deflate.rd.eof {
			r = &c.deflate.rd
		}
		for {
			if _, err := r.Read(c.ctrl[:]); err != nil {
				if err == io.EOF {
					break
				}
				return 0, nil, err
			}
		}
	}
	if err := c.nextFrame(); err != nil {
		return 0, nil, err
	}
	if c.rcomp {
		return c.rop, c.deflate.reader(c), nil
	}
	return c.rop, &c.reader, nil
}

// messageReader reads the payload of the current message across frames.
type messageReader struct{ c *Conn }

func (r *messageReader) Read(p []byte) (int, error) {
	c := r.c
	if !c.rin {
		if c.rerr != nil {
			return 0, c.rerr
		}
		return 0, io.EOF
	}
	for c.rremain == 0 {
		if c.rh.Fin {
			c.rin = false
			if c.rop == OpText && !c.rcomp && !c.utf8.done() {
				return 0, c.fail(CloseInvalidPayload, errors.New("ws: text message ends inside a UTF-8 sequence"))
			}
			return 0, io.EOF
		}
		if err := c.nextFrame(); err != nil {
			return 0, err
		}
		if c.rh.OpCode != OpContinuation { // cannot happen: nextFrame checks
			return 0, c.protocolError("unexpected %s frame", c.rh.OpCode)
		}
	}
	if int64(len(p)) > c.rremain {
		p = p[:c.rremain]
	}
	n := 0
	if c.rpos < c.rend {
		n = copy(p, c.rbuf[c.rpos:c.rend])
		c.rpos += n
	} else if len(p) >= len(c.rbuf) {
		var err error
		n, err = c.conn.Read(p)
		if n == 0 {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, c.fail(0, &CloseError{Code: CloseAbnormal, Reason: err.Error()})
		}
	} else {
		if err := c.fill(); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, c.fail(0, &CloseError{Code: CloseAbnormal, Reason: err.Error()})
		}
		n = copy(p, c.rbuf[c.rpos:c.rend])
		c.rpos += n
	}
	p = p[:n]
	c.rremain -= int64(n)
	c.rsize += int64(n)
	if c.rh.Masked {
		c.rmaskPos = Cipher(p, c.rh.Mask, c.rmaskPos)
	}
	if c.rop == OpText && !c.rcomp && !c.utf8.write(p) {
		return 0, c.fail(CloseInvalidPayload, errors.New("ws: text message is not valid UTF-8"))
	}
	return n, nil
}

// AppendMessage reads the next whole message and appends its payload to
// dst. With a dst of enough capacity it allocates nothing: this is the
// zero-allocation read path.
func (c *Conn) AppendMessage(dst []byte) (MessageType, []byte, error) {
	op, r, err := c.NextReader()
	if err != nil {
		return 0, dst, err
	}
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return op, dst, nil
		}
		if err != nil {
			return 0, dst, err
		}
	}
}

// ReadMessage reads the next whole message into a newly allocated slice.
// Use AppendMessage to reuse a buffer.
func (c *Conn) ReadMessage() (MessageType, []byte, error) {
	return c.AppendMessage(nil)
}

// ---- writing ----

func (c *Conn) newMask() (m [4]byte) {
	binary.LittleEndian.PutUint32(m[:], rand.Uint32())
	return m
}

// writeFrame writes one frame whose payload sits in c.wbuf[MaxHeaderSize:end]
// (already compressed if rsv says so). Caller holds the write lock.
func (c *Conn) writeFrame(fin bool, rsv byte, op OpCode, end int) error {
	h := Header{Fin: fin, Rsv: rsv, OpCode: op, Length: int64(end - MaxHeaderSize), Masked: !c.server}
	if h.Masked {
		h.Mask = c.newMask()
		Cipher(c.wbuf[MaxHeaderSize:end], h.Mask, 0)
	}
	hs := HeaderSize(h)
	AppendHeader(c.wbuf[MaxHeaderSize-hs:MaxHeaderSize-hs], h)
	_, err := c.conn.Write(c.wbuf[MaxHeaderSize-hs : end])
	if err != nil {
		c.werr = err
	}
	return err
}

// writeData writes p as frames of one message, copying through wbuf.
// Caller holds the write lock.
func (c *Conn) writeData(op OpCode, rsv byte, p []byte, fin bool) error {
	room := len(c.wbuf) - MaxHeaderSize
	if c.server && len(p) > room {
		// Large unmasked payload: write the header then the caller's bytes
		// directly, no copy.
		// net.Buffers makes it one writev on a *net.TCPConn; the slice
		// header array lives in the Conn, so nothing is allocated.
		h := Header{Fin: fin, Rsv: rsv, OpCode: op, Length: int64(len(p))}
		hs := HeaderSize(h)
		AppendHeader(c.wbuf[:0], h)
		c.wvec[0], c.wvec[1] = c.wbuf[:hs], p
		c.wbufs = c.wvec[:]
		_, err := c.wbufs.WriteTo(c.conn)
		c.wvec[1] = nil // do not keep the caller's slice
		if err != nil {
			c.werr = err
		}
		return err
	}
	if len(p) <= room {
		n := copy(c.wbuf[MaxHeaderSize:], p)
		return c.writeFrame(fin, rsv, op, MaxHeaderSize+n)
	}
	// Client, large payload: one frame, masked chunk by chunk.
	h := Header{Fin: fin, Rsv: rsv, OpCode: op, Length: int64(len(p)), Masked: true, Mask: c.newMask()}
	hs := HeaderSize(h)
	AppendHeader(c.wbuf[:0], h)
	pos := 0
	start := hs
	for len(p) > 0 {
		n := copy(c.wbuf[start:], p)
		pos = Cipher(c.wbuf[start:start+n], h.Mask, pos)
		if _, err := c.conn.Write(c.wbuf[:start+n]); err != nil {
			c.werr = err
			return err
		}
		p = p[n:]
		start = 0
	}
	return nil
}

func (c *Conn) writeOK() error {
	if c.werr != nil {
		return c.werr
	}
	if c.closeSent {
		return ErrCloseSent
	}
	return nil
}

// WriteMessage writes p as one message of type op. It is safe to call
// from several goroutines. Without compression it allocates nothing.
func (c *Conn) WriteMessage(op MessageType, p []byte) error {
	if op != Text && op != Binary {
		return fmt.Errorf("ws: WriteMessage: %s is not a data message type", op)
	}
	c.lock()
	defer c.unlock()
	if err := c.writeOK(); err != nil {
		return err
	}
	if c.deflate != nil && c.deflate.shouldCompress(len(p)) {
		return c.deflate.writeMessage(c, op, p)
	}
	return c.writeData(op, 0, p, true)
}

// WriteControl writes a control frame (ping, pong or close) with a payload
// of at most 125 bytes. deadline bounds the wait for the write lock and the
// write; a zero deadline means no bound.
func (c *Conn) WriteControl(op OpCode, payload []byte, deadline time.Time) error {
	if !op.IsControl() || op.IsReserved() {
		return fmt.Errorf("ws: WriteControl: %s is not a control opcode", op)
	}
	if len(payload) > MaxControlPayload {
		return fmt.Errorf("ws: WriteControl: %d-byte payload over 125", len(payload))
	}
	if !c.lockBy(deadline) {
		return errLockTimeout
	}
	defer c.unlock()
	if err := c.writeOK(); err != nil {
		return err
	}
	return c.writeControlLocked(op, payload, deadline)
}

func (c *Conn) writeControlLocked(op OpCode, payload []byte, deadline time.Time) error {
	// Control frames may be sent while a message writer has buffered
	// payload in wbuf: build the frame in a stack buffer instead.
	var buf [MaxHeaderSize + MaxControlPayload]byte
	h := Header{Fin: true, OpCode: op, Length: int64(len(payload)), Masked: !c.server}
	if h.Masked {
		h.Mask = c.newMask()
	}
	b := AppendHeader(buf[:0], h)
	hs := len(b)
	b = append(b, payload...)
	if h.Masked {
		Cipher(b[hs:], h.Mask, 0)
	}
	if !deadline.IsZero() {
		c.conn.SetWriteDeadline(deadline)
		defer func() {
			var t time.Time
			if ns := c.userWD.Load(); ns != 0 {
				t = time.Unix(0, ns)
			}
			c.conn.SetWriteDeadline(t)
		}()
	}
	if _, err := c.conn.Write(b); err != nil {
		c.werr = err
		return err
	}
	if op == OpClose {
		c.closeSent = true
	}
	return nil
}

// writeClose sends a close frame once (code 0: empty payload).
func (c *Conn) writeClose(code int, reason string, deadline time.Time) error {
	if !c.lockBy(deadline) {
		return errLockTimeout
	}
	defer c.unlock()
	if err := c.writeOK(); err != nil {
		return err
	}
	var p []byte
	var buf [MaxControlPayload]byte
	if code != 0 {
		p = AppendClosePayload(buf[:0], code, reason)
	}
	return c.writeControlLocked(OpClose, p, deadline)
}

// Ping sends a ping with payload (at most 125 bytes).
func (c *Conn) Ping(payload []byte) error {
	return c.WriteControl(OpPing, payload, time.Time{})
}

// WriteClose sends a close frame with code and reason and keeps the
// transport open so the peer's close frame can still be read (the read
// methods then return a *CloseError). Use Close to end at once.
func (c *Conn) WriteClose(code int, reason string) error {
	if !ValidCloseCode(code) {
		return fmt.Errorf("ws: WriteClose: status code %d cannot be sent", code)
	}
	return c.writeClose(code, reason, time.Now().Add(5*time.Second))
}

// Close sends a normal close frame if none was sent yet and closes the
// transport. It does not wait for the peer's close frame (see WriteClose).
func (c *Conn) Close() error {
	c.writeClose(CloseNormal, "", time.Now().Add(time.Second))
	return c.closeTransport()
}

func (c *Conn) closeTransport() error {
	var err error
	c.closeOnce.Do(func() {
		err = c.conn.Close()
		// Recycle the write buffer only if no writer holds the lock (a
		// blocked or abandoned writer would otherwise hang Close; its
		// buffer is then left to the GC).
		if c.wmu.TryLock() {
			if c.werr == nil {
				c.werr = net.ErrClosed
			}
			if c.wbuf != nil {
				bufPool.Put(c.wbuf)
				c.wbuf = nil
			}
			c.unlock()
		}
	})
	return err
}

// NextWriter returns a writer for a new message of type op. The writer holds
// the connection's write lock until its Close, which sends the last frame;
// other writers (including automatic pongs) wait. Payload is sent in frames
// of up to WriteBufferSize bytes as the buffer fills.
func (c *Conn) NextWriter(op MessageType) (io.WriteCloser, error) {
	if op != Text && op != Binary {
		return nil, fmt.Errorf("ws: NextWriter: %s is not a data message type", op)
	}
	c.lock()
	if err := c.writeOK(); err != nil {
		c.unlock()
		return nil, err
	}
	c.wop = op
	c.wfirst = true
	c.wpos = MaxHeaderSize
	c.writer.open = true
	if c.deflate != nil {
		c.wcomp = true
		return c.deflate.writer(c), nil
	}
	c.wcomp = false
	return &c.writer, nil
}

// messageWriter is the Conn-owned writer NextWriter returns.
type messageWriter struct {
	c    *Conn
	open bool
}

func (w *messageWriter) flushFrame(fin bool) error {
	c := w.c
	op := c.wop
	if !c.wfirst {
		op = OpContinuation
	}
	var rsv byte
	if c.wfirst && c.wcomp {
		rsv = Rsv1
	}
	c.wfirst = false
	err := c.writeFrame(fin, rsv, op, c.wpos)
	c.wpos = MaxHeaderSize
	return err
}

func (w *messageWriter) Write(p []byte) (int, error) {
	if !w.open {
		return 0, ErrWriterClosed
	}
	c := w.c
	if c.werr != nil {
		return 0, c.werr
	}
	n := 0
	for len(p) > 0 {
		if c.wpos == len(c.wbuf) {
			if err := w.flushFrame(false); err != nil {
				return n, err
			}
		}
		k := copy(c.wbuf[c.wpos:], p)
		c.wpos += k
		n += k
		p = p[k:]
	}
	return n, nil
}

// Close sends the final frame and releases the write lock.
func (w *messageWriter) Close() error {
	if !w.open {
		return ErrWriterClosed
	}
	w.open = false
	c := w.c
	defer c.unlock()
	if c.werr != nil {
		return c.werr
	}
	return w.flushFrame(true)
}
