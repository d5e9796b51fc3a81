#!/bin/bash
# Debootstraps the Debian bookworm root filesystem our node image and our two iptables-using
# component images (kube-proxy, kindnetd) are made from, into $LOCAL_CACHE/rootfs. Idempotent: a
# finished rootfs (marked by .done) is kept. Debian's containerd (1.6) and runc run the pods.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"

dir="$LOCAL_CACHE/rootfs"
if [ -f "$dir/.done" ]; then echo "rootfs: cached in $dir"; exit 0; fi
command -v debootstrap >/dev/null || { echo "rootfs: installing debootstrap"; apt-get install -y -q debootstrap >/dev/null; }
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
# What kind's base image installs (images/base/Dockerfile at kind v0.30.0: systemd, conntrack,
# iptables, nftables, iproute2, ethtool, util-linux, mount, kmod, bash, ca-certificates, procps),
# plus Debian's containerd and runc (kind builds its own) and catatonit for the pause image.
pkgs=systemd,systemd-sysv,dbus,iproute2,iptables,nftables,conntrack,ethtool,kmod,procps,util-linux,mount,bash,ca-certificates,containerd,runc,catatonit,busybox-static
rm -rf "$dir"
echo "rootfs: debootstrap bookworm minbase from $mirror (about a minute)"
start=$SECONDS
timeout 900 debootstrap --variant=minbase --include="$pkgs" bookworm "$dir" "$mirror" >"$LOCAL_CACHE/debootstrap.log" 2>&1 \
  || { echo "rootfs: debootstrap failed, see $LOCAL_CACHE/debootstrap.log" >&2; tail -5 "$LOCAL_CACHE/debootstrap.log" >&2; exit 1; }
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
touch "$dir/.done"
echo "rootfs: done in $((SECONDS - start)) s"
