#!/usr/bin/env bash
# Where the balancer's time goes: CPU per request of the balancer, nginx and HAProxy in front of the same three
# backends (from /proc, user+system), and a JFR execution profile of the balancer under the same load, summarised as
# the hottest frames (self time) and the hottest balancer methods (inclusive).
#   bench/profile.sh        # DURATION (20 s), WARMUP (10 s), CONNS (64), BASE_PORT (18300)
set -euo pipefail
DURATION=${DURATION:-20}; WARMUP=${WARMUP:-10}; CONNS=${CONNS:-64}; BASE_PORT=${BASE_PORT:-18300}
KEEP_WORK=1 # the recording stays in WORK
source "$(dirname "$0")/common.sh"

start_backends 3

# measure name port pid...: prints req/s and the CPU microseconds the proxy spent per request
measure() {
  local name=$1 port=$2; shift 2
  wait_ready "http://127.0.0.1:$port/home"
  wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s "$BENCH/request-id.lua" "http://127.0.0.1:$port/home" >/dev/null
  local t0 t1 line n
  t0=$(cpu_ticks "$@")
  line=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" -s "$BENCH/request-id.lua" "http://127.0.0.1:$port/home" | grep RESULT)
  t1=$(cpu_ticks "$@")
  n=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
  echo "$name: $(sed 's/.*rps=\([0-9]*\).*/\1/' <<<"$line") req/s, proxy CPU $(( (t1 - t0) * 10000 / n )) us/request"
}

P=$((BASE_PORT + 10))
nginx_conf 2 "$P" >"$WORK/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx.conf" & NG=$!; PIDS+=($NG)
sleep 1; measure "nginx (2 workers)" "$P" $(pgrep -P "$NG") "$NG"
kill "$NG"; wait "$NG" 2>/dev/null || true

haproxy_conf 2 "$((P + 1))" >"$WORK/haproxy.cfg"
haproxy -f "$WORK/haproxy.cfg" -db >/dev/null 2>&1 & HA=$!; PIDS+=($HA)
measure "haproxy (2 threads)" "$((P + 1))" "$HA"
kill "$HA"; wait "$HA" 2>/dev/null || true

LB_RUNTIME=static LB_BACKENDS="$BACKENDS" LB_PORT=$((P + 2)) LB_EVENT_LOOPS=2 \
  "$JAVA" -Xms256m -Xmx256m -XX:+UseParallelGC \
  -XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,filename="$WORK/balancer.jfr" \
  -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 & LB=$!; PIDS+=($LB)
measure "balancer (2 event loops)" "$((P + 2))" "$LB"
kill "$LB"; wait "$LB" 2>/dev/null || true

echo; echo "hottest frames of the balancer (self time, share of execution samples):"
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$WORK/balancer.jfr" | awk '
  /stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); self[$0]++; total++ }
  END { for (f in self) printf "%5.1f%%  %s\n", 100 * self[f] / total, f | "sort -rn | head -25" }'
echo; echo "balancer methods on the stack (inclusive):"
"$JAVA_HOME/bin/jfr" print --events jdk.ExecutionSample "$WORK/balancer.jfr" | awk '
  /stackTrace = \[/ { n++; delete seen; next }
  /^[ \t]+lb\.balancer\./ { f = $1; if (!(f in seen)) { seen[f] = 1; incl[f]++ } }
  END { for (f in incl) printf "%5.1f%%  %s\n", 100 * incl[f] / n, f | "sort -rn | head -15" }'
echo "recording: $WORK/balancer.jfr"
