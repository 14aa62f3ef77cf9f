#!/usr/bin/env bash
# The analysis tool's load generator against wrk, and the a1 wall time, on one balancer in one run (loopback only).
# The balancer runs the process runtime (three server.jar replicas as child processes); wrk and the tool take turns
# against it, 64 connections each, ROUNDS times (who goes first alternates), after a discarded wrk warm-up. The tool's
# turn sends about as many requests as wrk answered in its last turn (so both run ~DURATION s), after a warm-up of its
# own JIT. The ratio that counts is the median over the rounds: the machine is shared. Then
# `analysis.jar a1` (10,000 requests at N = 3, live, CSV and chart included) runs ROUNDS times, timed as a whole
# command (JVM start included) and as the experiment alone.
#
#   flock /tmp/lb-heavy.lock bench/loadgen.sh          # ~2 minutes
#
# Env: DURATION (10 s per turn), WARMUP (5 s), ROUNDS (5), CONNS (64), THREADS (wrk threads, 2), PORT (18300).
# Writes bench/out/loadgen-<time>.md and bench/out/loadgen-latest.md. Every process it starts is stopped on exit.
set -euo pipefail

DURATION=${DURATION:-10}
WARMUP=${WARMUP:-5}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18300}
source "$(dirname "$0")/common.sh"
require_tools wrk curl
build_missing_jars server balancer analysis
TOOL="$ROOT/analysis/target/analysis.jar"
URL="http://127.0.0.1:$PORT"

LB_RUNTIME=process LB_SERVER_JAR="$SERVER_JAR" LB_PORT="$PORT" LB_REPLICAS=3 \
  "$JAVA" -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 &
PIDS+=($!)
wait_ready "$URL/home" || { echo "balancer log:" >&2; tail -20 "$WORK/balancer.log" >&2; exit 1; }

field() { # name line: the value of name=value in line
  sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2"
}

wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/request-id.lua" "$URL" >/dev/null
run_wrk() {
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$BENCH/request-id.lua" "$URL" | grep '^RESULT'
}
run_tool() { # requests seed
  "$JAVA" -jar "$TOOL" load --url "$URL" --concurrency "$CONNS" --requests "$1" --warmup $(( $1 / 4 )) --seed "$2" \
    | grep '^RESULT'
}
ROWS=()
RATIOS=()
wrps=$(field rps "$(run_wrk)")  # sizes the tool's first turn
for round in $(seq 1 "$ROUNDS"); do
  # The machine is shared: who goes first alternates, so a slow spell does not always hit the same one.
  n=$(( ${wrps%.*} * DURATION ))
  if (( round % 2 == 1 )); then w=$(run_wrk); wrps=$(field rps "$w"); n=$(( ${wrps%.*} * DURATION )); t=$(run_tool "$n" "$round")
  else t=$(run_tool "$n" "$round"); w=$(run_wrk); wrps=$(field rps "$w"); fi
  trps=$(field rps "$t")
  ratio=$(awk -v a="$trps" -v b="$wrps" 'BEGIN { printf "%.2f", a / b }')
  RATIOS+=("$ratio")
  ROWS+=("| $round | $((round % 2 == 1 ? 1 : 2)) | $wrps | $(field p50_ms "$w") / $(field p99_ms "$w") | $(( $(field socket_errors "$w") + $(field status_errors "$w") )) | $trps | $(field p50_ms "$t") / $(field p99_ms "$t") | $(field failed "$t") | $ratio |")
  echo "round $round: wrk $wrps req/s, tool $trps req/s (x$ratio)"
done
MEDIAN=$(printf '%s\n' "${RATIOS[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median tool/wrk: $MEDIAN"

A1ROWS=()
for round in $(seq 1 "$ROUNDS"); do
  start=$(date +%s.%N)
  log=$("$JAVA" -jar "$TOOL" a1 --url "$URL" --out "$WORK/a1-$round" 2>&1)
  end=$(date +%s.%N)
  total=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  own=$(sed -n 's/^a1 done in \([0-9.]*\) s.*/\1/p' <<<"$log")
  load=$(grep -o '[0-9]* requests in [0-9.]* s, [0-9]* req/s, p50 [0-9.]* ms, p99 [0-9.]* ms, [0-9]* errors' \
         "$WORK/a1-$round/a1/section.md" || true)
  A1ROWS+=("| $round | $total | $own | $load |")
  echo "a1 round $round: command $total s, experiment $own s ($load)"
done

STAMP=$(date -u +%Y%m%d-%H%M%S)
{
  echo "# Load generator vs wrk, and a1 wall time ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)."
  echo "Balancer: balancer.jar, process runtime, 3 server.jar replicas, consistent hashing, on loopback."
  echo "Each round: wrk -t$THREADS -c$CONNS -d${DURATION}s (random X-Request-Id) and \`analysis.jar load --concurrency $CONNS\` take turns,"
  echo "with as many requests as wrk answered (after a quarter as many for JIT warm-up), against the same balancer."
  echo
  echo "| round | wrk's turn | wrk req/s | wrk p50 / p99 ms | wrk errors | tool req/s | tool p50 / p99 ms | tool errors | tool / wrk |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Median tool / wrk over the $ROUNDS rounds: **$MEDIAN**."
  echo
  echo "\`analysis.jar a1 --url $URL\` (10,000 requests at N = 3, CSV and chart written):"
  echo
  echo "| round | whole command (s, JVM start included) | experiment (s, set-up, CSV and chart included) | the requests |"
  echo "|---|---|---|---|"
  printf '%s\n' "${A1ROWS[@]}"
} | tee "$OUT/loadgen-$STAMP.md" >"$OUT/loadgen-latest.md"
echo "wrote $OUT/loadgen-$STAMP.md"
