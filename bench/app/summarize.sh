#!/usr/bin/env bash
# summarize.sh: turn `go test -bench InMemory -count N` output (stdin) into a Markdown table
# with, per endpoint and framework, the minimum and median of ns/op and cpu-ns/op over the
# N runs (the minimum is the better estimate on a busy machine: contention only adds time),
# B/op and allocs/op, and CPU relative to raw fasthttp (by minimum).
#
#   cd bench && go test -run '^$' -bench InMemory -benchtime 300ms -count 5 -cpu 1 ./app/ | app/summarize.sh
set -euo pipefail
awk '
/^BenchmarkInMemory\// {
	name = $1; sub(/^BenchmarkInMemory\//, "", name); sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[name] = ns[name] " " $i
		if ($(i+1) == "cpu-ns/op") cpu[name] = cpu[name] " " $i
		if ($(i+1) == "B/op") bytes[name] = $i
		if ($(i+1) == "allocs/op") allocs[name] = $i
	}
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
function stat(list, which,    a, m, i, j, t) {
	m = split(list, a, " ")
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return which == "min" ? a[1] : a[int((m + 1) / 2)]
}
END {
	print "| endpoint | framework | ns/op min | ns/op median | cpu-ns/op min | cpu-ns/op median | CPU vs fasthttp (min) | B/op | allocs/op |"
	print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for (k = 1; k <= n; k++) {
		name = order[k]; split(name, p, "/")
		base = stat(cpu[p[1] "/fasthttp"], "min")
		c = stat(cpu[name], "min")
		printf "| %s | %s | %s | %s | %s | %s | %+.1f%% | %s | %s |\n", p[1], p[2], stat(ns[name], "min"), stat(ns[name], "med"), c, stat(cpu[name], "med"), (c / base - 1) * 100, bytes[name], allocs[name]
	}
}'
