package bind

// QueryCursorValues exposes queryCursor to the external tests: every value
// of name in raw, read in order through one cursor.
func QueryCursorValues(raw, name string) []string {
	var out []string
	c := queryCursor{raw: raw}
	for i := 0; ; i++ {
		v, ok := c.value(name, i)
		if !ok {
			return out
		}
		out = append(out, v)
	}
}
