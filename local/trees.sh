# Image trees more than one build script makes (sourced).
# busybox_tree DIR: Debian's static busybox from the node rootfs as DIR/bin/busybox, every applet
# linked beside it, and /tmp.
busybox_tree() {
  local dir=$1 a
  mkdir -p "$dir/bin" "$dir/tmp"
  cp "$LOCAL_CACHE/rootfs/bin/busybox" "$dir/bin/"
  for a in $("$dir/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$dir/bin/$a"; done
}

# netbase_tree DIR: the iptables (nft backend, as this host's Docker uses) and conntrack of the node
# rootfs with their libraries and xtables extensions, /etc/protocols and /etc/services, /tmp and /run:
# what an image needs to program iptables as the node's own tools do (kube-proxy, kindnetd, flanneld).
netbase_tree() {
  local dir=$1 rootfs="$LOCAL_CACHE/rootfs" lib t
  mkdir -p "$dir/usr/sbin" "$dir/tmp" "$dir/run" "$dir/etc"
  cp "$rootfs/usr/sbin/xtables-nft-multi" "$rootfs/usr/sbin/conntrack" "$dir/usr/sbin/"
  for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    ln -sf xtables-nft-multi "$dir/usr/sbin/$t"
  done
  for lib in $(chroot "$rootfs" sh -c 'ldd /usr/sbin/xtables-nft-multi /usr/sbin/conntrack /usr/lib/x86_64-linux-gnu/xtables/*.so' \
      | grep -o '/[^ ]*' | grep -v ':$' | sort -u); do
    [ -e "$dir$lib" ] || { mkdir -p "$dir$(dirname "$lib")"; cp -L "$rootfs$lib" "$dir$lib"; }
  done
  mkdir -p "$dir/usr/lib/x86_64-linux-gnu"
  cp -a "$rootfs/usr/lib/x86_64-linux-gnu/xtables" "$dir/usr/lib/x86_64-linux-gnu/"
  cp "$rootfs/etc/protocols" "$rootfs/etc/services" "$dir/etc/" 2>/dev/null || true
}
