#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine (as root) for the full test suite: the kernel tools the probe and
# datapath tests drive, a Docker engine for the Docker-lab and kind-config tests, a real kind binary.
# Idempotent. Tests whose tools are missing skip with the reason printed, so `npm test` also runs
# (with skips) on a machine where this script was not run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (it installs Debian packages and starts dockerd)" >&2
  exit 2
fi

# gcc, libc6-dev: the flannel-udp datapath lab builds its forwarder (datapath/udp-forwarder.c).
packages=(iproute2 iptables nftables iperf3 sockperf util-linux procps busybox-static chromium docker-registry gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f "$here/start-dockerd.sh" ]; then bash "$here/start-dockerd.sh"; fi
if [ -f "$here/install-kind.sh" ]; then bash "$here/install-kind.sh" >/dev/null; fi
echo "setup: done"
