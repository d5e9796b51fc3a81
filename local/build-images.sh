#!/bin/bash
# Makes the component images (docker import) and the node image cnilab-local-node:$LOCAL_KEY from
# the cached binaries and rootfs. Component images are saved as archives into the node's
# /kind/images and imported into its containerd at boot (cnilab-preload-images.service), then
# tagged with the names kubeadm v1.34.0 and our CNI manifest ask for; on this host's Docker they
# exist only as cnilab-local-* names, removed again once saved. Idempotent: an existing node
# image is kept while its inputs label matches (our node files, this script, kindnetd's tag), unless
# --rebuild is given; the image it replaces is removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
. "$here/trees.sh"

node_image="cnilab-local-node:$LOCAL_KEY"
inputs_label=cnilab.local.inputs
inputs="$(find "$here/node" -type f | sort | xargs cat "$0" | sha256sum | cut -c1-12)-$KINDNETD_TAG"
old_id=$(docker image inspect -f '{{.Id}}' "$node_image" 2>/dev/null || true)
if [ "${1:-}" != --rebuild ] && [ -n "$old_id" ]; then
  have=$(docker image inspect -f "{{index .Config.Labels \"$inputs_label\"}}" "$node_image")
  [ "$have" != "$inputs" ] || { echo "images: $node_image exists (inputs $inputs)"; exit 0; }
  echo "images: $node_image was built from other inputs (${have:-unlabelled}, now $inputs): rebuilding"
fi
bin="$LOCAL_CACHE/bin" rootfs="$LOCAL_CACHE/rootfs" work="$LOCAL_CACHE/images"
for b in kubeadm kubelet kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy \
  etcd coredns crictl host-local loopback ptp portmap kindnetd local-path-provisioner; do
  [ -x "$bin/$b" ] || { echo "images: $bin/$b is missing: run local/build.sh" >&2; exit 1; }
