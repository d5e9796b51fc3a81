#!/bin/bash
# `npm run e2e:local -- [--keep] [stack…]`: `cnilab e2e` on this machine's own kind clusters.
#   1. builds (or reuses) everything local/build.sh makes, the local registry with the stand-in
#      images pushed included (local/registry.sh), without starting its gate cluster;
#   2. writes, for each stack, stacks/Pulumi.local-<stack>.yaml (git ignores them): the tracked file
#      with its own node subnet, our node image, and the image map and registry mirror that point
#      every pinned image at the local registry — the settings a user of a private registry writes;
#   3. runs `cnilab e2e local-<stack>…` with the local toolchain first on PATH, and appends each
#      stack × phase (seconds) to $LOCAL_CACHE/e2e/results.tsv with the date and commit.
# Stacks this kernel or these builds cannot run are skipped with the reason. Not run in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/versions.sh"

DEFAULT_STACKS=(kindnet flannel-vxlan flannel-host-gw flannel-udp macvlan)
keep=()
stacks=()
for a in "$@"; do
  case $a in
    --keep) keep=(--keep) ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "e2e-local: unknown option '$a' (allowed: --keep, --help)" >&2; exit 2 ;;
    *) stacks+=("$a") ;;
  esac
done
[ ${#stacks[@]} -gt 0 ] || stacks=("${DEFAULT_STACKS[@]}")

# Why a stack cannot run here; empty when it can.
unsupported() {
  case $1 in
    calico-*) echo "calico's BIRD is C, not buildable from Go modules, and no registry serves calico's images here" ;;
    # The chart is installed from a folder (cnilab:chartDirs): no chart repository is reachable here.
    # flannel-udp: flanneld's udp backend opens the node's /dev/net/tun (the docker shim passes the
    # host's) and exists on amd64 only (flannel v0.28.9 pkg/backend/udp/udp.go).
    flannel-*) if [ ! -f "$LOCAL_CACHE/charts/flannel-$FLANNEL_VERSION/Chart.yaml" ]; then
        echo "no flannel chart in $LOCAL_CACHE/charts/flannel-$FLANNEL_VERSION (local/README.md says how to put it there)"
      elif [ "$1" = flannel-udp ] && { [ ! -c /dev/net/tun ] || [ "$(uname -m)" != x86_64 ]; }; then
        echo "flanneld's udp backend needs /dev/net/tun on the host (the tun module) and an amd64 machine"
      fi ;;
    # canal runs no BIRD (CALICO_NETWORKING_BACKEND none), but its Felix is calico-node, built with cgo against libbpf.
    canal*) echo "canal runs calico's node image (Felix: cgo against libbpf, BPF programs built by clang), which nothing here builds" ;;
    ipvlan-*) echo "this kernel has no ipvlan module (cnilab doctor --backend ipvlan-l2 says so)" ;;
    docker-*) echo "Docker-only labs need the pulumi-docker provider plugin, which the Go module proxy does not serve" ;;
    *) [ -f "$root/stacks/Pulumi.$1.yaml" ] || echo "no stack file stacks/Pulumi.$1.yaml" ;;
  esac
}

run=()
skipped=()
for s in "${stacks[@]}"; do
  why=$(unsupported "$s")
  if [ -n "$why" ]; then skipped+=("$s: $why"); echo "e2e-local: skipping $s — $why"; else run+=("$s"); fi
done
[ ${#run[@]} -gt 0 ] || { echo "e2e-local: no stack left to run" >&2; exit 1; }

phase() { local name=$1 start=$SECONDS; shift; echo "== $name"; "$@"; echo "== $name: $((SECONDS - start)) s"; build_seconds+=("$name	$((SECONDS - start))"); }
build_seconds=()
# build.sh also starts the registry and pushes the stand-ins (its registry step).
phase build timeout 10800 "$here/build.sh" --no-up

. "$here/pulumi-env.sh"
. "$here/shim-env.sh"
out="$LOCAL_CACHE/e2e/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
names=()
# Subnets no tracked stack uses (they take 172.16.1-99.0/24): 172.16.(200 + the stack's place among
# the tracked stack files).0/24, so a stack's subnet is its own even while another run of this script
# has a different stack up (Docker refuses a second network on the same range).
tracked=$(cd "$root/stacks" && ls Pulumi.*.yaml | grep -v '^Pulumi\.local-' | sed 's/^Pulumi\.\(.*\)\.yaml$/\1/' | LC_ALL=C sort)
for s in "${run[@]}"; do
  subnet="172.16.$((200 + $(grep -nxF "$s" <<<"$tracked" | cut -d: -f1))).0/24"
  "$here/derive-stack.sh" "$s" "$subnet" >"$root/stacks/Pulumi.local-$s.yaml"
  echo "e2e-local: stacks/Pulumi.local-$s.yaml (from stacks/Pulumi.$s.yaml, node subnet $subnet)"
  names+=("local-$s")
done

status=0
(cd "$root" && timeout 7200 npx tsx cli/main.ts e2e "${names[@]}" "${keep[@]}" --out "$out") || status=$?
# The derived stack files live only for the run (npm test reads every file in stacks/); with --keep
# the labs stay up and need them for `cnilab down local-<stack>`.
if [ ${#keep[@]} -eq 0 ]; then
  for n in "${names[@]}"; do rm -f "$root/stacks/Pulumi.$n.yaml"; done
else
  echo "e2e-local: --keep: stacks/Pulumi.local-*.yaml stay for 'npm run -s lab -- down local-<stack>'; remove them after (npm test reads stacks/)"
fi

# One line per stack × phase, appended: when, which commit, what, how long.
commit=$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- . ':!stacks/Pulumi.local-*' || echo "+dirty")
when=$(date -u +%Y-%m-%dT%H:%MZ)
results="$LOCAL_CACHE/e2e/results.tsv"
[ -f "$results" ] || printf 'date\tcommit\tstack\tphase\tstatus\tseconds\tnote\n' >"$results"
for b in "${build_seconds[@]}"; do printf '%s\t%s\t(local)\t%s\tpass\t%s\t\n' "$when" "$commit" "${b%%	*}" "${b##*	}" >>"$results"; done
for s in "${skipped[@]}"; do printf '%s\t%s\t%s\t-\tskipped\t\t%s\n' "$when" "$commit" "${s%%:*}" "${s#*: }" >>"$results"; done
if [ -f "$out/summary.json" ]; then
  node -e '
    const s = require(process.argv[1]);
    for (const st of s.stacks) for (const p of st.phases)
      console.log([process.argv[2], process.argv[3], st.stack, p.phase, p.status, p.seconds === undefined ? "" : p.seconds.toFixed(1), (p.note ?? "").replace(/\s+/g, " ")].join("\t"));
  ' "$out/summary.json" "$when" "$commit" >>"$results"
fi
echo "e2e-local: results appended to $results; this run's folder: $out"
exit $status
