#!/usr/bin/env bash
# Design probe: NIO event loops (the shipped FrontDoor) against blocking sockets on virtual threads
# (bench/prototypes, same parser), in front of the same three backends. Prints one wrk RESULT line per design and
# round, with the proxy's CPU time per request (user+system, from /proc): the fairer figure on a shared 2-core box.
#   bench/compare-designs.sh        # DURATION (10), WARMUP (10), BASE_PORT (18200)
set -euo pipefail
DURATION=${DURATION:-10}; WARMUP=${WARMUP:-10}; BASE_PORT=${BASE_PORT:-18200}
source "$(dirname "$0")/common.sh"
# The prototypes are compiled against the built balancer (its forward package and dependencies), so this probe follows
# the shipped code instead of a hand-kept list of its sources.
build_missing_jars server balancer
"$JAVA_HOME/bin/javac" --release 21 -d "$WORK/classes" -cp "$BALANCER_JAR" "$ROOT"/bench/prototypes/lb/balancer/forward/*.java
CP="$WORK/classes:$BALANCER_JAR"
start_backends 3
read -ra B <<<"${BACKENDS//,/ }"
# Warm the backends' JIT first so the first design measured is not penalised.
warm=()
for i in 1 2 3; do wrk -t1 -c16 -d"${WARMUP}s" "http://127.0.0.1:$((BASE_PORT + i))/home" >/dev/null & warm+=($!); done
wait "${warm[@]}" # only the warm-up runs: a bare wait would wait for the backends too
run() { # name port cmd...
  local name=$1 port=$2; shift 2
  "$@" >/dev/null 2>&1 & local pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$port/home"
  wrk -t2 -c64 -d"${WARMUP}s" -s "$BENCH/request-id.lua" "http://127.0.0.1:$port/home" >/dev/null
  local t0 line t1 n
  t0=$(cpu_ticks "$pid")
  line=$(wrk -t2 -c64 -d"${DURATION}s" -s "$BENCH/request-id.lua" "http://127.0.0.1:$port/home" | grep RESULT)
  t1=$(cpu_ticks "$pid")
  n=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
  echo "$name $line proxy_cpu_us_per_req=$(( (t1 - t0) * 10000 / n ))"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
J="$JAVA_HOME/bin/java -Xms256m -Xmx256m -XX:+UseParallelGC -cp $CP"
for round in 1 2 3; do
  run "nio-event-loops" $((BASE_PORT + 10)) $J lb.balancer.forward.BenchFrontDoor --port $((BASE_PORT + 10)) "${B[@]}"
  run "virtual-threads" $((BASE_PORT + 11)) $J lb.balancer.forward.VirtualThreadDoor $((BASE_PORT + 11)) "${B[@]}"
done
