#!/usr/bin/env bash
# The burst of issue 12, probe 8, on loopback: three server.jar backends behind the balancer (LB_RUNTIME=static),
# CONNS connections opened, then one GET /home on each at the same instant (bench/Burst.java). Reports the answers by
# status with their times, how long after the burst every replica serves a pinned GET again, and what the pool did
# meanwhile (the journal lines of the balancer's log: SUSPECT, DEAD, EJECTION_LIMITED, ...).
#
#   flock /tmp/lb-heavy.lock bash bench/burst.sh            # 8000 connections
#   CONNS=2000 bash bench/burst.sh
#
# Env: CONNS (8000), BASE_PORT (18200), BALANCER_ENV (extra settings, e.g. "LB_REPLICA_MAX_CONCURRENT=64"),
#      JAVA_HOME (temurin 25 if present). Writes bench/out/burst-latest.md. Every process it starts is stopped on exit.
set -euo pipefail

CONNS=${CONNS:-8000}
BASE_PORT=${BASE_PORT:-18200}
# Each connection is a socket in the client and one in the balancer, each in its own process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < CONNS + 1000 )); then
  echo "open-file limit $(ulimit -n) is too low for $CONNS connections" >&2
  exit 1
fi
source "$(dirname "$0")/common.sh"
require_jars server balancer

start_backends 3

DOOR=$((BASE_PORT + 10))
# shellcheck disable=SC2086 # BALANCER_ENV is a list of NAME=value words
env LB_RUNTIME=static LB_BACKENDS="$BACKENDS" LB_PORT="$DOOR" ${BALANCER_ENV:-} \
  "$JAVA" -Xms256m -Xmx512m -jar "$BALANCER_JAR" >"$WORK/balancer.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$DOOR/home"
sleep 2 # heartbeats settle

echo "burst: $CONNS connections, one GET each at once, balancer on $DOOR (${BALANCER_ENV:-defaults})"
"$JAVA" -Xss256k "$BENCH/Burst.java" 127.0.0.1 "$DOOR" "$CONNS" | tee "$WORK/burst.txt"
sleep 3 # what the pool does after the burst shows in the journal
STATUS=$(curl -s "http://127.0.0.1:$DOOR/status")
JOURNAL=$(grep -E ' (SUSPECT|CLEARED|DEAD|RETURNED|EJECTION_LIMITED|REPLACED_[A-Z]+|BACKOFF): ' "$WORK/balancer.log" || true)
HEALTH=$(grep -oE '"name": "Server[0-9]+", "id": [0-9]+, "health": "[a-z]+"' <<<"$STATUS" || echo "$STATUS")

{
  echo "# Burst (issue 12, probe 8), $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "$CONNS connections, one \`GET /home\` each at the same instant; three server.jar backends, LB_RUNTIME=static"
  echo "(${BALANCER_ENV:-default limits}); loopback; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end."
  echo
  echo '```'
  cat "$WORK/burst.txt"
  echo '```'
  echo
  echo "Replicas 3 s after the burst:"
  echo '```'
  echo "$HEALTH"
  echo '```'
  echo
  echo "Journal lines during the run (health transitions; none means no replica was taken out):"
  echo '```'
  echo "${JOURNAL:-(none)}"
  echo '```'
} >"$OUT/burst-latest.md"
echo "wrote $OUT/burst-latest.md"
cat "$OUT/burst-latest.md"
