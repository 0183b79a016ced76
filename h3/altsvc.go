package h3

import (
	"strconv"
	"time"
)

// DefaultAltSvcMaxAge is how long clients may remember an Alt-Svc advertisement by default.
const DefaultAltSvcMaxAge = 24 * time.Hour

// AltSvc returns the value of the Alt-Svc header (RFC 7838) that advertises HTTP/3 on UDP
// port port of the same host, remembered for maxAge (whole seconds; DefaultAltSvcMaxAge if
// not positive): AltSvc(443, 0) is `h3=":443"; ma=86400`. TCP responses carry it so that
// browsers and curl switch to HTTP/3.
func AltSvc(port int, maxAge time.Duration) string {
	if maxAge <= 0 {
		maxAge = DefaultAltSvcMaxAge
	}
	b := make([]byte, 0, 32)
	b = append(b, `h3=":`...)
	b = strconv.AppendInt(b, int64(port), 10)
	b = append(b, `"; ma=`...)
	b = strconv.AppendInt(b, int64(maxAge/time.Second), 10)
	return string(b)
}
