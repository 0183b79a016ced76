package tako

import (
	"errors"
	"io/fs"
	"strings"
)

// errBadPath is returned for request paths that could leave the static root.
var errBadPath = errors.New("tako: static: path escapes the root or is malformed")

// resolveStaticPath turns the raw (still percent-encoded) tail of a request
// path into an fs.FS name under the root, or reports errBadPath. It decodes
// percent escapes once, then refuses anything that could name a file outside
// the root or confuse a file system: a NUL byte, a backslash (a separator on
// Windows), a ".." element, a drive letter or colon, and malformed escapes.
// "." and empty elements are dropped. The result is "." for the root itself
// and always satisfies fs.ValidPath.
func resolveStaticPath(raw string) (string, error) {
	var buf [256]byte
	dec := buf[:0]
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if b == '%' {
			if i+2 >= len(raw) {
				return "", errBadPath
			}
			h, ok1 := unhex(raw[i+1])
			l, ok2 := unhex(raw[i+2])
			if !ok1 || !ok2 {
				return "", errBadPath
			}
			b = h<<4 | l
			i += 2
		}
		switch b {
		case 0, '\\', ':':
			return "", errBadPath
		}
		dec = append(dec, b)
	}
	// Rebuild from the elements, dropping "" and ".", refusing "..".
	out := make([]byte, 0, len(dec))
	for len(dec) > 0 {
		j := 0
		for j < len(dec) && dec[j] != '/' {
			j++
		}
		el := dec[:j]
		switch {
		case len(el) == 0, len(el) == 1 && el[0] == '.':
		case len(el) == 2 && el[0] == '.' && el[1] == '.':
			return "", errBadPath
		default:
			if len(out) > 0 {
				out = append(out, '/')
			}
			out = append(out, el...)
		}
		if j == len(dec) {
			break
		}
		dec = dec[j+1:]
	}
	if len(out) == 0 {
		return ".", nil
	}
	name := string(out)
	if !fs.ValidPath(name) || strings.ContainsRune(name, 0) {
		return "", errBadPath
	}
	return name, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
