#!/usr/bin/env bash
# Soak test: a release server on 127.0.0.1 under 256 connections for 60 s over a mix of
# endpoints (bench/soak.lua), with its memory sampled every second.
#
#   bench/soak.sh [SECONDS] [CONNECTIONS]        (default 60 s, 256 connections)
#
# Passes when wrk saw no connection errors, every 5xx was a shed 503 with Retry-After, and the
# server's RSS at the end is within 10 % of its level after the warm-up (rounds of the same load
# until memory has settled). It also prints the
# RSS drift over the second half of the run, which tells memory still settling after the
# warm-up (growth that stops) from a leak (growth that goes on). Results go to
# bench/soak-results/ (not committed) and a summary to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
connections="${2:-256}"
port="${SOAK_PORT:-18181}"
out=bench/soak-results
mkdir -p "$out"

echo "load average at the start (uptime): $(uptime | sed 's/.*load average: //')"
cargo build --release --quiet
ulimit -n 65536 2>/dev/null || true
./target/release/forcemap serve --bind "127.0.0.1:$port" >"$out/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/conformance" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the server exited:"; cat "$out/server.log"; exit 1; }
  sleep 0.5
done

rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }

# Warm-up: the same load in rounds of 15 s until the server's memory has settled (it grew by
# less than 2 % over the last round, at most four rounds): caches (footprints, kept answers,
# tiles), the blocking pool's threads and the allocator's arenas are then as large as this
# load makes them, and what grows after that is what the soak is looking for.
warm=$(rss)
for round in 1 2 3 4; do
  wrk -t2 -c"$connections" -d15s --timeout 10s -s bench/soak.lua "http://127.0.0.1:$port" >"$out/warmup-$round.txt"
  before=$warm
  warm=$(rss)
  echo "rss after warm-up round $round: ${warm} kB"
  awk -v a="$before" -v b="$warm" 'BEGIN { exit !((b - a) * 100 < 2 * a) }' && break
done
echo "rss after warm-up: ${warm} kB"

: >"$out/rss.txt"
( while kill -0 "$server" 2>/dev/null; do echo "$(date +%s) $(rss)" >>"$out/rss.txt"; sleep 1; done ) &
sampler=$!
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s bench/soak.lua "http://127.0.0.1:$port" | tee "$out/soak.txt"
kill "$sampler" 2>/dev/null || true
final=$(rss)
peak=$(awk '{ if ($2 > m) m = $2 } END { print m }' "$out/rss.txt")

echo "load average at the end (uptime): $(uptime | sed 's/.*load average: //')"
connect_errors=$(grep -Eo 'connect_errors=[0-9]+' "$out/soak.txt" | cut -d= -f2)
read_errors=$(grep -Eo 'read_errors=[0-9]+' "$out/soak.txt" | cut -d= -f2)
timeouts=$(grep -Eo 'timeouts=[0-9]+' "$out/soak.txt" | cut -d= -f2)
missing=$(grep -Eo 'shed_without_retry_after=[0-9]+' "$out/soak.txt" | cut -d= -f2)
other_5xx=$(awk '$1 == "SOAK" && $2 == "status" && $3 >= 500 && $3 != 503 { n += $4 } END { print n + 0 }' "$out/soak.txt")
drift=$(awk -v a="$warm" -v b="$final" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
half=$(awk '{ r[NR] = $2 } END { print r[int((NR + 1) / 2)] }' "$out/rss.txt")
half_drift=$(awk -v a="$half" -v b="$final" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
echo "rss: after warm-up ${warm} kB, at the end ${final} kB (${drift} %), peak ${peak} kB"
echo "rss over the second half of the run: ${half} kB to ${final} kB (${half_drift} %)"

fail=0
[ "$connect_errors" -eq 0 ] || { echo "FAIL: $connect_errors connection errors"; fail=1; }
[ "$read_errors" -eq 0 ] || { echo "FAIL: $read_errors read errors"; fail=1; }
[ "$timeouts" -eq 0 ] || { echo "FAIL: $timeouts client time-outs"; fail=1; }
[ "$other_5xx" -eq 0 ] || { echo "FAIL: $other_5xx server errors other than 503"; fail=1; }
[ "$missing" -eq 0 ] || { echo "FAIL: $missing 503s without Retry-After"; fail=1; }
awk -v d="$drift" 'BEGIN { exit !(d <= 10 && d >= -10) }' || { echo "FAIL: RSS moved by ${drift} %"; fail=1; }
[ "$fail" -eq 0 ] && echo "soak passed"
exit "$fail"
