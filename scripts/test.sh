#!/usr/bin/env bash
# The project's one test command (README "Tests"; .ci/run calls it).
# Works on a fresh Debian machine with Go: installs redis-server when it is
# missing (the tests start their own instances on private sockets/ports; they
# never use a system Redis) and chromium with a Chinese font (the admin
# console's browser tests drive it headless), then vets and runs every test
# with the race detector, then checks the container image where Docker runs
# (scripts/docker-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  missing+=(redis-server)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test: ${missing[*]} not found; installing with apt-get" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

go vet ./...
go test -race -count=1 -timeout 45m "$@" ./...

# The container image (size, user, health check) and compose.yaml, where a
# Docker engine runs; a full run only (it skips itself without Docker).
if [ "$#" -eq 0 ]; then
  ./scripts/docker-check.sh
fi
