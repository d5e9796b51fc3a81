#!/usr/bin/env bash
# Makes a Docker engine answer on /var/run/docker.sock: installs Debian's docker.io if dockerd is
# missing, starts dockerd in the background if nothing answers, and waits (bounded) until
# `docker info` does. Idempotent: an engine that already answers is left alone. Needs root.
#
# Why not systemd: CI and development machines here run without an init system; dockerd runs as a
# plain background process, its log in $CNILAB_DOCKERD_LOG (default /tmp/cnilab-dockerd.log).
set -euo pipefail

WAIT_SECONDS="${CNILAB_DOCKERD_WAIT:-60}"
LOG="${CNILAB_DOCKERD_LOG:-/tmp/cnilab-dockerd.log}"

fail() { echo "start-dockerd: $*" >&2; exit 1; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

if command -v docker >/dev/null && answers; then
  echo "start-dockerd: the Docker engine already answers"
  exit 0
fi
[ "$(id -u)" = 0 ] || fail "not root: cannot install or start dockerd (run as root, or start Docker yourself)"

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet; one update, bounded like everything else.
  timeout 300 apt-get install -y -q docker.io >/dev/null 2>&1 ||
    { timeout 300 apt-get update -q >/dev/null && timeout 600 apt-get install -y -q docker.io >/dev/null; } ||
    fail "apt-get install docker.io failed"
fi

if ! pgrep -x dockerd >/dev/null; then
  # containerd comes with docker.io; dockerd starts its own when none runs.
  nohup dockerd >>"$LOG" 2>&1 &
  echo "start-dockerd: started dockerd (pid $!), log in $LOG"
fi

for _ in $(seq 1 "$WAIT_SECONDS"); do
  if answers; then
    echo "start-dockerd: the Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    exit 0
  fi
  sleep 1
done
tail -n 20 "$LOG" >&2 2>/dev/null || true
fail "dockerd did not answer within ${WAIT_SECONDS}s"
