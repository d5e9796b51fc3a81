# Image trees more than one build script makes (sourced).
# busybox_tree DIR: Debian's static busybox from the node rootfs as DIR/bin/busybox, every applet
# linked beside it, and /tmp.
busybox_tree() {
  local dir=$1 a
  mkdir -p "$dir/bin" "$dir/tmp"
  cp "$LOCAL_CACHE/rootfs/bin/busybox" "$dir/bin/"
  for a in $("$dir/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$dir/bin/$a"; done
}
