#!/bin/bash
# Proves the local Pulumi toolchain (build-pulumi.sh) against the running cnilab-local cluster:
# pulumi/smoke.cjs, an inline Automation API program, creates a dynamic resource and a ConfigMap,
# checks them with kubectl, destroys them and removes its stack (file backend and workspace in
# $LOCAL_CACHE/pulumi-smoke). Prints each phase's seconds. Bounded: 10 minutes.
# Needs: local/build-pulumi.sh done, local/cluster.sh up done, Node >= 22 first on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/pulumi-env.sh"
missing=()
for f in pulumi pulumi-resource-kubernetes pulumi-resource-pulumi-nodejs kubectl; do
  [ -x "$LOCAL_CACHE/bin/$f" ] || missing+=("$LOCAL_CACHE/bin/$f")
done
[ ${#missing[@]} -eq 0 ] || { echo "pulumi-smoke: missing ${missing[*]}: run local/build.sh --no-up" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo none)
[ "$node_major" != none ] && [ "$node_major" -ge 22 ] ||
  { echo "pulumi-smoke: Node >= 22 must be first on PATH (found: $node_major), e.g. PATH=/opt/node24/bin:\$PATH" >&2; exit 1; }
kubectl --kubeconfig "$LOCAL_CACHE/kubeconfig" --request-timeout=10s get --raw /readyz >/dev/null 2>&1 ||
  { echo "pulumi-smoke: the cnilab-local API server does not answer ($LOCAL_CACHE/kubeconfig): run local/cluster.sh up" >&2; exit 1; }
echo "pulumi-smoke: $(pulumi version), kubernetes provider ${PULUMI_KUBERNETES_VERSION#v}, node $(node --version), PULUMI_HOME=$PULUMI_HOME"
timeout 600 node "$here/pulumi/smoke.cjs" "$LOCAL_CACHE" "$(dirname "$here")" "${PULUMI_KUBERNETES_VERSION#v}"
