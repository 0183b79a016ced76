#!/usr/bin/env bash
# h3bench.sh: loopback HTTP/3 benchmark of bare quic-go, package h3 and Tako (h3bench).
#
# The server is pinned to one CPU and the load generator (cmd/h3load, quic-go's client) to
# the other (taskset); servers alternate across rounds; each run reports req/s and the
# server's CPU time per request over the counted window, read from /proc/PID/stat by h3load.
# The client, not the server, is usually the bottleneck (QUIC costs both sides alike), so
# CPU per request is the figure to compare, req/s much less.
#
# Usage: bench/h3/h3bench.sh [rounds] [seconds] [concurrency] [connections]   (defaults 3 5 32 2)
# Env:   SERVERS="quicgo h3 tako"  SERVER_CPU=0 CLIENT_CPU=1 PORT=18443
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}; secs=${2:-5}; conc=${3:-32}; conns=${4:-2}
servers=(${SERVERS:-quicgo h3 tako})
server_cpu=${SERVER_CPU:-0}; client_cpu=${CLIENT_CPU:-1}; port=${PORT:-18443}
command -v taskset >/dev/null || { echo "h3bench.sh: taskset not found (util-linux)" >&2; exit 1; }

dir=$(mktemp -d)
go build -o "$dir/h3server" ./cmd/h3server
go build -o "$dir/h3load" ./cmd/h3load
hz=$(getconf CLK_TCK)
out=$(mktemp)
url="https://127.0.0.1:$port/plaintext"

n=${#servers[@]}
for ((r = 0; r < rounds; r++)); do
	for ((i = 0; i < n; i++)); do
		s=${servers[$(((i + r) % n))]}
		taskset -c "$server_cpu" "$dir/h3server" -server "$s" -addr "127.0.0.1:$port" &
		pid=$!
		sleep 0.5
		res=$(taskset -c "$client_cpu" "$dir/h3load" -url "$url" -c "$conc" -conns "$conns" -d "${secs}s" -pid "$pid" -hz "$hz")
		rps=$(echo "$res" | awk '{print $8}')
		cpu=$(echo "$res" | awk '{print $10}')
		errs=$(echo "$res" | awk '{print $4}')
		printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$rps" "$cpu" "$errs" | tee -a "$out" >&2
		kill -INT "$pid"
		wait "$pid" 2>/dev/null || true
	done
done

# Median over rounds; CPU relative to bare quic-go both as the ratio of the medians and as
# the median of the per-round ratios (servers of one round ran within seconds of each other,
# so the latter cancels most of the drift of a shared machine).
echo
echo "| server | req/s (median) | server CPU ns/req (median) | CPU vs quic-go (medians) | CPU vs quic-go (median of per-round ratios) | errors |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
base=""
for s in "${servers[@]}"; do
	rps=$(awk -F'\t' -v f="$s" '$2 == f {print $3}' "$out" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	cpu=$(awk -F'\t' -v f="$s" '$2 == f {print $4}' "$out" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
	errs=$(awk -F'\t' -v f="$s" '$2 == f {e += $5} END {print e + 0}' "$out")
	[ -z "$base" ] && base=$cpu
	rel=$(awk -v c="$cpu" -v b="$base" 'BEGIN {printf "%+.1f%%", (c / b - 1) * 100}')
	ratio=$(awk -F'\t' -v f="$s" -v b="${servers[0]}" '$2 == b {base[$1] = $4} $2 == f {cpu[$1] = $4} END {for (r in cpu) print cpu[r] / base[r]}' "$out" |
		sort -n | awk '{a[NR] = $1} END {printf "%+.1f%%", (a[int((NR + 1) / 2)] - 1) * 100}')
	echo "| $s | $rps | $cpu | $rel | $ratio | $errs |"
done
rm -rf "$out" "$dir"
