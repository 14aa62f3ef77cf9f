#!/usr/bin/env bash
# Memory per idle keep-alive connection, and whether 10,000 of them are held: the balancer (LB_RUNTIME=static, one
# server.jar backend) against HAProxy in the same run, loopback only. Each connection sends one GET /home, reads the
# answer and then stays open and silent (bench/Hold.java idle). Measured once all are open:
#   balancer: Java heap used after a full GC (jcmd GC.run; jstat), and RSS, each minus the same before the
#             connections, divided by their number;
#   HAProxy:  RSS minus RSS before, divided by their number (it frees its buffers when a connection is idle).
# Goal (issue 11): at most 8 KB per idle connection; all 10,000 still open at the end.
#
#   bench/idle.sh                    # 10,000 connections, held 20 s
#   CONNS=2000 HOLD=10 bench/idle.sh # quick look
#
# Env: CONNS (10000, at most 18000), HOLD (20 s), BASE_PORT (18200), JAVA_HOME (temurin 25 if present).
# Writes bench/out/idle-<time>.md and bench/out/idle-latest.md. Every process it starts is stopped on exit.
set -euo pipefail

CONNS=${CONNS:-10000}
HOLD=${HOLD:-20}
BASE_PORT=${BASE_PORT:-18200}
(( CONNS <= 18000 )) || { echo "CONNS at most 18000" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) >= CONNS + 1000 )) || { echo "the open-file limit $(ulimit -n) is below $((CONNS + 1000))" >&2; exit 1; }
source "$(dirname "$0")/common.sh"
require_jars server balancer

B1=$((BASE_PORT + 1)); HAPROXY_PORT=$((BASE_PORT + 11)); DOOR_PORT=$((BASE_PORT + 12))

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
heap_kb() { # used heap after a full GC
  "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null
  "$JAVA_HOME/bin/jstat" -gc "$1" | awk 'NR == 2 { printf "%d", $3 + $4 + $6 + $8 }' # S0U S1U EU OU
}

# Runs Hold idle against a port, calls $2 (in this shell) once all are open, and echoes "held closed" at the end.
hold() { # port on_ready_callback [count]
  local fifo="$WORK/hold.$1" line held="" closed=""
  mkfifo "$fifo"
  "$JAVA" "$BENCH/Hold.java" idle "$1" "${3:-$CONNS}" "$HOLD" >"$fifo" 2>"$WORK/hold.$1.err" &
  local pid=$!; PIDS+=($pid)
  while read -r line; do
    case $line in
      READY*) held=${line#READY }; "$2" ;;
      CLOSED_BY_SERVER*) closed=${line#CLOSED_BY_SERVER } ;;
    esac
  done <"$fifo"
  wait "$pid" || { cat "$WORK/hold.$1.err" >&2; return 1; }
  echo "$held $closed"
}

start_backends 1

echo "balancer: $CONNS idle connections for ${HOLD}s"
LB_RUNTIME=static LB_BACKENDS="$BACKENDS" LB_PORT="$DOOR_PORT" LB_EVENT_LOOPS=2 \
  "$JAVA" -Xms512m -Xmx512m -XX:+UseParallelGC -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 &
LB=$!; PIDS+=($LB)
wait_ready "http://127.0.0.1:$DOOR_PORT/home"
for i in $(seq 1 200); do curl -fs -o /dev/null -H 'X-Request-Id: 123456' "http://127.0.0.1:$DOOR_PORT/home"; done
LB_HEAP0=$(heap_kb "$LB"); LB_RSS0=$(rss_kb "$LB")
lb_ready() { LB_HEAP1=$(heap_kb "$LB"); LB_RSS1=$(rss_kb "$LB"); }
hold "$DOOR_PORT" lb_ready >"$WORK/lb.result"
read -r LB_HELD LB_CLOSED <"$WORK/lb.result"
kill "$LB"; wait "$LB" 2>/dev/null || true

echo "haproxy: idle connections for ${HOLD}s"
# HAProxy sizes its sockets as 2 x maxconn + a few and refuses to start past the fd limit: it holds what fits.
HA_CONNS=$(( CONNS < ($(ulimit -n) - 100) / 2 - 50 ? CONNS : ($(ulimit -n) - 100) / 2 - 50 ))
haproxy_conf 2 "$HAPROXY_PORT" "$B1" "$B1" "$B1" |
  sed -e "s/maxconn 4000/maxconn $((HA_CONNS + 50))\n  ulimit-n $(ulimit -n)/" >"$WORK/haproxy.cfg"
HA_HELD=-; HA_CLOSED=-; HA_RSS0=0; HA_RSS1=0 # stay so if HAProxy cannot run
haproxy_run() {
  haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
  HA=$!; PIDS+=($HA)
  wait_ready "http://127.0.0.1:$HAPROXY_PORT/home" || { cat "$WORK/haproxy.log" >&2; return 1; }
  for i in $(seq 1 200); do curl -fs -o /dev/null -H 'X-Request-Id: 123456' "http://127.0.0.1:$HAPROXY_PORT/home"; done
  HA_RSS0=$(rss_kb "$HA")
  ha_ready() { HA_RSS1=$(rss_kb "$HA"); }
  hold "$HAPROXY_PORT" ha_ready "$HA_CONNS" >"$WORK/ha.result"
  read -r HA_HELD HA_CLOSED <"$WORK/ha.result"
}
haproxy_run || echo "haproxy run failed; its row stays empty" >&2

per() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.2f", (b - a) / n }'; } # KB per connection

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT="$OUT/idle-$STAMP.md"
{
  echo "# Idle keep-alive connections, $STAMP"
  echo
  echo "$(nproc) cores, loopback, one server.jar backend; $CONNS connections each sent one GET /home and then stayed"
  echo "idle for ${HOLD}s. Balancer: LB_RUNTIME=static, 2 event loops, -Xmx512m, ParallelGC; heap measured after a full GC."
  echo
  echo "| target | connections held | closed by server | heap KB/conn | RSS KB/conn |"
  echo "|---|---:|---:|---:|---:|"
  echo "| balancer | $LB_HELD | $LB_CLOSED | $(per "$LB_HEAP0" "$LB_HEAP1" "$CONNS") | $(per "$LB_RSS0" "$LB_RSS1" "$CONNS") |"
  echo "| haproxy (2 threads) | $HA_HELD | $HA_CLOSED | - | $(per "$HA_RSS0" "$HA_RSS1" "$HA_CONNS") |"
  echo
  echo "Balancer heap after GC: ${LB_HEAP0} KB before, ${LB_HEAP1} KB with the connections; RSS ${LB_RSS0} -> ${LB_RSS1} KB."
  echo "HAProxy RSS ${HA_RSS0} -> ${HA_RSS1} KB. Goal: at most 8 KB per idle connection, all $CONNS held."
} | tee "$REPORT"
cp "$REPORT" "$OUT/idle-latest.md"
echo "written to $REPORT"
