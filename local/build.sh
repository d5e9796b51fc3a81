#!/bin/bash
# One command for the local kind cluster: builds (or reuses) everything under
# $CNILAB_LOCAL_CACHE (default /var/cache/cnilab-local), keyed by the versions in versions.sh,
# fills the local registry with the workload stand-ins, then brings the gate cluster up and checks it.
#   local/build.sh            build what is missing, create the cluster, run the gate check
#   local/build.sh --clean    first remove this version's cache folder, the registry container and
#                             the cnilab-local-* and cnilab-local/* images
#   local/build.sh --no-up    build only
# Every step prints what it does and how long it took; the whole run is bounded (timeout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
clean=false up=true
for a in "$@"; do
  case $a in
    --clean) clean=true ;;
    --no-up) up=false ;;
    *) echo "usage: local/build.sh [--clean] [--no-up]" >&2; exit 2 ;;
  esac
done
command -v docker >/dev/null || { echo "build: docker is required (and dockerd running)" >&2; exit 1; }
[ -x /usr/local/go/bin/go ] || { echo "build: Go (1.24+) is required at /usr/local/go/bin/go" >&2; exit 1; }

phase() { local name=$1 start=$SECONDS; shift; echo "== $name"; "$@"; echo "== $name: $((SECONDS - start)) s"; }
if $clean; then
  "$here/cluster.sh" down
  "$here/registry.sh" down
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^cnilab-local[-/]' | xargs -r docker rmi >/dev/null
  echo "build: removing $LOCAL_CACHE (the shared Go module and build caches are kept)"
  rm -rf "$LOCAL_CACHE"
fi
mkdir -p "$LOCAL_CACHE"
phase rootfs timeout 1200 "$here/build-rootfs.sh"
phase tools timeout 3600 "$here/build-tools.sh"
phase kubernetes timeout 7200 "$here/build-k8s.sh"
phase images timeout 1200 "$here/build-images.sh"
phase workload-images timeout 1800 "$here/build-workload-images.sh"
phase registry timeout 1200 "$here/registry.sh" up
phase pulumi timeout 7200 "$here/build-pulumi.sh"
if $up; then
  phase cluster "$here/cluster.sh" up
  phase gate "$here/cluster.sh" check
fi
