# shellcheck shell=bash
# What every bench script shares, sourced (not run) after its own settings: the paths, the JVM, a work folder
# (bench/out/<script>-<pid>), and the clean-up that stops every process a script started. A script appends each
# background pid to PIDS; on exit, INT or TERM they are stopped and WORK is removed (kept when KEEP_WORK=1, for a
# script whose results live there).
#
# Env: JAVA_HOME (temurin 25 if present).
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
OUT="$BENCH/out"
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
SERVER_JAR="$ROOT/server/target/server.jar"
BALANCER_JAR="$ROOT/balancer/target/balancer.jar"
WORK="$OUT/$(basename "$0" .sh)-$$"
mkdir -p "$WORK"

PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ ${KEEP_WORK:-0} == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

require_tools() { # tool...
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
  done
}

build_missing_jars() { # module...: builds <module>/target/<module>.jar where it is not there yet
  local module
  for module in "$@"; do
    [[ -f "$ROOT/$module/target/$module.jar" ]] && continue
    echo "building $module.jar"
    (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" ./mvnw -q -pl "$module" -am package -DskipTests)
  done
}

require_jars() { # module...: stops, naming the build command, where <module>/target/<module>.jar is missing
  local module
  for module in "$@"; do
    [[ -f "$ROOT/$module/target/$module.jar" ]] && continue
    echo "missing $ROOT/$module/target/$module.jar: ./mvnw -q -o -pl server,balancer -am package -DskipTests" >&2
    exit 1
  done
}

wait_ready() { # url: waits up to 30 s for a 200 (X-Request-Id set, so a hashing proxy can route the probe)
  local i
  for i in $(seq 1 300); do
    if curl -fs -o /dev/null -H 'X-Request-Id: 123456' "$1"; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $1" >&2
  return 1
}

# Starts n server.jar backends on BASE_PORT+1 .. BASE_PORT+n (logs in WORK) and waits until each serves;
# BACKENDS is then their URLs, comma-separated, as LB_BACKENDS takes them.
start_backends() { # n
  local i
  BACKENDS=""
  for i in $(seq 1 "$1"); do
    SERVER_ID=$i PORT=$((BASE_PORT + i)) "$JAVA" -jar "$SERVER_JAR" >"$WORK/server$i.log" 2>&1 &
    PIDS+=($!)
    BACKENDS+="${BACKENDS:+,}http://127.0.0.1:$((BASE_PORT + i))"
  done
  for i in $(seq 1 "$1"); do wait_ready "http://127.0.0.1:$((BASE_PORT + i))/home"; done
}

stop() { # pid: stops one process this script started
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

nginx_conf() { # workers port: prints an nginx.conf (prefix WORK/nginx, made here) in front of BASE_PORT+1..3
  mkdir -p "$WORK/nginx"
  sed -e "s/@WORKERS@/$1/; s/@PORT@/$2/; s#@PREFIX@#$WORK/nginx#g" \
      -e "s/@B1@/127.0.0.1:$((BASE_PORT + 1))/; s/@B2@/127.0.0.1:$((BASE_PORT + 2))/; s/@B3@/127.0.0.1:$((BASE_PORT + 3))/" \
      "$BENCH/nginx.conf.template"
}

haproxy_conf() { # threads port [b1 b2 b3]: prints a haproxy.cfg in front of these backend ports (BASE_PORT+1..3)
  sed -e "s/@THREADS@/$1/; s/@PORT@/$2/" \
      -e "s/@B1@/127.0.0.1:${3:-$((BASE_PORT + 1))}/; s/@B2@/127.0.0.1:${4:-$((BASE_PORT + 2))}/" \
      -e "s/@B3@/127.0.0.1:${5:-$((BASE_PORT + 3))}/" \
      "$BENCH/haproxy.cfg.template"
}

wrk_summary() { # reads wrk's output (with bench/request-id.lua), prints "rps p50_ms p99_ms errors"
  # RESULT requests=N rps=R p50_ms=A p99_ms=B socket_errors=E status_errors=S
  grep '^RESULT' | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                          print v["rps"], v["p50_ms"], v["p99_ms"], v["socket_errors"] + v["status_errors"] }'
}

cpu_ticks() { # pid...: user+system CPU time of these processes together, in 1/100 s
  local t=0 p
  for p in "$@"; do t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat") )); done
  echo "$t"
}
