#!/usr/bin/env bash
# A/B of two balancer builds on the same machine, interleaved (A B A B ...) so that noise from other work on the
# machine falls on both alike; nginx (2 workers) is measured once per round as the peer. Same backends, load and
# settings as bench/run.sh (three server.jar backends on loopback, wrk with a random X-Request-Id per request).
#
#   bench/ab.sh before.jar after.jar          # ROUNDS (3), DURATION (10 s), WARMUP (8 s), CONNS (64), LOOPS (2)
#
# Prints one line per measurement and the median req/s and p99 of each build and of nginx over the rounds.
set -euo pipefail
A=${1:?usage: bench/ab.sh A.jar B.jar}; B=${2:?usage: bench/ab.sh A.jar B.jar}
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10}; WARMUP=${WARMUP:-8}; CONNS=${CONNS:-64}; LOOPS=${LOOPS:-2}
BASE_PORT=${BASE_PORT:-18500}
source "$(dirname "$0")/common.sh"

measure() { # url -> "rps p99_ms errors"
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/request-id.lua" "$1" >/dev/null
  wrk -t2 -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$BENCH/request-id.lua" "$1" | wrk_summary | awk '{ print $1, $3, $4 }'
}

start_backends 3

NGINX_PORT=$((BASE_PORT + 10)); DOOR_PORT=$((BASE_PORT + 12))
nginx_conf 2 "$NGINX_PORT" >"$WORK/nginx.conf"

declare -A RPS P99
run_balancer() { # label jar
  LB_RUNTIME=static LB_BACKENDS="$BACKENDS" LB_PORT="$DOOR_PORT" LB_EVENT_LOOPS="$LOOPS" \
    "$JAVA" -Xms256m -Xmx256m -XX:+UseParallelGC -jar "$2" >"$WORK/balancer.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$DOOR_PORT/home"
  local r; r=$(measure "http://127.0.0.1:$DOOR_PORT/home")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "round $round $1: $r (rps p99_ms errors)"
  RPS[$1]+="${r%% *} "; P99[$1]+="$(cut -d' ' -f2 <<<"$r") "
}
for round in $(seq 1 "$ROUNDS"); do
  nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" & ng=$!; PIDS+=($ng)
  wait_ready "http://127.0.0.1:$NGINX_PORT/home"
  r=$(measure "http://127.0.0.1:$NGINX_PORT/home"); kill "$ng"; wait "$ng" 2>/dev/null || true
  echo "round $round nginx: $r (rps p99_ms errors)"
  RPS[nginx]+="${r%% *} "; P99[nginx]+="$(cut -d' ' -f2 <<<"$r") "
  run_balancer A "$A"
  run_balancer B "$B"
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "| build | median req/s | median p99 ms | ratio to nginx |"
echo "|---|---:|---:|---:|"
ng_rps=$(median <<<"${RPS[nginx]}")
for k in nginx A B; do
  m=$(median <<<"${RPS[$k]}"); p=$(median <<<"${P99[$k]}")
  label=$k; [[ $k == A ]] && label="A ($(basename "$A"))"; [[ $k == B ]] && label="B ($(basename "$B"))"
  echo "| $label | $m | $p | $(awk -v a="$m" -v b="$ng_rps" 'BEGIN { printf "%.2f", a / b }') |"
done
