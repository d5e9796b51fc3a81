#!/bin/bash
# Builds kubeadm, kubelet, kubectl and the control-plane binaries of k8s.io/kubernetes $K8S_VERSION
# into $LOCAL_CACHE/bin. k8s.io/kubernetes requires its staging modules (k8s.io/api, client-go, …)
# at v0.0.0 and replaces them with ./staging paths that exist only in its own repository, so the
# wrapper module replaces each with its published $K8S_STAGING_VERSION, the usual way to build
# against k8s.io/kubernetes; and agnhost (below). Idempotent (cached binaries are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/go-env.sh"
. "$here/go-wrapper.sh"

k8s_dir=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -n "$k8s_dir" ] || { echo "k8s: could not download k8s.io/kubernetes@$K8S_VERSION" >&2; exit 1; }
WRAPPER_REPLACES=$(awk -v v="$K8S_STAGING_VERSION" '$2 == "v0.0.0" && $1 ~ /^k8s\.io\// {print "replace " $1 " => " $1 " " v}' "$k8s_dir/go.mod" | sort -u)
# What hack/lib/version.sh stamps into a release build, so `kubelet --version` and the version a
# node reports say $K8S_VERSION (kubeadm compares them with the control plane's).
minor=$(echo "$K8S_VERSION" | cut -d. -f2)
WRAPPER_LDFLAGS=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  WRAPPER_LDFLAGS+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  WRAPPER_LDFLAGS+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
# Kubernetes' own release builds leave out the in-tree cloud providers the same way.
WRAPPER_TAGS=providerless,dockerless
export WRAPPER_REPLACES WRAPPER_LDFLAGS WRAPPER_TAGS
cmds=()
for b in kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
  cmds+=("k8s.io/kubernetes/cmd/$b")
done
# A cold build takes tens of minutes on 2 shared cores.
go_wrapper_build kubernetes-wrapper k8s.io/kubernetes "$K8S_VERSION" "${cmds[@]}"
# agnhost, Kubernetes' e2e test server, for the workload images (build-workload-images.sh): the
# same module at the same version (test/images/agnhost/VERSION says 2.56 at v1.34.0), in a wrapper
# of its own so the control-plane wrapper's go.sum stays as it is.
go_wrapper_build agnhost-wrapper k8s.io/kubernetes "$K8S_VERSION" k8s.io/kubernetes/test/images/agnhost
