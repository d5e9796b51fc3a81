#!/bin/bash
# Builds the Pulumi toolchain of the local suite from Go modules into $LOCAL_CACHE/bin, beside kind
# and kubectl (versions in versions.sh):
#   pulumi                         the CLI, at the version `cnilab setup` pins
#   pulumi-resource-kubernetes     the kubernetes provider, at the only commit the proxy serves
#   pulumi-resource-pulumi-nodejs  our launcher for dynamic providers (pulumi/pulumi-resource-pulumi-nodejs)
# and creates an empty PULUMI_HOME ($LOCAL_CACHE/pulumi-home), so a run never touches ~/.pulumi.
# No language host is built: cnilab runs its program inline (the CLI connects to the cnilab
# process), and pulumi-language-nodejs is not served by the proxy at any version.
# Idempotent: a binary at the wanted version is kept. Ends by printing the versions they report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
# PULUMI_HOME too, so that even `pulumi version` leaves ~/.pulumi alone.
. "$here/pulumi-env.sh"
. "$here/go-env.sh"
. "$here/go-wrapper.sh"
bin="$LOCAL_CACHE/bin"

# The CLI: pkg/v3's go.mod replaces atotto/clipboard with tgummerer/clipboard (pulumi/pulumi
# pkg/go.mod at v3.259.0), which `go install` would refuse, so the wrapper carries that replace.
# The version is stamped where `pulumi version` reads it (sdk/go/common/version.Version).
cli() {
  if [ -x "$bin/pulumi" ] && [ "$("$bin/pulumi" version)" != "$PULUMI_VERSION" ]; then
    echo "pulumi-cli: $bin/pulumi is not $PULUMI_VERSION; rebuilding"
    rm -rf "$bin/pulumi" "$LOCAL_CACHE/src/pulumi-cli"
  fi
  WRAPPER_REPLACES="replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e" \
    WRAPPER_LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    go_wrapper_build pulumi-cli github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

# The kubernetes provider, through a wrapper module of ours (pulumi/kubernetes-provider.go says why
# its own command cannot be built from the module). It is stamped with its own module version,
# never with the 4.34.2 the SDK asks for.
kubernetes_provider() {
  local module=github.com/pulumi/pulumi-kubernetes/provider/v4 mod="$LOCAL_CACHE/src/pulumi-kubernetes"
  local require="require $module $PULUMI_KUBERNETES_VERSION"
  if [ -x "$bin/pulumi-resource-kubernetes" ] && grep -qxF "$require" "$mod/go.mod" 2>/dev/null \
    && cmp -s "$here/pulumi/kubernetes-provider.go" "$mod/main.go"; then
    echo "pulumi-kubernetes: cached ($PULUMI_KUBERNETES_VERSION)"
    return 0
  fi
  command -v jq >/dev/null || { echo "pulumi-kubernetes: installing jq (Debian)"; apt-get install -y -q jq >/dev/null; }
  echo "pulumi-kubernetes: wrapper module for $module@$PULUMI_KUBERNETES_VERSION in $mod"
  rm -rf "$mod"
  mkdir -p "$mod"
  # go 1.24.7: the provider's own go.mod line.
  printf '%s\n' "module cnilab.local/pulumi-kubernetes" "" "go 1.24.7" "" "$require" "" \
    "replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 $PULUMI_KUBERNETES_SDK_VERSION" \
    >"$mod/go.mod"
  cp "$here/pulumi/kubernetes-provider.go" "$mod/main.go"
  local dir
  dir=$(cd "$mod" && go mod download -json "$module@$PULUMI_KUBERNETES_VERSION" | jq -r .Dir)
  # What the provider's `go generate` does (cmd/pulumi-resource-kubernetes/generate.go): the schema
  # with "version" set, and the terraform mapping, both re-encoded compactly.
  jq -c --arg v "${PULUMI_KUBERNETES_VERSION#v}" '.version = $v' "$dir/cmd/pulumi-resource-kubernetes/schema.json" >"$mod/schema-embed.json"
  jq -c . "$dir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" >"$mod/terraform-mapping-embed.json"
  (cd "$mod" && go mod tidy)
  echo "pulumi-kubernetes: go build (stamped ${PULUMI_KUBERNETES_VERSION#v})"
  local start=$SECONDS
  (cd "$mod" && CGO_ENABLED=0 nice -n 10 go build \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${PULUMI_KUBERNETES_VERSION#v}" \
    -o "$bin/pulumi-resource-kubernetes" .)
  echo "pulumi-kubernetes: built in $((SECONDS - start)) s"
}

mkdir -p "$bin" "$PULUMI_HOME"
cli
kubernetes_provider
# Beside `pulumi`, where the engine looks for this bundled plugin first (see the launcher's header).
install -m 0755 "$here/pulumi/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"
echo "pulumi: $bin/pulumi $("$bin/pulumi" version); PULUMI_HOME $PULUMI_HOME"
# Run as a plugin by the built CLI, the provider serves its schema, whose version is the stamp.
stamped=$(timeout 120 "$bin/pulumi" package get-schema "$bin/pulumi-resource-kubernetes" | jq -r .version)
echo "pulumi-kubernetes: $bin/pulumi-resource-kubernetes serves schema version $stamped"
[ "$stamped" = "${PULUMI_KUBERNETES_VERSION#v}" ] || { echo "pulumi-kubernetes: expected ${PULUMI_KUBERNETES_VERSION#v}" >&2; exit 1; }
