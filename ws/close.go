package ws

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Close status codes (RFC 6455 section 7.4.1 and the IANA registry).
const (
	CloseNormal          = 1000
	CloseGoingAway       = 1001
	CloseProtocolError   = 1002
	CloseUnsupportedData = 1003
	CloseNoStatus        = 1005 // never sent: no code was in the close frame
	CloseAbnormal        = 1006 // never sent: the connection dropped without a close frame
	CloseInvalidPayload  = 1007
	ClosePolicyViolation = 1008
	CloseMessageTooBig   = 1009
	CloseMandatoryExt    = 1010
	CloseInternalError   = 1011
	CloseServiceRestart  = 1012
	CloseTryAgainLater   = 1013
	CloseBadGateway      = 1014
)

// CloseError is returned by the read methods when the peer sent a close
// frame, or when this side failed the connection (Code then says why).
type CloseError struct {
	Code   int
	Reason string
}

// Error implements error.
func (e *CloseError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("ws: connection closed with code %d", e.Code)
	}
	return fmt.Sprintf("ws: connection closed with code %d: %s", e.Code, e.Reason)
}

// IsClose reports whether err is a *CloseError with one of the codes (any
// code when none are given).
func IsClose(err error, codes ...int) bool {
	var ce *CloseError
	if !errors.As(err, &ce) {
		return false
	}
	if len(codes) == 0 {
		return true
	}
	for _, c := range codes {
		if ce.Code == c {
			return true
		}
	}
	return false
}

// ValidCloseCode reports whether code may appear in a close frame on the
// wire: 1000-1003, 1007-1014 and the application ranges 3000-4999.
func ValidCloseCode(code int) bool {
	switch {
	case code >= 1000 && code <= 1003:
		return true
	case code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}

// AppendClosePayload appends a close frame payload (code and reason) to dst.
// The reason is cut to fit the 125-byte control frame limit.
func AppendClosePayload(dst []byte, code int, reason string) []byte {
	dst = binary.BigEndian.AppendUint16(dst, uint16(code))
	if len(reason) > MaxControlPayload-2 {
		reason = reason[:MaxControlPayload-2]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	return append(dst, reason...)
}

// ParseClosePayload decodes a close frame payload. An empty payload means
// [CloseNoStatus]. A one-byte payload, a code not allowed on the wire or a
// reason that is not UTF-8 is an error.
func ParseClosePayload(p []byte) (code int, reason string, err error) {
	switch len(p) {
	case 0:
		return CloseNoStatus, "", nil
	case 1:
		return 0, "", errors.New("ws: close frame: 1-byte payload")
	}
	code = int(binary.BigEndian.Uint16(p))
	if !ValidCloseCode(code) {
		return 0, "", fmt.Errorf("ws: close frame: invalid status code %d", code)
	}
	if !utf8.Valid(p[2:]) {
		return 0, "", errors.New("ws: close frame: reason is not valid UTF-8")
	}
	return code, string(p[2:]), nil
}
