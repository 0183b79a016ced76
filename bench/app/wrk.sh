#!/usr/bin/env bash
# wrk.sh: loopback benchmark of the frameworks in package app with wrk.
#
# The server is pinned to one CPU and wrk to the other (taskset), frameworks alternate
# across rounds (round r starts at a different framework, so slow phases of a shared
# machine spread over all of them), and each run reports req/s and the server's CPU time
# per request, read from /proc/PID/stat (utime+stime): req/s alone swings with whatever
# else the machine runs, CPU per request much less.
#
# Usage: bench/app/wrk.sh [rounds] [seconds] [connections]    (defaults 3 5 64)
# Env:   FRAMEWORKS="fasthttp tako fiber gin echo nethttp tako-nethttp"  ENDPOINTS="plaintext json params"
#        SERVER_CPU=0 CLIENT_CPU=1 PORT=18080
set -euo pipefail
cd "$(dirname "$0")"
rounds=${1:-3}; secs=${2:-5}; conns=${3:-64}
frameworks=(${FRAMEWORKS:-fasthttp tako fiber gin echo nethttp tako-nethttp})
endpoints=(${ENDPOINTS:-plaintext json params})
server_cpu=${SERVER_CPU:-0}; client_cpu=${CLIENT_CPU:-1}; port=${PORT:-18080}
command -v wrk >/dev/null || { echo "wrk.sh: wrk not found (apt-get install -y wrk)" >&2; exit 1; }
command -v taskset >/dev/null || { echo "wrk.sh: taskset not found (util-linux)" >&2; exit 1; }

bin=$(mktemp -d)/benchserver
go build -o "$bin" ./cmd/benchserver
hz=$(getconf CLK_TCK)
out=$(mktemp)

path_of() {
	case $1 in
	plaintext) echo /plaintext ;;
	json) echo /json ;;
	params) echo /user/123/post/456 ;;
	esac
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks

n=${#frameworks[@]}
for ((r = 0; r < rounds; r++)); do
	for ((i = 0; i < n; i++)); do
		fw=${frameworks[$(((i + r) % n))]}
		taskset -c "$server_cpu" "$bin" -framework "$fw" -addr "127.0.0.1:$port" >/dev/null &
		pid=$!
		for _ in $(seq 50); do
			curl -fsS "http://127.0.0.1:$port/plaintext" >/dev/null 2>&1 && break
			sleep 0.1
		done
		for ep in "${endpoints[@]}"; do
			url="http://127.0.0.1:$port$(path_of "$ep")"
			taskset -c "$client_cpu" wrk -t1 -c"$conns" -d1s "$url" >/dev/null # warm-up
			t0=$(cpu_ticks "$pid")
			res=$(taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"${secs}s" "$url")
			t1=$(cpu_ticks "$pid")
			reqs=$(echo "$res" | awk '/requests in/ {print $1}')
			rps=$(echo "$res" | awk '/Requests\/sec/ {print $2}')
			cpu_ns=$(awk -v d=$((t1 - t0)) -v hz="$hz" -v n="$reqs" 'BEGIN {printf "%.0f", d * 1e9 / hz / n}')
			printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$fw" "$ep" "$rps" "$cpu_ns" | tee -a "$out" >&2
		done
		kill "$pid"
		wait "$pid" 2>/dev/null || true
	done
done

# One row per endpoint and framework: medians over rounds, and the CPU ratio to the first
# framework (fasthttp) computed within each round, where the two runs are minutes apart at
# most, then summarised over rounds (median, and the middle half as a spread). The paired
# ratio cancels the slow and fast phases of a shared machine that medians of absolute
# values keep.
echo
echo "| endpoint | framework | req/s (median) | server CPU ns/req (median) | CPU vs ${frameworks[0]}: median of per-round ratios | middle half of the ratios |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
for ep in "${endpoints[@]}"; do
	for fw in "${frameworks[@]}"; do
		rps=$(awk -F'\t' -v f="$fw" -v e="$ep" '$2 == f && $3 == e {print $4}' "$out" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
		cpu=$(awk -F'\t' -v f="$fw" -v e="$ep" '$2 == f && $3 == e {print $5}' "$out" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
		ratios=$(awk -F'\t' -v f="$fw" -v b="${frameworks[0]}" -v e="$ep" '
			$3 == e && $2 == b {base[$1] = $5}
			$3 == e && $2 == f {cpu[$1] = $5}
			END {for (r in cpu) if (r in base) printf "%.5f\n", cpu[r] / base[r]}' "$out" | sort -n)
		rel=$(echo "$ratios" | awk '{a[NR] = $1} END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%+.1f%%", (m - 1) * 100}')
		iqr=$(echo "$ratios" | awk '{a[NR] = $1} END {lo = a[int(NR / 4) + 1]; hi = a[NR - int(NR / 4)]; printf "%+.1f%% .. %+.1f%%", (lo - 1) * 100, (hi - 1) * 100}')
		echo "| $ep | $fw | $rps | $cpu | $rel | $iqr |"
	done
done
rm -f "$out"
