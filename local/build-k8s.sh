#!/bin/bash
# Builds kubeadm, kubelet, kubectl and the control-plane binaries of k8s.io/kubernetes $K8S_VERSION
# into $LOCAL_CACHE/bin with the ordinary `go` client. k8s.io/kubernetes requires its staging modules
# (k8s.io/api, k8s.io/client-go, …) at v0.0.0 and replaces them with ./staging paths that only exist
# in its own repository, so a wrapper module replaces each with its published $K8S_STAGING_VERSION.
# Idempotent: a binary already in the cache is not rebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/go-env.sh"

bins=(kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy)
missing=()
for b in "${bins[@]}"; do [ -x "$LOCAL_CACHE/bin/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then echo "k8s: all binaries cached in $LOCAL_CACHE/bin"; exit 0; fi

mod="$LOCAL_CACHE/src/kubernetes-wrapper"
mkdir -p "$mod" "$LOCAL_CACHE/bin"
echo "k8s: wrapper module in $mod for k8s.io/kubernetes@$K8S_VERSION"
if [ ! -f "$mod/go.sum" ]; then
  k8s_dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$k8s_dir" ] || { echo "k8s: could not download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
  {
    echo "module cnilab.local/kubernetes-wrapper"
    echo
    sed -n 's/^go \(.*\)$/go \1/p' "$k8s_dir/go.mod"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    # Every staging module k8s.io/kubernetes requires at v0.0.0 → its published version.
    awk '$2 == "v0.0.0" && $1 ~ /^k8s\.io\// {print "replace " $1 " => " $1 " '"$K8S_STAGING_VERSION"'"}' "$k8s_dir/go.mod" | sort -u
  } >"$mod/go.mod"
  # A tools file so `go mod tidy` keeps every command's dependencies.
  {
    echo "//go:build tools"
    echo
    echo "package tools"
    echo
    echo "import ("
    for b in "${bins[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/$b\""; done
    echo ")"
  } >"$mod/tools.go"
  (cd "$mod" && go mod tidy)
fi

# What hack/lib/version.sh stamps into a release build, so `kubelet --version` and the node's
# reported version say $K8S_VERSION (kubeadm compares them with the control plane's).
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
ldf="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldf+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldf+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
pkgs=()
for b in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
echo "k8s: go build ${missing[*]} (log-free; a cold build takes tens of minutes on 2 cores)"
start=$(date +%s)
(cd "$mod" && CGO_ENABLED=0 nice -n 10 go build -tags providerless,dockerless -ldflags "$ldf" -o "$LOCAL_CACHE/bin/" "${pkgs[@]}")
echo "k8s: built ${missing[*]} in $(( $(date +%s) - start )) s"
