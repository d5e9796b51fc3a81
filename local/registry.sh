#!/bin/bash
# The local registry for the stand-in images (local/build-workload-images.sh):
#   up     run cnilab-local-registry (Debian's docker-registry, image cnilab-local/registry) on the
#          host's network, listening on Docker's default bridge address only, storage in the cache;
#          then push
#   push   copy every stand-in into it (what it has already is kept) and write, into $LOCAL_CACHE/registry:
#            image-map.yaml         pinned reference → $LOCAL_REGISTRY/cnilab-local/<name>:<recipe hash>@<digest>
#                                   (the stack setting cnilab:imageMap; local/derive-stack.sh; the tag
#                                   because a chart composes `repository:tag`, the digest pins it)
#            registry-mirrors.yaml  $LOCAL_REGISTRY → http://<bridge address>:<port>
#                                   (the stack setting cnilab:registryMirrors)
#            certs.d/$LOCAL_REGISTRY/hosts.toml   the same for containerd, for local/cluster.sh
#   down   remove the container (the stored images stay in the cache)
# Why the bridge address: a kind node on any lab network reaches it as an address of the host
# itself (INPUT, not FORWARD), so Docker's isolation between bridges does not apply, and nothing
# listens on the host's outside interfaces. Nodes never resolve the name in $LOCAL_REGISTRY: containerd's
# hosts.toml sends pulls for it to that address over plain HTTP.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
container=cnilab-local-registry out="$LOCAL_CACHE/registry"
store="$out/storage"
host_addr=$(docker network inspect bridge -f '{{(index .IPAM.Config 0).Gateway}}')
endpoint="$host_addr:$LOCAL_REGISTRY_PORT" name=$LOCAL_REGISTRY

up() {
  local image; image=$(cat "$LOCAL_CACHE/registry-image" 2>/dev/null) || { echo "registry: no image: run local/build-workload-images.sh" >&2; exit 1; }
  if [ "$(docker inspect -f '{{.State.Running}} {{.Config.Image}}' "$container" 2>/dev/null)" = "true $image" ]; then
    echo "registry: $container is running ($image, http://$endpoint)"
  else
    down
    echo "registry: starting $container ($image) on http://$endpoint, storage $store"
    mkdir -p "$store"
    docker run -d --name "$container" --network host \
      -e "REGISTRY_HTTP_ADDR=$endpoint" -v "$store:/var/lib/registry" "$image" >/dev/null
  fi
  local i
  for i in $(seq 30); do
    curl -sf -o /dev/null "http://$endpoint/v2/" && { echo "registry: answering on http://$endpoint/v2/"; return 0; }
    sleep 1
  done
  echo "registry: no answer on http://$endpoint/v2/ within 30 s; docker logs $container:" >&2
  docker logs --tail 20 "$container" >&2; exit 1
}

push() {
  # Files of this process, moved into place whole: two runs at once must not interleave their lines.
  local list="$LOCAL_CACHE/stand-ins" map="$out/image-map.yaml" new="$out/image-map.yaml.new.$$" ref image repo digest start=$SECONDS
  [ -f "$list" ] || { echo "registry: $list is missing: run local/build-workload-images.sh" >&2; exit 1; }
  command -v skopeo >/dev/null || { echo "registry: installing skopeo"; apt-get install -y -q skopeo >/dev/null; }
  {
    echo "# cnilab:imageMap for the local suite, written by local/registry.sh: each pinned reference"
    echo "# (pins/images.ts, or a pinned chart's image) → its stand-in (local/workloads/stand-ins) in $container."
  } >"$new"
  while read -r ref image; do
    repo=${image%%:*}
    # A tag is a recipe hash (build-workload-images.sh): one the registry has is this very image;
    # a tag it lacks answers 404, which leaves digest empty.
    digest=$(curl -sfI -H "Accept: application/vnd.docker.distribution.manifest.v2+json" \
      "http://$endpoint/v2/$repo/manifests/${image#*:}" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p' || true)
    if [ -z "$digest" ]; then
      # skopeo, not docker push: Docker talks plain HTTP only to loopback registries unless its
      # daemon is reconfigured, and this registry listens on the bridge address.
      skopeo copy -q --dest-tls-verify=false --digestfile "$out/digest.$$" \
        "docker-daemon:$image" "docker://$endpoint/$image" </dev/null
      digest=$(cat "$out/digest.$$")
      echo "registry: pushed $image → $name/$image@$digest"
    else
      echo "registry: $image is in the registry as $name/$image@$digest"
    fi
    printf '"%s": "%s"\n' "$ref" "$name/$image@$digest" >>"$new"
  done <"$list"
  rm -f "$out/digest.$$"
  mv "$new" "$map"
  printf '# cnilab:registryMirrors for the local suite (local/registry.sh)\n"%s": "http://%s"\n' "$name" "$endpoint" \
    >"$out/registry-mirrors.yaml"
  mkdir -p "$out/certs.d/$name"
  printf '# %s is %s on this host (local/registry.sh), plain HTTP.\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' \
    "$name" "$container" "$endpoint" >"$out/certs.d/$name/hosts.toml"
  echo "registry: $(grep -c '^"' "$map") images in $((SECONDS - start)) s; wrote $map, $out/registry-mirrors.yaml"
}

down() {
  if docker inspect "$container" >/dev/null 2>&1; then echo "registry: removing $container"; docker rm -f "$container" >/dev/null; fi
}

case "${1:-}" in
  up) up; push ;;
  push) push ;;
  down) down ;;
  *) echo "usage: local/registry.sh up|push|down" >&2; exit 2 ;;
esac
