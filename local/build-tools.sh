#!/bin/bash
# Builds kind, etcd, CoreDNS, crictl, the CNI plugins and the storage provisioner kind's node image ships, from their Go
# modules at the versions in versions.sh, into $LOCAL_CACHE/bin. Idempotent (cached binaries are kept).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/go-env.sh"
. "$here/go-wrapper.sh"

go_wrapper_build kind sigs.k8s.io/kind "$KIND_VERSION" sigs.k8s.io/kind
# etcd's server module is the `etcd` command; etcdctl is left out (kubeadm does not need it).
WRAPPER_OUT=etcd go_wrapper_build etcd go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
go_wrapper_build coredns github.com/coredns/coredns "$COREDNS_VERSION" github.com/coredns/coredns
go_wrapper_build cri-tools sigs.k8s.io/cri-tools "$CRI_TOOLS_VERSION" sigs.k8s.io/cri-tools/cmd/crictl
# The four plugins kind's base image puts in /opt/cni/bin (images/base/Dockerfile at kind v0.30.0).
go_wrapper_build cni-plugins github.com/containernetworking/plugins "$CNI_PLUGINS_VERSION" \
  github.com/containernetworking/plugins/plugins/ipam/host-local \
  github.com/containernetworking/plugins/plugins/main/loopback \
  github.com/containernetworking/plugins/plugins/main/ptp \
  github.com/containernetworking/plugins/plugins/meta/portmap
# kind's storage provisioner (its node image ships it; node/default-storage.yaml runs it).
go_wrapper_build local-path-provisioner github.com/rancher/local-path-provisioner "$LOCAL_PATH_PROVISIONER_VERSION" github.com/rancher/local-path-provisioner
# The plugins the plans copy onto nodes (backends/types.ts CNI_PLUGINS but flannel's own), at the
# version of the image they copy them from, for its stand-in (build-workload-images.sh).
p=github.com/containernetworking/plugins/plugins
WRAPPER_BIN="$LOCAL_CACHE/cni-plugins-$CNI_PLUGINS_WORKLOAD_VERSION" go_wrapper_build cni-plugins-workload \
  github.com/containernetworking/plugins "$CNI_PLUGINS_WORKLOAD_VERSION" \
  $p/main/bridge $p/ipam/host-local $p/main/loopback $p/meta/portmap $p/main/ptp $p/main/macvlan \
  $p/main/ipvlan $p/ipam/static $p/meta/tuning
# Our kindnetd (see local/kindnetd/main.go); rebuilt every time, which the build cache makes cheap.
echo "kindnetd: go build local/kindnetd"
(cd "$here/kindnetd" && CGO_ENABLED=0 nice -n 10 go build -ldflags "-s -w" -o "$LOCAL_CACHE/bin/kindnetd" .)
# The flannel chart's two programs as stand-ins (local/README.md): our flanneld on flannel's library
# and flannel's own install-conf (local/flanneld, go.mod pins flannel $FLANNEL_VERSION), and our flannel
# CNI plugin (local/flannel-cni). Rebuilt every time, like kindnetd; the build cache makes it cheap.
flannel_out="$LOCAL_CACHE/flannel-$FLANNEL_VERSION"
mkdir -p "$flannel_out"
echo "flannel: go build local/flanneld, flannel's cmd/install_conf, local/flannel-cni into $flannel_out"
grep -q "^	github.com/flannel-io/flannel $FLANNEL_VERSION$" "$here/flanneld/go.mod" \
  || { echo "flannel: local/flanneld/go.mod does not require flannel $FLANNEL_VERSION (versions.sh)" >&2; exit 1; }
# flanneld alone needs cgo: flannel's udp backend is C (pkg/backend/udp/proxy_amd64.c). Linked
# statically (libc.a from libc6-dev; netgo and osusergo keep glibc's NSS out), so the stand-in image,
# whose only C libraries are those its iptables needs, runs it as it is.
command -v gcc >/dev/null && [ -f /usr/lib/x86_64-linux-gnu/libc.a ] \
  || { echo "flannel: installing gcc and libc6-dev (flanneld's udp backend)"; apt-get install -y -q gcc libc6-dev >/dev/null; }
(cd "$here/flanneld" && CGO_ENABLED=1 nice -n 10 go build -tags netgo,osusergo \
    -ldflags '-s -w -linkmode external -extldflags "-static"' -o "$flannel_out/flanneld" . \
  && CGO_ENABLED=0 nice -n 10 go build -ldflags "-s -w" -o "$flannel_out/install-conf" github.com/flannel-io/flannel/cmd/install_conf)
(cd "$here/flannel-cni" && CGO_ENABLED=0 nice -n 10 go build -ldflags "-s -w" -o "$flannel_out/flannel" .)
