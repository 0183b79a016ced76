package jobs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The bolt store keeps each job as one value in a compact binary layout
// (uvarints and length-prefixed strings), version byte first. It is about
// ten times cheaper than JSON for this struct and has no reflection.

const recordVersion = 1

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

func encodeRecord(b []byte, j *Job) []byte {
	b = append(b, recordVersion, byte(j.State))
	b = binary.AppendUvarint(b, uint64(j.ID))
	b = appendString(b, j.Kind)
	b = binary.AppendUvarint(b, uint64(len(j.Payload)))
	b = append(b, j.Payload...)
	b = binary.AppendVarint(b, int64(j.Priority))
	b = appendString(b, j.UniqueKey)
	b = binary.AppendVarint(b, int64(j.Timeout))
	b = appendTime(b, j.CreatedAt)
	b = appendTime(b, j.RunAt)
	b = binary.AppendVarint(b, int64(j.Attempt))
	b = binary.AppendUvarint(b, j.LeaseToken)
	b = appendTime(b, j.LeaseUntil)
	b = appendString(b, j.LastError)
	b = binary.AppendUvarint(b, uint64(len(j.Errors)))
	for _, e := range j.Errors {
		b = binary.AppendVarint(b, int64(e.Attempt))
		b = appendTime(b, e.At)
		b = appendString(b, e.Error)
	}
	return b
}

var errCorrupt = errors.New("jobs: corrupt job record")

type recordReader struct {
	b   []byte
	off int
	err error
}

func (r *recordReader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w at byte %d", errCorrupt, r.off)
	}
}

func (r *recordReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail()
		return 0
	}
	r.off += n
	return v
}

func (r *recordReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b[r.off:])
	if n <= 0 {
		r.fail()
		return 0
	}
	r.off += n
	return v
}

func (r *recordReader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.fail()
		return nil
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *recordReader) time() time.Time {
	n := r.varint()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// decodeRecord decodes a record. The payload is copied (bolt's memory is
// only valid inside the transaction) into payloadBuf, whose capacity is reused.
func decodeRecord(b []byte, j *Job, payloadBuf []byte) error {
	if len(b) < 2 || b[0] != recordVersion {
		return fmt.Errorf("%w: version %v", errCorrupt, b[:min(len(b), 1)])
	}
	r := recordReader{b: b, off: 2}
	*j = Job{State: State(b[1])}
	j.ID = ID(r.uvarint())
	j.Kind = string(r.bytes())
	j.Payload = append(payloadBuf[:0], r.bytes()...)
	j.Priority = int(r.varint())
	j.UniqueKey = string(r.bytes())
	j.Timeout = time.Duration(r.varint())
	j.CreatedAt = r.time()
	j.RunAt = r.time()
	j.Attempt = int(r.varint())
	j.LeaseToken = r.uvarint()
	j.LeaseUntil = r.time()
	j.LastError = string(r.bytes())
	if n := r.uvarint(); n > 0 && n <= MaxErrors && r.err == nil {
		j.Errors = make([]AttemptError, 0, n)
		for range n {
			e := AttemptError{Attempt: int(r.varint())}
			e.At = r.time()
			e.Error = string(r.bytes())
			j.Errors = append(j.Errors, e)
		}
	} else if n > MaxErrors {
		r.fail()
	}
	if r.err == nil && r.off != len(b) {
		r.fail()
	}
	return r.err
}
