#!/bin/bash
# derive-stack.sh STACK SUBNET — prints stacks/Pulumi.local-STACK.yaml: stacks/Pulumi.STACK.yaml with
# the node subnet SUBNET (a derived stack may not share a subnet with any stack file), our node image,
# and the image map and registry mirror local/registry.sh wrote. Those are the settings any user of
# a private registry or an air-gapped site writes (README "Private registries and air-gapped sites").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/versions.sh"
stack=$1 subnet=$2
src="$root/stacks/Pulumi.$stack.yaml"
map="$LOCAL_CACHE/registry/image-map.yaml"
[ -f "$src" ] || { echo "derive-stack: no stack file $src" >&2; exit 2; }
[ -f "$map" ] || { echo "derive-stack: no image map $map (local/registry.sh up writes it)" >&2; exit 1; }
[ -f "$LOCAL_CACHE/registry/registry-mirrors.yaml" ] || { echo "derive-stack: no registry mirror file (local/registry.sh up writes it)" >&2; exit 1; }
grep -q '^  cnilab:nodeSubnet: ' "$src" || { echo "derive-stack: $src sets no cnilab:nodeSubnet" >&2; exit 2; }
echo "# Written by local/e2e.sh from stacks/Pulumi.$stack.yaml for this machine's local registry; not tracked."
sed -e "s|^  cnilab:nodeSubnet: .*|  cnilab:nodeSubnet: $subnet|" -e '/^  cnilab:clusterName: /d' "$src"
echo "  cnilab:nodeImage: cnilab-local-node:$LOCAL_KEY"
# Only the references this stack's plan pins: cnilab:imageMap refuses a key the stack does not run.
pinned=$(cd "$root" && timeout 300 npx tsx cli/main.ts plan "$stack" --images | grep -v '^#')
echo "  cnilab:imageMap:"
while read -r ref; do grep -F "\"$ref\": " "$map" || true; done <<<"$pinned" | sed 's/^/    /'

# The registry listens on the host's network at Docker's default bridge address, which a node on any
# Docker network reaches as an address of the host (local/registry.sh says why).
echo "  cnilab:registryMirrors:"
sed 's/^/    /' "$LOCAL_CACHE/registry/registry-mirrors.yaml"
