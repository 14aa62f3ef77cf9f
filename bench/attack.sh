#!/usr/bin/env bash
# The attacks of issue 11 against the real balancer (LB_RUNTIME=static, one server.jar backend), loopback only,
# bounded in count and time, while wrk measures an ordinary client beside them:
#   1. baseline: wrk alone;
#   2. big heads: 1,600 connections each send "POST /home" with Content-Length: 8388600 and no body byte (the probe
#      that took the heap to 6.25 GB); the balancer's heap is sampled every second (jstat, no forced GC);
#   3. slowloris: 1,000 connections trickle a head one byte a second; they must all be closed by the head deadline
#      (LB_HEAD_TIMEOUT_MS, 10 s by default) and wrk's p99 must stay where it was.
# Goals: heap under 256 MB during 2 (with -Xmx1g, so a leak would show rather than be capped), wrk served with no
# errors throughout, all slowloris connections closed (with a 408) soon after the head deadline.
#
#   bench/attack.sh
#
# Env: BIG (1600), SLOW (1000), DURATION (10 s per wrk run), CONNS (16 wrk connections), BASE_PORT (18300).
# Writes bench/out/attack-<time>.md and bench/out/attack-latest.md. Every process it starts is stopped on exit.
set -euo pipefail

BIG=${BIG:-1600}
SLOW=${SLOW:-1000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
BASE_PORT=${BASE_PORT:-18300}
(( BIG <= 5000 && SLOW <= 5000 )) || { echo "BIG and SLOW at most 5000" >&2; exit 1; }
ulimit -n $(( BIG + SLOW + 1000 )) 2>/dev/null || true
source "$(dirname "$0")/common.sh"
require_jars server balancer

DOOR_PORT=$((BASE_PORT + 12))
URL="http://127.0.0.1:$DOOR_PORT/home"

# "rps p50 p99 errors" of an ordinary client
measure() { wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$BENCH/request-id.lua" "$URL" | wrk_summary; }
heap_mb() { "$JAVA_HOME/bin/jstat" -gc "$1" | awk 'NR == 2 { printf "%d", ($3 + $4 + $6 + $8) / 1024 }'; }
# Starts bench/Hold.java in the background and waits until it has opened all its connections.
start_hold() { # mode count seconds name
  "$JAVA" "$BENCH/Hold.java" "$1" "$DOOR_PORT" "$2" "$3" >"$WORK/$4.out" 2>"$WORK/$4.err" &
  HOLD_PID=$!; PIDS+=($HOLD_PID)
  local i
  for i in $(seq 1 1200); do
    grep -q '^READY' "$WORK/$4.out" && return 0
    kill -0 "$HOLD_PID" 2>/dev/null || { cat "$WORK/$4.err" >&2; return 1; }
    sleep 0.1
  done
  echo "$4 did not open its connections" >&2
  return 1
}

start_backends 1
LB_RUNTIME=static LB_BACKENDS="$BACKENDS" LB_PORT="$DOOR_PORT" LB_EVENT_LOOPS=2 \
  "$JAVA" -Xms256m -Xmx1g -XX:+UseParallelGC -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 &
LB=$!; PIDS+=($LB)
wait_ready "$URL"
wrk -t2 -c"$CONNS" -d5s -s "$BENCH/request-id.lua" "$URL" >/dev/null # JIT warm-up, discarded

echo "baseline"
BASE=$(measure)
HEAP_BASE=$(heap_mb "$LB")
echo "  $BASE (rps p50 p99 errors), heap ${HEAP_BASE} MB"

echo "big heads: $BIG x Content-Length 8388600, no body"
start_hold bigheads "$BIG" $((DURATION + 5)) big
( while kill -0 "$HOLD_PID" 2>/dev/null; do heap_mb "$LB"; echo; sleep 1; done ) >"$WORK/heap.samples" &
SAMPLER=$!; PIDS+=($SAMPLER)
BIG_RES=$(measure)
wait "$HOLD_PID" || true
wait "$SAMPLER" || true
HEAP_MAX=$(sort -n "$WORK/heap.samples" | tail -1)
BIG_CLOSED=$(awk '/^CLOSED_BY_SERVER/ { print $2 }' "$WORK/big.out")
ALIVE=$(kill -0 "$LB" 2>/dev/null && echo yes || echo no)
AFTER_BIG=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Request-Id: 123456' "$URL" || true)
echo "  $BIG_RES, heap max ${HEAP_MAX} MB, closed by the balancer ${BIG_CLOSED}/${BIG}, after: $AFTER_BIG"

echo "slowloris: $SLOW connections, one byte a second"
start_hold slowloris "$SLOW" 40 slow
SLOW_RES=$(measure)
wait "$HOLD_PID" || true
read -r _ SLOW_CLOSED _ SLOW_408 _ SLOW_LONGEST < <(grep '^CLOSED_BY_SERVER' "$WORK/slow.out")
AFTER_SLOW=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Request-Id: 123456' "$URL" || true)
echo "  $SLOW_RES, closed ${SLOW_CLOSED}/${SLOW} (408: ${SLOW_408}), longest ${SLOW_LONGEST} ms, after: $AFTER_SLOW"

row() { read -r rps p50 p99 err <<<"$2"; echo "| $1 | $rps | $p50 | $p99 | $err | $3 |"; }
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT="$OUT/attack-$STAMP.md"
{
  echo "# Balancer under attack, $STAMP"
  echo
  echo "$(nproc) cores, loopback, one server.jar backend; balancer LB_RUNTIME=static, 2 event loops, -Xmx1g, ParallelGC,"
  echo "default limits. Ordinary client: wrk -t2 -c$CONNS -d${DURATION}s GET /home, during each attack."
  echo
  echo "| phase | req/s | p50 ms | p99 ms | errors | attack |"
  echo "|---|---:|---:|---:|---:|---|"
  row baseline "$BASE" "heap ${HEAP_BASE} MB"
  row "big heads" "$BIG_RES" "$BIG heads of Content-Length 8388600: heap max ${HEAP_MAX} MB (goal < 256), ${BIG_CLOSED} closed by the body deadline, balancer alive: $ALIVE, next request $AFTER_BIG"
  row slowloris "$SLOW_RES" "$SLOW trickled heads: ${SLOW_CLOSED} closed by the balancer (${SLOW_408} with a 408), the last after ${SLOW_LONGEST} ms; next request $AFTER_SLOW"
} | tee "$REPORT"
cp "$REPORT" "$OUT/attack-latest.md"
echo "written to $REPORT"
