package ws

import "fmt"

// PreparedMessage is a data message framed once for sending to many
// connections (a chat room, a broadcast): a server connection without
// compression writes its frame bytes as they are, with no copy and no
// re-framing. A client connection (which must mask) or a compressed one
// (whose deflate context is its own) frames it as WriteMessage would.
type PreparedMessage struct {
	op    OpCode
	data  []byte
	frame []byte // header + data, unmasked, uncompressed
}

// NewPreparedMessage copies data into a prepared message of type op.
func NewPreparedMessage(op MessageType, data []byte) (*PreparedMessage, error) {
	if op != Text && op != Binary {
		return nil, fmt.Errorf("ws: NewPreparedMessage: %s is not a data message type", op)
	}
	h := Header{Fin: true, OpCode: op, Length: int64(len(data))}
	f := make([]byte, 0, HeaderSize(h)+len(data))
	f = AppendHeader(f, h)
	hs := len(f)
	f = append(f, data...)
	return &PreparedMessage{op: op, data: f[hs:], frame: f}, nil
}

// WritePreparedMessage sends pm. It is safe for concurrent use like
// WriteMessage, and allocates nothing.
func (c *Conn) WritePreparedMessage(pm *PreparedMessage) error {
	if !c.server || (c.deflate != nil && c.deflate.shouldCompress(len(pm.data))) {
		return c.WriteMessage(pm.op, pm.data)
	}
	c.lock()
	defer c.unlock()
	if err := c.writeOK(); err != nil {
		return err
	}
	if _, err := c.conn.Write(pm.frame); err != nil {
		c.werr = err
		return err
	}
	return nil
}
