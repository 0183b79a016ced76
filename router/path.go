package router

// CleanPath returns the canonical form of a URL path: it begins with '/',
// repeated slashes are one, "." segments are removed and ".." segments remove
// the segment before them (never going above the root). A trailing slash is
// kept. It works on the raw path and does not decode escapes, so "%2e%2e" is
// not "..".
//
// A path that is already clean is returned as it is, without allocating;
// only an unclean path costs allocations (the result is built in a new
// buffer).
func CleanPath(p string) string {
	if isClean(p) {
		return p
	}
	// The result is never longer than p plus a leading '/'.
	buf := make([]byte, 0, len(p)+1)
	buf = append(buf, '/')
	trailing := len(p) > 0 && (p[len(p)-1] == '/' || hasDotEnd(p))
	for i := 0; i < len(p); {
		for i < len(p) && p[i] == '/' {
			i++
		}
		j := i
		for j < len(p) && p[j] != '/' {
			j++
		}
		switch seg := p[i:j]; seg {
		case "", ".":
		case "..":
			// Drop the last segment of buf, keeping the root.
			k := len(buf) - 1
			for k > 0 && buf[k-1] != '/' {
				k--
			}
			if k > 0 {
				buf = buf[:k-1]
			}
			if len(buf) == 0 {
				buf = append(buf, '/')
			}
		default:
			if buf[len(buf)-1] != '/' {
				buf = append(buf, '/')
			}
			buf = append(buf, seg...)
		}
		i = j
	}
	if trailing && buf[len(buf)-1] != '/' {
		buf = append(buf, '/')
	}
	return string(buf)
}

// hasDotEnd reports whether p ends in a "." or ".." segment, which cleans to
// a directory and so keeps a trailing slash ("/a/b/.." is "/a/").
func hasDotEnd(p string) bool {
	n := len(p)
	return (n >= 2 && p[n-2:] == "/.") || (n >= 3 && p[n-3:] == "/..")
}

// isClean reports whether CleanPath would return p unchanged.
func isClean(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	// Look at each segment start: it must not be '/' (an empty segment
	// before the end), "." or "..".
	for i := 1; i <= len(p); {
		j := i
		for j < len(p) && p[j] != '/' {
			j++
		}
		switch j - i {
		case 0:
			if j < len(p) {
				return false // "//"
			}
		case 1:
			if p[i] == '.' {
				return false
			}
		case 2:
			if p[i] == '.' && p[i+1] == '.' {
				return false
			}
		}
		i = j + 1
	}
	return true
}