done
[ -f "$rootfs/.done" ] || { echo "images: $rootfs is missing: run local/build.sh" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work/archives"
refs="$work/archives/refs"; : >"$refs"
PATH_ENV='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# component NAME KUBE_REF DIR [ENTRYPOINT_JSON]: import DIR as cnilab-local-NAME, save it for the
# node, remember which reference it stands for, and drop it from this host's Docker.
component() {
  local name=$1 ref=$2 dir=$3 entry=${4:-} local_ref="cnilab-local-$1:$LOCAL_KEY"
  local opts=(-c "$PATH_ENV")
  [ -z "$entry" ] || opts+=(-c "ENTRYPOINT $entry")
  tar -C "$dir" -c . | docker import "${opts[@]}" - "$local_ref" >/dev/null
  docker save "$local_ref" -o "$work/archives/$name.tar"
  docker rmi "$local_ref" >/dev/null
  echo "docker.io/library/$local_ref $ref" >>"$refs"
  echo "images: $ref ← $name ($(du -h "$work/archives/$name.tar" | cut -f1))"
}

# A folder with only the given static binaries under /usr/local/bin, and /tmp.
static_dir() {
  local dir="$work/$1"; shift
  mkdir -p "$dir/usr/local/bin" "$dir/tmp" "$dir/etc"
  for b in "$@"; do cp "$bin/$b" "$dir/usr/local/bin/"; done
  echo "$dir"
}

# The iptables tree (trees.sh) with the given binaries under /usr/local/bin, for kube-proxy and kindnetd.
netbase_dir() {
  local dir="$work/$1"; shift
  netbase_tree "$dir"
  mkdir -p "$dir/usr/local/bin"
  for b in "$@"; do cp "$bin/$b" "$dir/usr/local/bin/"; done
  echo "$dir"
}

echo "images: component images for Kubernetes $K8S_VERSION"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  component "$c" "registry.k8s.io/$c:$K8S_VERSION" "$(static_dir "$c" "$c")"
done
component etcd "registry.k8s.io/etcd:$ETCD_IMAGE_TAG" "$(static_dir etcd etcd)"
coredns_dir=$(static_dir coredns); mv "$coredns_dir/usr/local/bin" "$coredns_dir/bin"; cp "$bin/coredns" "$coredns_dir/coredns"
component coredns "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$coredns_dir" '["/coredns"]'
pause_dir=$(static_dir pause); cp "$rootfs/usr/bin/catatonit" "$pause_dir/catatonit"
# catatonit -P: "pause" mode, reaps nothing and waits for a signal (Debian's catatonit 0.1.7).
component pause "registry.k8s.io/pause:$PAUSE_TAG" "$pause_dir" '["/catatonit", "-P"]'
component kube-proxy "registry.k8s.io/kube-proxy:$K8S_VERSION" "$(netbase_dir kube-proxy kube-proxy)"
component kindnetd "cnilab.local/kindnetd:$KINDNETD_TAG" "$(netbase_dir kindnetd kindnetd)"

# Debian's static busybox (sh, nc, wget, httpd) for the gate's two test pods.
busybox_tree "$work/busybox"
component busybox "$BUSYBOX_IMAGE" "$work/busybox"

# kind's default StorageClass: the provisioner on PATH, the helper pod's sh, mkdir and rm from busybox.
component local-path-provisioner "$LOCAL_PATH_PROVISIONER_IMAGE" "$(static_dir local-path-provisioner local-path-provisioner)"
busybox_tree "$work/local-path-helper"
component local-path-helper "$LOCAL_PATH_HELPER_IMAGE" "$work/local-path-helper"

echo "images: node image $node_image from $rootfs"
node="$work/node"
mkdir -p "$node"; cp -a "$rootfs/." "$node/"
rm -f "$node/.done"
install -m 0755 "$here/node/entrypoint" "$node/usr/local/bin/entrypoint"
install -m 0755 "$bin/kubeadm" "$bin/kubelet" "$bin/kubectl" "$node/usr/bin/"
install -m 0755 "$bin/crictl" "$node/usr/local/bin/"
mkdir -p "$node/opt/cni/bin" "$node/etc/cni/net.d" "$node/etc/containerd/certs.d" "$node/etc/kubernetes/manifests" "$node/kind/manifests" "$node/kind/images"
install -m 0755 "$bin/host-local" "$bin/loopback" "$bin/ptp" "$bin/portmap" "$node/opt/cni/bin/"
install -m 0644 "$here/node/containerd.toml" "$node/etc/containerd/config.toml"
install -m 0644 "$here/node/crictl.yaml" "$node/etc/crictl.yaml"
install -m 0644 "$here/node/sysctl.conf" "$node/etc/sysctl.d/10-cnilab-node.conf"
install -m 0644 "$here"/node/systemd/* "$node/etc/systemd/system/"
install -D -m 0755 "$here/node/preload-images" "$node/kind/bin/cnilab-preload-images"
sed "s/KINDNETD_TAG/$KINDNETD_TAG/" "$here/node/default-cni.yaml" >"$node/kind/manifests/default-cni.yaml"
sed -e "s|LOCAL_PATH_PROVISIONER_IMAGE|$LOCAL_PATH_PROVISIONER_IMAGE|" -e "s|LOCAL_PATH_HELPER_IMAGE|$LOCAL_PATH_HELPER_IMAGE|" \
  "$here/node/default-storage.yaml" >"$node/kind/manifests/default-storage.yaml"
# kind reads the node's Kubernetes version from /kind/version.
echo "$K8S_VERSION" >"$node/kind/version"
mv "$work/archives/"* "$node/kind/images/"
chroot "$node" systemctl enable kubelet.service containerd.service cnilab-preload-images.service cnilab-undo-mount-hacks.service >/dev/null 2>&1
# kind's base image masks binfmt (no binfmt_misc for a node); nothing else in it needs a change.
chroot "$node" systemctl mask systemd-binfmt.service >/dev/null 2>&1
tar -C "$node" -c . | docker import -c "LABEL $inputs_label=$inputs" \
  -c 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' -c 'ENV container=docker' - "$node_image" >/dev/null
rm -rf "$work"
# The image this one replaces lost its tag; it was ours, so it goes (unless a container still uses it).
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect -f '{{.Id}}' "$node_image")" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 && echo "images: removed the replaced node image ${old_id#sha256:}" || true
fi
echo "images: $node_image ready"
