#!/usr/bin/env bash
# The project's one test command (README "Tests"; .ci/run calls it).
# Works on a fresh Debian machine with Go: installs redis-server when it is
# missing (the tests start their own instances on private sockets/ports; they
# never use a system Redis), then vets and runs every test with the race
# detector, then checks the container image where Docker runs
# (scripts/docker-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

need_redis=0
command -v redis-server >/dev/null 2>&1 || need_redis=1
command -v redis-cli >/dev/null 2>&1 || need_redis=1
if [ "$need_redis" = 1 ]; then
  echo "test: redis-server not found; installing it with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null
fi

go vet ./...
go test -race -count=1 -timeout 45m "$@" ./...

# The container image (size, user, health check) and compose.yaml, where a
# Docker engine runs; a full run only (it skips itself without Docker).
if [ "$#" -eq 0 ]; then
  ./scripts/docker-check.sh
fi
