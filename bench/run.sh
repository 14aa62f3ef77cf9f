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

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/out"
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
BASE_PORT=${BASE_PORT:-18100}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
WORK="$OUT/run-$$"
mkdir -p "$WORK"

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

for tool in wrk nginx haproxy curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# ---- what to run ----
SERVER_JAR="$ROOT/server/target/server.jar"
if [[ ! -f "$SERVER_JAR" ]]; then
  echo "building server.jar"
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -pl server -am package -DskipTests)
fi
BALANCER_JAR="$ROOT/balancer/target/balancer.jar"
if [[ ! -f "$BALANCER_JAR" ]]; then
  echo "building balancer.jar"
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -pl balancer -am package -DskipTests)
fi

B1=$((BASE_PORT + 1)); B2=$((BASE_PORT + 2)); B3=$((BASE_PORT + 3))
NGINX_PORT=$((BASE_PORT + 10)); HAPROXY_PORT=$((BASE_PORT + 11)); DOOR_PORT=$((BASE_PORT + 12))

wait_ready() { # url: waits up to 30 s for a 200
  local i
  for i in $(seq 1 300); do
    if curl -fs -o /dev/null -H 'X-Request-Id: 123456' "$1"; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $1" >&2
  return 1
}

stop() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Prints "rps p50 p99 errors" for one target after a discarded warm-up run.
measure() {
  local url=$1 line
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/request-id.lua" "$url" >/dev/null
  line=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout 5s -s "$BENCH/request-id.lua" "$url" | grep '^RESULT')
  # RESULT requests=N rps=R p50_ms=A p99_ms=B socket_errors=E status_errors=S
  awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
         print v["rps"], v["p50_ms"], v["p99_ms"], v["socket_errors"] + v["status_errors"] }' <<<"$line"
}

declare -A RES
record() { # name result
  RES[$1]=$2
  echo "  $1: $2 (rps p50_ms p99_ms errors)"
}

echo "backends on $B1 $B2 $B3"
for i in 1 2 3; do
  port=$((BASE_PORT + i))
  SERVER_ID=$i PORT=$port "$JAVA" -jar "$SERVER_JAR" >"$WORK/server$i.log" 2>&1 &
  PIDS+=($!)
done
for i in 1 2 3; do wait_ready "http://127.0.0.1:$((BASE_PORT + i))/home"; done

echo "direct (one backend)"
record direct "$(measure "http://127.0.0.1:$B1/home")"

for n in 1 2; do
  echo "nginx, $n worker(s)"
  sed -e "s/@WORKERS@/$n/; s/@PORT@/$NGINX_PORT/; s#@PREFIX@#$WORK/nginx#g" \
      -e "s/@B1@/127.0.0.1:$B1/; s/@B2@/127.0.0.1:$B2/; s/@B3@/127.0.0.1:$B3/" \
      "$BENCH/nginx.conf.template" >"$WORK/nginx.conf"
  mkdir -p "$WORK/nginx"
  nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$NGINX_PORT/home"
  record "nginx-$n" "$(measure "http://127.0.0.1:$NGINX_PORT/home")"
  stop "$pid"

  echo "haproxy, $n thread(s)"
  sed -e "s/@THREADS@/$n/; s/@PORT@/$HAPROXY_PORT/" \
      -e "s/@B1@/127.0.0.1:$B1/; s/@B2@/127.0.0.1:$B2/; s/@B3@/127.0.0.1:$B3/" \
      "$BENCH/haproxy.cfg.template" >"$WORK/haproxy.cfg"
  haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  wait_ready "http://127.0.0.1:$HAPROXY_PORT/home"
  record "haproxy-$n" "$(measure "http://127.0.0.1:$HAPROXY_PORT/home")"
  stop "$pid"

  echo "balancer, $n event loop(s)"
  LB_RUNTIME=static LB_BACKENDS="http://127.0.0.1:$B1,http://127.0.0.1:$B2,http://127.0.0.1:$B3" \
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
