#!/usr/bin/env bash
# Checks the container image and compose.yaml where a Docker engine runs
# (scripts/test.sh calls it; it skips, exit 0, where there is none):
#   - the image builds, is at most 40 MB and runs as a user other than root;
#   - a container of it gets ready, and its HEALTHCHECK command passes;
#   - `docker compose up` with Redis serves /readyz, and `tongbao check`
#     inside finds Redis with persistence on.
# Where the base images cannot be pulled (a machine without Docker Hub), it
# builds stand-ins from this machine's Go toolchain and redis-server, so
# the final image is still checked; it says so.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "docker-check: $*"; }
if ! docker info >/dev/null 2>&1; then
  say "no Docker engine here (docker info fails); image and compose checks skipped"
  exit 0
fi

max_bytes=$((40 * 1000 * 1000))
image=tongbao:check
go_image=golang:1.26-bookworm
redis_image=redis:7.4-alpine
work=$(mktemp -d)
cleanup() {
  [ -n "${container:-}" ] && docker rm -f "$container" >/dev/null 2>&1 || true
  [ -n "${compose:-}" ] && $compose -p tongbaocheck down -v >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

pullable() { docker image inspect "$1" >/dev/null 2>&1 || docker pull -q "$1" >/dev/null 2>&1; }

# standin TAG FILE... imports the files, with the shared libraries the
# executables among them load, as a one-layer image.
standin() {
  local tag=$1; shift
  local list=$work/files
  : >"$list"
  for f in "$@"; do
    echo "$f" >>"$list"
    ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}' >>"$list" || true
  done
  # -h stores what symlinks point to (/lib is one on Debian).
  sort -u "$list" | tar -chf - -T - 2>/dev/null |
    docker import -c 'ENV PATH=/usr/bin:/bin' -c 'WORKDIR /data' - "$tag" >/dev/null
}

if ! pullable "$go_image"; then
  # Named after the toolchain and go.sum, so it is made once for both.
  go_image=tongbao-standin/go:$(go env GOVERSION)-$(sha256sum go.sum | cut -c1-12)
  say "golang:1.26-bookworm cannot be pulled: building with $go_image, a stand-in made from this machine's Go and module cache"
  if ! docker image inspect "$go_image" >/dev/null 2>&1; then
    if ! [ -x /bin/busybox ]; then
      say "no /bin/busybox (apt-get install busybox-static) for the stand-in; image checks skipped"
      exit 0
    fi
    go mod download
    root=$work/go-root
    mkdir -p "$root/bin" "$root/usr/local" "$root/etc/ssl/certs" "$root/tmp" "$root/go/pkg"
    cp /bin/busybox "$root/bin/busybox"
    for tool in sh mkdir cp rm ls cat env; do ln -s busybox "$root/bin/$tool"; done
    cp -a "$(go env GOROOT)" "$root/usr/local/go"
    cp -a "$(go env GOMODCACHE)" "$root/go/pkg/mod"
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
    chmod 1777 "$root/tmp"
    tar -C "$root" -cf - . | docker import \
      -c 'ENV PATH=/usr/local/go/bin:/bin GOPATH=/go GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local HOME=/tmp' \
      - "$go_image" >/dev/null
  fi
fi

say "docker build (FROM $go_image)"
docker build -q --network host --build-arg GO_IMAGE="$go_image" -t "$image" . >/dev/null 2>"$work/build.log" ||
  { cat "$work/build.log"; exit 1; }

size=$(docker image inspect -f '{{.Size}}' "$image")
user=$(docker image inspect -f '{{.Config.User}}' "$image")
health=$(docker image inspect -f '{{json .Config.Healthcheck.Test}}' "$image")
say "image $image: $size bytes ($((size / 1000 / 1000)) MB), user $user, healthcheck $health"
fail=0
if [ "$size" -gt "$max_bytes" ]; then say "FAIL: the image is over 40 MB"; fail=1; fi
case "${user%%:*}" in
  "" | root | 0) say "FAIL: the image runs as root"; fail=1 ;;
esac
case "$health" in
  *healthcheck*) ;;
  *) say "FAIL: no HEALTHCHECK running tongbao healthcheck"; fail=1 ;;
esac

# A container on the host's network (loopback only) with the embedded store.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
container=$(docker run -d --network host -e TONGBAO_LISTEN=127.0.0.1:$port "$image")
ready=0
for _ in $(seq 1 120); do
  if docker exec "$container" /tongbao healthcheck >/dev/null 2>&1; then ready=1; break; fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$container")" != true ]; then break; fi
  sleep 1
done
if [ "$ready" = 1 ]; then
  say "container ready: /readyz answers $(curl -fsS "http://127.0.0.1:$port/readyz"); its process runs as uid $(docker top "$container" -o pid,uid | awk 'END{print $2}')"
else
  say "FAIL: the container did not get ready:"; docker logs "$container" 2>&1 | tail -20; fail=1
fi
docker rm -f "$container" >/dev/null; container=

# docker compose up: Redis with persistence, and Tongbao in front of it.
if docker compose version >/dev/null 2>&1; then
  compose="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then
  compose=docker-compose
else
  say "no docker compose here; compose check skipped"
  exit "$fail"
fi
if ! pullable "$redis_image"; then
  standin_image=tongbao-standin/redis:$(redis-server --version | sed 's/.*v=\([0-9.]*\).*/\1/')
  say "$redis_image cannot be pulled: using $standin_image, a stand-in made from this machine's redis-server"
  redis_image=$standin_image
  docker image inspect "$redis_image" >/dev/null 2>&1 ||
    standin "$redis_image" "$(command -v redis-server)" "$(command -v redis-cli)"
fi
export TONGBAO_REDIS_IMAGE=$redis_image TONGBAO_IMAGE=$image
export TONGBAO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$compose -p tongbaocheck up -d --no-build >/dev/null 2>&1
ready=0
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$TONGBAO_PORT/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 1
done
if [ "$ready" = 1 ]; then
  say "compose up: /readyz answers $(curl -fsS "http://127.0.0.1:$TONGBAO_PORT/readyz")"
  if out=$($compose -p tongbaocheck exec -T tongbao /tongbao check 2>&1) && echo "$out" | grep -q '✓ Redis persistence'; then
    say "tongbao check in compose: $(echo "$out" | grep 'Redis')"
  else
    say "FAIL: tongbao check in compose:"; echo "$out"; fail=1
  fi
else
  say "FAIL: compose up did not serve /readyz:"; $compose -p tongbaocheck logs 2>&1 | tail -30; fail=1
fi
exit "$fail"
