#!/usr/bin/env bash
# A two-node swarm on one machine, to see the balancer follow Swarm when a node is lost (issue 14: node loss).
#   node 1: this machine's Docker engine, the manager (advertised on a veth address, 10.200.0.1)
#   node 2: a second dockerd in a network namespace of its own (lbnode2, 10.200.0.2 over a veth pair), with its own
#           --data-root, --exec-root, --pidfile and socket; the images are copied into it with docker save | load
# The balancer is deployed with docker-stack.yml on the manager; its three replica services spread over both nodes.
# Then node 2 is cut off (its veth taken down) under a bounded stream of GETs: Swarm marks it down and starts its
# tasks again on the manager, the balancer follows them to their new addresses. The script prints the placement
# before and after, how long each step took, and how many GETs failed.
# Everything it made is removed at the end (also on failure): the stack, the replica services, the overlay, both
# swarm memberships (only if the engine was in no swarm before: else it refuses to start), node 2's dockerd, its
# files, the namespace and the veth pair. Needs root, iproute2, dockerd, the jars (./mvnw -q package -DskipTests).
# Run it under the heavy lock (it uses the machine's engine):  flock /tmp/lb-heavy.lock bash scripts/swarm-two-node.sh
# Traffic goes only to 127.0.0.1 and to the addresses inside the namespace made here.
set -euo pipefail
cd "$(dirname "$0")/.."
JRE_IMAGE=${JRE_IMAGE:-lb-jre:offline}
NS=lbnode2 HOST_IF=lbn2-h NS_IF=lbn2-n HOST_IP=10.200.0.1 NS_IP=10.200.0.2
WORK=/var/tmp/lb-node2 SOCK=unix:///var/tmp/lb-node2/docker.sock
STACK=lb2n POOL=lb2n NET=lb-2n-overlay PORT=${LB_PUBLISHED_PORT:-15090}
SERVER_IMAGE=lb-server-2n:check BALANCER_IMAGE=lb-balancer-2n:check
MAX_GETS=${MAX_GETS:-50000}
started=$(date +%s%N)
log() { echo "[two-node $(( ($(date +%s%N) - started) / 1000000 )) ms] $*"; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
node2() { docker -H "$SOCK" "$@"; }
await() { # await <seconds> <what> <command...>: polls every 0.2 s
  local bound=$1 what=$2; shift 2
  local end=$(( $(date +%s) + bound ))
  until "$@" >/dev/null 2>&1; do
    if (( $(date +%s) > end )); then log "not within ${bound} s: $what"; return 1; fi
    sleep 0.2
  done
}

[[ $(docker info --format '{{.Swarm.LocalNodeState}}') == inactive ]] || { echo "the engine is in a swarm already: refusing" >&2; exit 1; }
had_gwbridge=$(docker network ls -q --filter name=^docker_gwbridge$)

cleanup() {
  set +e
  log "cleaning up"
  docker stack rm "$STACK" >/dev/null 2>&1
  for _ in $(seq 1 100); do [[ -z $(docker ps -aq --filter label=com.docker.stack.namespace=$STACK) ]] && break; sleep 0.2; done
  ids=$(docker service ls -q --filter label=lb.pool=$POOL); [[ -n $ids ]] && docker service rm $ids >/dev/null
  for _ in $(seq 1 150); do docker network rm "$NET" >/dev/null 2>&1 && break; docker network ls -q --filter name=^$NET$ | grep -q . || break; sleep 0.2; done
  node2 swarm leave --force >/dev/null 2>&1
  docker swarm leave --force >/dev/null 2>&1
  [[ -z $had_gwbridge ]] && for _ in $(seq 1 50); do docker network rm docker_gwbridge >/dev/null 2>&1 && break; sleep 0.2; done
  if [[ -f $WORK/dockerd.pid ]]; then
    pid=$(cat "$WORK/dockerd.pid"); kill "$pid" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  grep " $WORK" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$WORK"
  ip netns del "$NS" 2>/dev/null
  ip link del "$HOST_IF" 2>/dev/null
  docker rmi "$SERVER_IMAGE" "$BALANCER_IMAGE" >/dev/null 2>&1
  log "left as found: swarm $(docker info --format '{{.Swarm.LocalNodeState}}'), netns: $(ip netns list | grep -c "$NS" || true)"
}
trap cleanup EXIT
trap "exit 130" TERM INT

log "images from the local jars (base $JRE_IMAGE)"
docker build -q --build-arg JRE_IMAGE="$JRE_IMAGE" --target server -t "$SERVER_IMAGE" . >/dev/null
docker build -q --build-arg JRE_IMAGE="$JRE_IMAGE" --target balancer -t "$BALANCER_IMAGE" . >/dev/null

log "node 2: namespace $NS at $NS_IP, dockerd on $SOCK"
ip netns add "$NS"
ip link add "$HOST_IF" type veth peer name "$NS_IF"
ip link set "$NS_IF" netns "$NS"
ip addr add "$HOST_IP/24" dev "$HOST_IF"; ip link set "$HOST_IF" up
ip netns exec "$NS" ip addr add "$NS_IP/24" dev "$NS_IF"
ip netns exec "$NS" ip link set "$NS_IF" up; ip netns exec "$NS" ip link set lo up
mkdir -p "$WORK"
# nsenter, not ip netns exec: that one remounts /sys, which hides the cgroup mounts dockerd needs. A UTS namespace
# too, so that node 2 has a hostname of its own (Swarm names nodes by hostname).
nsenter --net="/var/run/netns/$NS" unshare --uts sh -c "hostname $NS && exec dockerd --data-root '$WORK/data' \
  --exec-root '$WORK/exec' --pidfile '$WORK/dockerd.pid' -H '$SOCK'" >"$WORK/dockerd.log" 2>&1 &
await 60 "node 2's dockerd answering" node2 info
docker save "$SERVER_IMAGE" | node2 load -q

log "swarm: manager on $HOST_IP, node 2 joins"
docker swarm init --advertise-addr "$HOST_IP" --listen-addr "$HOST_IP:2377" >/dev/null
node2 swarm join --token "$(docker swarm join-token -q worker)" --advertise-addr "$NS_IP" --listen-addr "$NS_IP:2377" "$HOST_IP:2377" >/dev/null
node2_id=$(node2 info --format '{{.Swarm.NodeID}}')
docker node ls

log "stack: the balancer on the manager, port $PORT"
LB_BALANCER_IMAGE=$BALANCER_IMAGE LB_SERVER_IMAGE=$SERVER_IMAGE LB_NETWORK=$NET LB_POOL=$POOL LB_PUBLISHED_PORT=$PORT \
  LB_ADMIN_TIMEOUT_MS=60000 docker stack deploy --resolve-image never -c docker-stack.yml "$STACK" >/dev/null
all_up() { [[ $(curl -s -m 2 "127.0.0.1:$PORT/status" | grep -o '"health": "up"' | wc -l) == 3 ]]; }
await 180 "the balancer serving 3 replicas" all_up
manager_id=$(docker info --format '{{.Swarm.NodeID}}')
# "<replica> <node id> <task state>" for each replica's task that Swarm means to keep running.
tasks() { for s in Server1 Server2 Server3; do
  for t in $(docker service ps -q --filter desired-state=running "$s"); do
    echo "$s $(docker inspect --format '{{.NodeID}} {{.Status.State}}' "$t")"; done; done; }
placement() { tasks | sed "s/$manager_id/manager/; s/$node2_id/node2/; s/^/  /"; }
log "placement before:"; placement
on_node2=$(tasks | grep -c " $node2_id " || true)
log "$on_node2 of 3 replicas on node 2"

log "node 2 lost (its veth down) under a stream of GETs (one at a time, until the pool is whole again)"
fails=$WORK/fails sent=$WORK/sent; : >"$fails"
# Bounded: at most MAX_GETS, at most 240 s; stops once $WORK/stop exists.
( end=$(( $(date +%s) + 240 ))
  for i in $(seq 1 "$MAX_GETS"); do
    [[ -e $WORK/stop ]] || (( $(date +%s) > end )) && break
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "127.0.0.1:$PORT/home?id=$(( 100000 + i % 900000 ))") || true
    [[ $code == 200 ]] || echo "$code" >>"$fails"
    echo "$i" >"$sent"
  done ) &
load=$!
sleep 1
cut=$(date +%s%N)
ip link set "$HOST_IF" down
await 120 "Swarm marking node 2 down" bash -c "[[ \$(docker node inspect $node2_id --format '{{.Status.State}}') == down ]]"
log "Swarm marked node 2 down after $(ms_since "$cut") ms"
rescheduled() { [[ $(tasks | grep -c " $manager_id running") == 3 ]]; }
await 120 "every replica's task running on the manager" rescheduled
log "every replica's task running on the manager after $(ms_since "$cut") ms"
await 120 "the balancer serving 3 replicas again" all_up
log "the balancer serving the 3 replicas again after $(ms_since "$cut") ms"
sleep 2; touch "$WORK/stop"; wait "$load"
log "GETs: $(cat "$sent") sent, $(wc -l <"$fails") failed (by status: $(sort "$fails" | uniq -c | tr '\n' ' '))"
log "placement after:"; placement
curl -s "127.0.0.1:$PORT/rep"; echo
docker service logs "${STACK}_balancer" 2>/dev/null | grep -E "PoolJournal|SwarmRuntime" | sed 's/^/  /' | tail -20
