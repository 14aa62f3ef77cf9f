#!/usr/bin/env bash
# Throughput/latency of the balancer against nginx and HAProxy, all in front of the same three backend replicas
# (server.jar processes), on loopback only. Each proxy hashes on X-Request-Id; wrk sends a random 6-digit
# X-Request-Id per request. The balancer is the real one (balancer.jar, LB_RUNTIME=static: ring, health checks, stats
# and all). nginx, HAProxy and the balancer are each measured with 1 and 2 workers/threads/event loops; the best of
# each counts.
#
#   bench/run.sh                     # ~3.5 minutes with the defaults
#   DURATION=5 WARMUP=3 bench/run.sh # quick look
#
# Env: DURATION (15 s per measured run), WARMUP (10 s, discarded; the JVMs need it for JIT), CONNS (64),
#      THREADS (wrk threads, 2), BASE_PORT (18100), JAVA_HOME (temurin 25 if present).
# Writes bench/out/results-<time>.md and bench/out/latest.md. Every process it starts is stopped on exit.
set -euo pipefail

DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
BASE_PORT=${BASE_PORT:-18100}
source "$(dirname "$0")/common.sh"
require_tools wrk nginx haproxy curl
build_missing_jars server balancer

B1=$((BASE_PORT + 1)); B2=$((BASE_PORT + 2)); B3=$((BASE_PORT + 3))
NGINX_PORT=$((BASE_PORT + 10)); HAPROXY_PORT=$((BASE_PORT + 11)); DOOR_PORT=$((BASE_PORT + 12))

# Prints "rps p50 p99 errors" for one target after a discarded warm-up run.
measure() { # url
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/request-id.lua" "$1" >/dev/null
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$BENCH/request-id.lua" "$1" | wrk_summary
}

declare -A RES
record() { # name result
  RES[$1]=$2
  echo "  $1: $2 (rps p50_ms p99_ms errors)"
}

echo "backends on $B1 $B2 $B3"
start_backends 3

echo "direct (one backend)"
record direct "$(measure "http://127.0.0.1:$B1/home")"

for n in 1 2; do
  echo "nginx, $n worker(s)"
  nginx_conf "$n" "$NGINX_PORT" >"$WORK/nginx.conf"
  nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$NGINX_PORT/home"
  record "nginx-$n" "$(measure "http://127.0.0.1:$NGINX_PORT/home")"
  stop "$pid"

  echo "haproxy, $n thread(s)"
  haproxy_conf "$n" "$HAPROXY_PORT" >"$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$HAPROXY_PORT/home"
  record "haproxy-$n" "$(measure "http://127.0.0.1:$HAPROXY_PORT/home")"
  stop "$pid"

  echo "balancer, $n event loop(s)"
  LB_RUNTIME=static LB_BACKENDS="$BACKENDS" \
  LB_PORT="$DOOR_PORT" LB_EVENT_LOOPS="$n" \
    "$JAVA" -Xms256m -Xmx256m -XX:+UseParallelGC -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$DOOR_PORT/home"
  record "balancer-$n" "$(measure "http://127.0.0.1:$DOOR_PORT/home")"
  stop "$pid"
done

# ---- table ----
best() { # prefix: the name of the best run of that product by req/s
  local name best_name="" best_rps=-1 rps
  for name in "${!RES[@]}"; do
    [[ $name == "$1"-* ]] || continue
    rps=${RES[$name]%% *}
    if (( rps > best_rps )); then best_rps=$rps; best_name=$name; fi
  done
  echo "$best_name"
}
NG=$(best nginx); HA=$(best haproxy); FD=$(best balancer)
PEER_RPS=$(( ${RES[$NG]%% *} > ${RES[$HA]%% *} ? ${RES[$NG]%% *} : ${RES[$HA]%% *} ))

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT="$OUT/results-$STAMP.md"
{
  echo "# Balancer bench, $STAMP"
  echo
  echo "$(nproc) cores, loopback, 3 backends (server.jar), wrk -t$THREADS -c$CONNS -d${DURATION}s after ${WARMUP}s warm-up,"
  echo "GET /home with a random X-Request-Id; ratio is req/s against the better of nginx and HAProxy."
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors | ratio |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in direct nginx-1 nginx-2 haproxy-1 haproxy-2 balancer-1 balancer-2; do
    read -r rps p50 p99 err <<<"${RES[$name]}"
    mark=""
    [[ $name == "$NG" || $name == "$HA" || $name == "$FD" ]] && mark=" (best)"
    ratio=$(awk -v a="$rps" -v b="$PEER_RPS" 'BEGIN { printf "%.2f", a / b }')
    echo "| $name$mark | $rps | $p50 | $p99 | $err | $ratio |"
  done
} | tee "$REPORT"
cp "$REPORT" "$OUT/latest.md"
echo "written to $REPORT"
