#!/usr/bin/env bash
# Makes a local JRE base image, lb-jre:offline by default, without pulling anything from a registry.
#
# Where no container registry answers, `docker build` cannot fetch eclipse-temurin. This script builds a small
# JRE with jlink from the local JDK, copies in the shared libraries its binaries load (from this machine), and turns
# the folder into an image with `docker import`. Then: JRE_IMAGE=lb-jre:offline docker compose up --build
#
# Usage: scripts/offline-jre-image.sh [tag]      (JAVA_HOME selects the JDK, 21 or newer; default: the newest found)
set -euo pipefail

tag="${1:-lb-jre:offline}"

find_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/jlink" ]]; then
    echo "$JAVA_HOME"; return
  fi
  local candidate
  for candidate in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
    if [[ -x "$candidate/bin/jlink" ]] && "$candidate/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; then
      echo "$candidate"; return
    fi
  done
  echo "no JDK 21+ with jlink found: set JAVA_HOME" >&2
  exit 1
}

jdk="$(find_jdk)"
# Modules the server, balancer and analysis jars use (Javalin/Jetty, Logback, Jackson, docker-java), plus
# jdk.jfr and jdk.jcmd-free diagnostics (jdk.management) so a running replica can be profiled.
modules="java.base,java.logging,java.naming,java.management,java.xml,java.net.http,java.sql,java.desktop,\
java.instrument,java.security.jgss,jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.jfr,jdk.naming.dns,\
jdk.zipfs"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt/java" "$root/tmp" "$root/etc" "$root/app"
chmod 1777 "$root/tmp"

echo "jlink from $jdk"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --generate-cds-archive --output "$root/opt/java/openjdk"

# Copy every shared library the JRE's executables and libraries load, at the same paths (dynamic loader included).
copy_with_parents() { mkdir -p "$root$(dirname "$1")"; cp -L "$1" "$root$1"; }
{
  find "$root/opt/java/openjdk" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null |
    awk '/=> \// {print $3} /^\s*\/[^ ]+ \(/ {print $1}'
  # Name service switch modules and the resolver: DNS lookups of replica names inside the bridge network.
  ls /lib/x86_64-linux-gnu/libnss_{files,dns}.so.* /lib/x86_64-linux-gnu/libresolv.so.* 2>/dev/null || true
} | sort -u | while read -r lib; do
  [[ -e "$lib" ]] && copy_with_parents "$lib"
done
# Some binaries ask for the loader by its /lib64 path.
if [[ -e /lib64/ld-linux-x86-64.so.2 ]]; then copy_with_parents /lib64/ld-linux-x86-64.so.2; fi

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' > "$root/etc/nsswitch.conf"

tar -C "$root" -c . | docker import \
  --change 'ENV JAVA_HOME=/opt/java/openjdk' \
  --change 'ENV PATH=/opt/java/openjdk/bin:/usr/bin:/bin' \
  --change 'WORKDIR /app' \
  - "$tag" >/dev/null
echo "made $tag ($(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
