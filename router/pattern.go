package router

import (
	"fmt"
	"strings"
)

// token is one piece of a parsed pattern: a run of static text, or a
// parameter or catch-all that spans a whole segment.
type token struct {
	kind byte   // kindStatic, kindParam or kindCatch
	text string // static text (may contain '/'); empty for wildcards
}

const (
	kindStatic = 's'
	kindParam  = ':'
	kindCatch  = '*'
)

// parsed is a pattern broken into tokens.
type parsed struct {
	tokens []token
	names  []string
	// shape is the pattern with every parameter written ":" and the catch-all
	// "*": two patterns with the same shape match exactly the same paths.
	shape string
	// wildAt holds, for each wildcard, the shape of the pattern up to and
	// including it: the "position" at which parameter names must agree.
	wildAt []string
}

// parsePattern checks a pattern and splits it into tokens. Accepted forms,
// segment by segment: static text; ":name" or "{name}" (a parameter);
// "*name", "*" or "{name...}" as the last segment (a catch-all); "{$}" as
// the last segment after a '/' (end of path, the same as no segment).
func parsePattern(p string) (parsed, error) {
	var out parsed
	if p == "" || p[0] != '/' {
		return out, fmt.Errorf("router: pattern %q must begin with '/'", p)
	}
	var static, shape strings.Builder
	flush := func() {
		if static.Len() > 0 {
			out.tokens = append(out.tokens, token{kind: kindStatic, text: static.String()})
			static.Reset()
		}
	}
	for start := 1; ; {
		// p[start-1] == '/'; the segment is p[start:end].
		static.WriteByte('/')
		shape.WriteByte('/')
		end := strings.IndexByte(p[start:], '/')
		last := end < 0
		if last {
			end = len(p)
		} else {
			end += start
		}
		seg := p[start:end]
		kind, name, err := parseSegment(p, start, seg)
		if err != nil {
			return out, err
		}
		switch kind {
		case kindStatic:
			static.WriteString(seg)
			shape.WriteString(seg)
		case '$':
			if !last {
				return out, fmt.Errorf("router: pattern %q: {$} at offset %d must be the last segment", p, start)
			}
		default:
			if kind == kindCatch && !last {
				return out, fmt.Errorf("router: pattern %q: catch-all %q at offset %d must be the last segment", p, seg, start)
			}
			for _, n := range out.names {
				if n == name {
					return out, fmt.Errorf("router: pattern %q: parameter name %q used twice", p, name)
				}
			}
			if len(out.names) == MaxParams {
				return out, fmt.Errorf("router: pattern %q has more than %d parameters (router.MaxParams)", p, MaxParams)
			}
			flush()
			out.tokens = append(out.tokens, token{kind: kind})
			out.names = append(out.names, name)
			shape.WriteByte(kind)
			out.wildAt = append(out.wildAt, shape.String())
		}
		if last {
			break
		}
		start = end + 1
	}
	flush()
	out.shape = shape.String()
	return out, nil
}

// parseSegment classifies one segment p[off:off+len(seg)].
func parseSegment(p string, off int, seg string) (kind byte, name string, err error) {
	if seg == "" {
		return kindStatic, "", nil
	}
	switch seg[0] {
	case ':':
		name = seg[1:]
		if name == "" {
			return 0, "", fmt.Errorf("router: pattern %q: parameter at offset %d has no name", p, off)
		}
		if err := checkName(p, off+1, name); err != nil {
			return 0, "", err
		}
		return kindParam, name, nil
	case '*':
		name = seg[1:]
		if name == "" {
			return kindCatch, "*", nil
		}
		if err := checkName(p, off+1, name); err != nil {
			return 0, "", err
		}
		return kindCatch, name, nil
	case '{':
		if seg[len(seg)-1] != '}' {
			return 0, "", fmt.Errorf("router: pattern %q: wildcard at offset %d must be a whole segment ending in '}'", p, off)
		}
		name = seg[1 : len(seg)-1]
		kind = kindParam
		if name == "$" {
			return '$', "", nil
		}
		if n, ok := strings.CutSuffix(name, "..."); ok {
			name, kind = n, kindCatch
		}
		if name == "" {
			return 0, "", fmt.Errorf("router: pattern %q: wildcard at offset %d has no name", p, off)
		}
		if err := checkName(p, off+1, name); err != nil {
			return 0, "", err
		}
		return kind, name, nil
	}
	if i := strings.IndexAny(seg, "{}"); i >= 0 {
		return 0, "", fmt.Errorf("router: pattern %q: %q at offset %d: a {wildcard} must be a whole segment", p, seg[i], off+i)
	}
	return kindStatic, "", nil
}

// checkName rejects parameter names that would be ambiguous in a pattern.
func checkName(p string, off int, name string) error {
	if i := strings.IndexAny(name, ":*{}"); i >= 0 {
		return fmt.Errorf("router: pattern %q: %q at offset %d is not allowed in a parameter name", p, name[i], off+i)
	}
	return nil
}
