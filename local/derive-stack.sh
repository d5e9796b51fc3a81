#!/bin/bash
# derive-stack.sh STACK SUBNET [EXERCISE] — prints stacks/Pulumi.local-STACK.yaml: stacks/Pulumi.STACK.yaml with
# the node subnet SUBNET (a derived stack may not share a subnet with any stack file), our node image,
# the image map and registry mirror local/registry.sh wrote, and a folder per Helm chart the stack
# installs ($LOCAL_CACHE/charts/<chart>-<version>, see local/README.md). Those are the settings any user
# of a private registry or an air-gapped site writes (README "Private registries and air-gapped sites").
# With EXERCISE, the stack also sets `cnilab:exercise: EXERCISE` (it runs that exercise's starting state),
# and its image map is filtered to what that plan pins.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/versions.sh"
stack=$1 subnet=$2 exercise=${3:-}
src="$root/stacks/Pulumi.$stack.yaml"
map="$LOCAL_CACHE/registry/image-map.yaml"
[ -f "$src" ] || { echo "derive-stack: no stack file $src" >&2; exit 2; }
[ -f "$map" ] || { echo "derive-stack: no image map $map (local/registry.sh up writes it)" >&2; exit 1; }
[ -f "$LOCAL_CACHE/registry/registry-mirrors.yaml" ] || { echo "derive-stack: no registry mirror file (local/registry.sh up writes it)" >&2; exit 1; }
grep -q '^  cnilab:nodeSubnet: ' "$src" || { echo "derive-stack: $src sets no cnilab:nodeSubnet" >&2; exit 2; }
echo "# Written by local/e2e.sh from stacks/Pulumi.$stack.yaml for this machine's local registry; not tracked."
sed -e "s|^  cnilab:nodeSubnet: .*|  cnilab:nodeSubnet: $subnet|" -e '/^  cnilab:clusterName: /d' "$src"
[ -z "$exercise" ] || echo "  cnilab:exercise: $exercise"
echo "  cnilab:nodeImage: cnilab-local-node:$LOCAL_KEY"
# cnilab:imageMap takes only what this stack pins (any other key is an error naming it): keep the map's
# lines whose key the tracked stack's plan lists, but for its node image, which the line above replaces.
planned=$(cd "$root" && SRC="$src" EXERCISE="$exercise" npx tsx -e '
  import { loadSpec, readStackFile } from "./labs";
  import { planImages, planLab } from "./plan";
  const raw = readStackFile(process.env.SRC!);
  if (process.env.EXERCISE) raw.exercise = process.env.EXERCISE;
  loadSpec(raw, process.env.SRC!).then((s) => {
    const plan = planLab(s);
    for (const i of planImages(plan)) if (i !== s.stack.nodeImage) console.log(`image ${i}`);
    for (const h of plan.cni.charts) console.log(`chart ${h.chart} ${h.version}`);
  });
')
echo "  cnilab:imageMap:"
awk 'NR == FNR { want[$0] = 1; next } { k = $0; sub(/: .*/, "", k); gsub(/^["\047]|["\047]$/, "", k); if (k in want) print "    " $0 }' \
  <(echo "$planned" | sed -n 's/^image //p') "$map"
charts=$(echo "$planned" | sed -n 's/^chart //p')
if [ -n "$charts" ]; then
  echo "  cnilab:chartDirs:"
  while read -r chart version; do
    dir="$LOCAL_CACHE/charts/$chart-$version"
    [ -f "$dir/Chart.yaml" ] || { echo "derive-stack: no chart $chart $version in $dir (local/README.md says how to put it there)" >&2; exit 1; }
    echo "    $chart: $dir"
  done <<<"$charts"
fi
# The registry listens on the host's network at Docker's default bridge address, which a node on any
# Docker network reaches as an address of the host (local/registry.sh says why).
echo "  cnilab:registryMirrors:"
sed 's/^/    /' "$LOCAL_CACHE/registry/registry-mirrors.yaml"
