package router_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tableRoute is one line of a route table in testdata/routes.
type tableRoute struct{ method, path string }

// loadTable reads testdata/routes/<name>.txt: "METHOD /path" per line.
func loadTable(tb testing.TB, name string) []tableRoute {
	tb.Helper()
	f, err := os.Open(filepath.Join("testdata", "routes", name+".txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []tableRoute
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		m, p, ok := strings.Cut(line, " ")
		if !ok {
			tb.Fatalf("bad route line %q", line)
		}
		out = append(out, tableRoute{m, p})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
