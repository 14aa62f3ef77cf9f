#!/usr/bin/env bash
# Issue 12.8 with the real docker-compose file: `up` starts the pool; a `docker kill`ed balancer started again adopts
# its replicas (same containers); `down` leaves no container of the system and no net1. Prints one line per check
# and exits non-zero if one fails. Uses host port 5000 and the names Server1..3 and net1: run it alone
# (flock /tmp/lb-heavy.lock), from a checkout whose jars are built (./mvnw -o -pl server,balancer -am package).
#
#   JRE_IMAGE=lb-jre:offline flock /tmp/lb-heavy.lock bash scripts/compose-down-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
COMPOSE=${COMPOSE:-docker-compose}
FAILED=0
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; FAILED=1; fi
}
rep() { curl -fs --max-time 3 http://127.0.0.1:5000/rep || true; }
wait_for() { # seconds, command
  local end=$((SECONDS + $1)); shift
  until "$@"; do (( SECONDS < end )) || return 1; sleep 0.5; done
}
ours() { docker ps -a --filter label=lb.managed-by=lb-balancer --format '{{.Names}}' | sort; }
replica_ids() { docker ps --filter label=lb.managed-by=lb-balancer --format '{{.Names}} {{.ID}}' | grep -v -- '-spare-' | sort; }
three_up() { rep | grep -q '"replicas": \["Server1", "Server2", "Server3"\]'; }
spare_up() { ours | grep -q -- '-spare-'; }

$COMPOSE up -d --build >/tmp/compose-check-up.log 2>&1
check "up: /rep lists Server1..3 within 120 s" wait_for 120 three_up
check "up: a warm spare runs within 60 s" wait_for 60 spare_up
before=$(replica_ids)

balancer=$($COMPOSE ps -q balancer)
docker kill "$balancer" >/dev/null
$COMPOSE up -d >/dev/null 2>&1
check "killed balancer started again: /rep lists Server1..3 within 60 s" wait_for 60 three_up
after=$(replica_ids)
check "killed balancer started again: the same replica containers, adopted ($(echo $after | tr '\n' ' '))" \
  test "$before" = "$after"

t0=$SECONDS
$COMPOSE down >/tmp/compose-check-down.log 2>&1 && down_ok=1 || down_ok=0
echo "     down took $((SECONDS - t0)) s: $(tr '\n' ' ' </tmp/compose-check-down.log | tail -c 300)"
check "down: exit status 0" test "$down_ok" = 1
check "down: no container of the pool left ($(ours | tr '\n' ' '))" test -z "$(ours)"
check "down: no container of the compose project left" test -z "$($COMPOSE ps -q 2>/dev/null)"
check "down: net1 removed" bash -c '! docker network inspect net1 >/dev/null 2>&1'
exit $FAILED
