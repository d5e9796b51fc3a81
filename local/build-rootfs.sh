#!/bin/bash
# Debootstraps a Debian bookworm minbase tree into $LOCAL_CACHE/NAME. With no argument: "rootfs",
# the tree our node image and our two iptables-using component images (kube-proxy, kindnetd) are
# made from (Debian's containerd 1.6 and runc run the pods). `build-rootfs.sh NAME PACKAGES` makes
# another tree (PACKAGES comma-separated; build-workload-images.sh's base). Idempotent: a finished
# tree (marked by .done) is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"

# What kind's base image installs (images/base/Dockerfile at kind v0.30.0: systemd, conntrack,
# iptables, nftables, iproute2, ethtool, util-linux, mount, kmod, bash, ca-certificates, procps),
# plus Debian's containerd and runc (kind builds its own) and catatonit for the pause image.
node_pkgs=systemd,systemd-sysv,dbus,iproute2,iptables,nftables,conntrack,ethtool,kmod,procps,util-linux,mount,bash,ca-certificates,containerd,runc,catatonit,busybox-static
name=${1:-rootfs} pkgs=${2:-$node_pkgs}
dir="$LOCAL_CACHE/$name"
if [ -f "$dir/.done" ]; then echo "$name: cached in $dir"; exit 0; fi
command -v debootstrap >/dev/null || { echo "$name: installing debootstrap"; apt-get install -y -q debootstrap >/dev/null; }
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
rm -rf "$dir"
echo "$name: debootstrap bookworm minbase from $mirror (a minute or two)"
start=$SECONDS log="$LOCAL_CACHE/debootstrap-$name.log"
timeout 900 debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" "$mirror" >"$log" 2>&1 \
  || { echo "$name: debootstrap failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
touch "$dir/.done"
echo "$name: done in $((SECONDS - start)) s"
