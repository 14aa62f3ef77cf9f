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

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/out"
CONNS=${CONNS:-8000}
BASE_PORT=${BASE_PORT:-18200}
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
WORK="$OUT/burst-$$"
mkdir -p "$WORK"
# Each connection is a socket in the client and one in the balancer, each in its own process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if (( $(ulimit -n) < CONNS + 1000 )); then
  echo "open-file limit $(ulimit -n) is too low for $CONNS connections" >&2
  exit 1
fi

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

SERVER_JAR="$ROOT/server/target/server.jar"
BALANCER_JAR="$ROOT/balancer/target/balancer.jar"
for jar in "$SERVER_JAR" "$BALANCER_JAR"; do
  [[ -f "$jar" ]] || { echo "missing $jar: ./mvnw -o -pl server,balancer -am package -DskipTests" >&2; exit 1; }
done

wait_ready() { # url: waits up to 30 s for a 200
  local i
  for i in $(seq 1 300); do
    if curl -fs -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $1" >&2
  return 1
}

BACKENDS=""
for i in 1 2 3; do
  port=$((BASE_PORT + i))
  SERVER_ID=$i PORT=$port "$JAVA" -jar "$SERVER_JAR" >"$WORK/server$i.log" 2>&1 &
  PIDS+=($!)
  BACKENDS+="${BACKENDS:+,}http://127.0.0.1:$port"
done
for i in 1 2 3; do wait_ready "http://127.0.0.1:$((BASE_PORT + i))/home"; done

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
