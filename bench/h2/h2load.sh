#!/usr/bin/env bash
# h2load.sh: loopback HTTP/2 benchmark of Tako's App on net/http against a bare net/http
# server (package h2, /plaintext "Hello, World!") with h2load (Debian's nghttp2-client),
# over TLS (ALPN h2) and h2c (prior knowledge).
#
# As bench/app/wrk.sh does: the server is pinned to one CPU and h2load to the other
# (taskset), servers alternate across rounds (round r starts at a different server), and
# each run reports req/s and the server's CPU time per request, read from /proc/PID/stat
# (utime+stime): req/s alone swings with whatever else the machine runs, CPU per request
# much less. The raw h2load output of every run is appended to $RAW if set.
#
# Usage: bench/h2/h2load.sh [rounds] [seconds] [clients] [streams]   (defaults 5 5 16 10)
# Env:   SERVERS="nethttp tako tako-nethttp"  TRANSPORTS="tls h2c"  SERVER_CPU=0 CLIENT_CPU=1 PORT=18443
#        RAW=file (raw h2load outputs)
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-5}; secs=${2:-5}; clients=${3:-16}; streams=${4:-10}
servers=(${SERVERS:-nethttp tako tako-nethttp})
transports=(${TRANSPORTS:-tls h2c})
server_cpu=${SERVER_CPU:-0}; client_cpu=${CLIENT_CPU:-1}; port=${PORT:-18443}
raw=${RAW:-/dev/null}
command -v h2load >/dev/null || { echo "h2load.sh: h2load not found (apt-get install -y nghttp2-client)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "h2load.sh: taskset not found (util-linux)" >&2; exit 1; }

bin=$(mktemp -d)/h2server
go build -o "$bin" ./cmd/h2server
hz=$(getconf CLK_TCK)
out=$(mktemp)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks

n=${#servers[@]}
for ((r = 0; r < rounds; r++)); do
	for tp in "${transports[@]}"; do
		for ((i = 0; i < n; i++)); do
			srv=${servers[$(((i + r) % n))]}
			flag=""; scheme=http
			if [ "$tp" = tls ]; then flag=-tls; scheme=https; fi
			url="$scheme://127.0.0.1:$port/plaintext"
			taskset -c "$server_cpu" "$bin" -server "$srv" $flag -addr "127.0.0.1:$port" >/dev/null &
			pid=$!
			for _ in $(seq 50); do
				curl -fsSk "$url" >/dev/null 2>&1 && break
				sleep 0.1
			done
			taskset -c "$client_cpu" h2load -t1 -c"$clients" -m"$streams" -D1 "$url" >/dev/null # warm-up
			t0=$(cpu_ticks "$pid")
			res=$(taskset -c "$client_cpu" h2load -t1 -c"$clients" -m"$streams" -D"$secs" "$url")
			t1=$(cpu_ticks "$pid")
			printf '== round %s %s %s: h2load -t1 -c%s -m%s -D%s %s (server CPU ticks %s)\n%s\n' \
				"$r" "$srv" "$tp" "$clients" "$streams" "$secs" "$url" "$((t1 - t0))" "$res" >>"$raw"
			reqs=$(echo "$res" | awk '/^requests:/ {print $8}') # succeeded
			rps=$(echo "$res" | awk '/^finished in/ {print $4}')
			cpu_ns=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.0f", d * 1e9 / hz / n}')
			printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$srv" "$tp" "$rps" "$cpu_ns" | tee -a "$out" >&2
			kill "$pid"
			wait "$pid" 2>/dev/null || true
		done
	done
done

# Median and minimum over rounds, one row per transport and server, with CPU relative to the
# first server (nethttp). On a busy machine the minimum is the better estimate of CPU per
# request (contention only adds to it); the median says how stable the rounds were.
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
minimum() { sort -n | head -1; }
echo
echo "| transport | server | req/s (median) | server CPU µs/req (median) | (min) | CPU vs ${servers[0]} (median) | (min) |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for tp in "${transports[@]}"; do
	base=""; basemin=""
	for srv in "${servers[@]}"; do
		rps=$(awk -F'\t' -v s="$srv" -v t="$tp" '$2 == s && $3 == t {print $4}' "$out" | median)
		cpu=$(awk -F'\t' -v s="$srv" -v t="$tp" '$2 == s && $3 == t {print $5}' "$out" | median)
		cpumin=$(awk -F'\t' -v s="$srv" -v t="$tp" '$2 == s && $3 == t {print $5}' "$out" | minimum)
		[ -z "$base" ] && base=$cpu && basemin=$cpumin
		rel=$(awk -v c="$cpu" -v b="$base" 'BEGIN {printf "%+.1f%%", (c / b - 1) * 100}')
		relmin=$(awk -v c="$cpumin" -v b="$basemin" 'BEGIN {printf "%+.1f%%", (c / b - 1) * 100}')
		us=$(awk -v c="$cpu" 'BEGIN {printf "%.2f", c / 1000}')
		usmin=$(awk -v c="$cpumin" 'BEGIN {printf "%.2f", c / 1000}')
		printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$tp" "$srv" "$rps" "$us" "$usmin" "$rel" "$relmin"
	done
done
rm -f "$out"
