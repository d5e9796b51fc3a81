#!/bin/bash
# up | check | down for the local gate cluster "cnilab-local" (nodes cnilab-local-control-plane,
# cnilab-local-worker, cnilab-local-worker2 on the Docker network cnilab-local-net), from the
# images local/build.sh made. Only cnilab-local-* containers and networks are ever removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/versions.sh"
CLUSTER=cnilab-local
export KIND_EXPERIMENTAL_DOCKER_NETWORK=cnilab-local-net
export KUBECONFIG="$LOCAL_CACHE/kubeconfig"
export PATH="$LOCAL_CACHE/bin:$PATH"
. "$here/shim-env.sh"
kubectl() { command kubectl --request-timeout=20s "$@"; }

up() {
  down
  echo "cluster: kind create cluster $CLUSTER (1 control plane, 2 workers) from cnilab-local-node:$LOCAL_KEY"
  local start=$SECONDS
  timeout 900 kind create cluster --name "$CLUSTER" --image "cnilab-local-node:$LOCAL_KEY" \
    --config "$here/kind-config.yaml" --kubeconfig "$KUBECONFIG" --retain
  echo "cluster: created in $((SECONDS - start)) s"
  registry_hosts
}

# The local registry's containerd host files (local/registry.sh) copied into every node, as
# kind's local-registry guide does; containerd reads them at each pull (config_path, node/containerd.toml).
registry_hosts() {
  local certs="$LOCAL_CACHE/registry/certs.d" node host
  [ -d "$certs" ] || { echo "cluster: no $certs (local/registry.sh up): images come from the preload only"; return 0; }
  for node in $(kind get nodes --name "$CLUSTER"); do
    for host in $(ls "$certs"); do
      docker exec -i "$node" sh -c "mkdir -p '/etc/containerd/certs.d/$host' && cat >'/etc/containerd/certs.d/$host/hosts.toml'" \
        <"$certs/$host/hosts.toml"
    done
  done
  echo "cluster: registry hosts $(ls "$certs" | tr '\n' ' ')on every node"
}

# The gate: every node Ready, CoreDNS Ready, and a pod on one worker fetching from a pod on the other.
# Only loopback (the API server's published port) and the cluster's own addresses are contacted.
check() {
  local start=$SECONDS
  echo "check: nodes Ready"
  kubectl wait --for=condition=Ready node --all --timeout=300s
  echo "check: CoreDNS Ready"
  kubectl -n kube-system wait --for=condition=Ready pod -l k8s-app=kube-dns --timeout=300s
  echo "check: a server pod on $CLUSTER-worker2, a client on $CLUSTER-worker"
  kubectl delete pod gate-server gate-client --ignore-not-found --wait=true >/dev/null
  kubectl delete service gate-server --ignore-not-found >/dev/null
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: {name: gate-server, labels: {app: gate-server}}
spec:
  nodeSelector: {kubernetes.io/hostname: $CLUSTER-worker2}
  containers:
    - name: httpd
      image: $BUSYBOX_IMAGE
      command: [sh, -c, 'mkdir -p /www && hostname >/www/index.html && exec httpd -f -p 8080 -h /www']
---
apiVersion: v1
kind: Pod
metadata: {name: gate-client}
spec:
  nodeSelector: {kubernetes.io/hostname: $CLUSTER-worker}
  containers:
    - name: client
      image: $BUSYBOX_IMAGE
      command: [sleep, "3600"]
YAML
  kubectl wait --for=condition=Ready pod/gate-server pod/gate-client --timeout=180s
  local ip answer
  ip=$(kubectl get pod gate-server -o jsonpath='{.status.podIP}')
  echo "check: gate-client ($(kubectl get pod gate-client -o jsonpath='{.spec.nodeName} {.status.podIP}')) → http://$ip:8080/"
  # busybox nc, not wget: Debian's static busybox wget crashes (SIGSEGV) in these pods.
  answer=$(kubectl exec gate-client -- sh -c "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $ip 8080" | tail -n 1)
  [ "$answer" = gate-server ] || { echo "check: FAILED: expected 'gate-server', got '$answer'" >&2; exit 1; }
  # Beyond the gate, the two paths every lab needs: a Service through kube-proxy, a name through CoreDNS.
  kubectl delete service gate-server --ignore-not-found >/dev/null
  kubectl expose pod gate-server --port 80 --target-port 8080 >/dev/null
  answer=$(kubectl exec gate-client -- sh -c "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 gate-server.default.svc.cluster.local 80" | tail -n 1)
  [ "$answer" = gate-server ] || { echo "check: FAILED: service gate-server by name answered '$answer'" >&2; exit 1; }
  echo "check: service gate-server reached by its DNS name through kube-proxy"
  registry_check
  echo "check: PASSED in $((SECONDS - start)) s (answer '$answer' from $ip)"
}

# A pod whose image is the pinned agnhost's mapped reference (registry/image-map.yaml): pulled from the local
# registry (it is not preloaded), run, and reached from gate-client.
registry_check() {
  local map="$LOCAL_CACHE/registry/image-map.yaml" image ip answer
  [ -f "$map" ] || { echo "check: no $map (local/registry.sh up): registry pull not checked"; return 0; }
  image=$(mapped agnhost)
  [ -n "$image" ] || { echo "check: FAILED: $map maps no agnhost reference" >&2; exit 1; }
  echo "check: gate-registry on $CLUSTER-worker2 from $image"
  kubectl delete pod gate-registry --ignore-not-found --wait=true >/dev/null
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: {name: gate-registry}
spec:
  nodeSelector: {kubernetes.io/hostname: $CLUSTER-worker2}
  containers:
    - name: agnhost
      image: $image
      args: [netexec, --http-port=8080]
YAML
  kubectl wait --for=condition=Ready pod/gate-registry --timeout=300s
  kubectl get events --field-selector involvedObject.name=gate-registry,reason=Pulled -o jsonpath='{.items[*].message}'; echo
  ip=$(kubectl get pod gate-registry -o jsonpath='{.status.podIP}')
  answer=$(kubectl exec gate-client -- sh -c "printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 5 $ip 8080" | tail -n 1)
  [ "$answer" = gate-registry ] || { echo "check: FAILED: gate-registry answered '$answer'" >&2; exit 1; }
  echo "check: gate-registry ($image) pulled from the local registry and answered '$answer'"
}

# mapped FOLDER: the reference image-map.yaml gives the stand-in built from workloads/FOLDER.
mapped() { sed -n "s|^\"[^\"]*\": \"\(.*/cnilab-local/$1@sha256:[0-9a-f]*\)\"\$|\1|p" "$LOCAL_CACHE/registry/image-map.yaml"; }

# Every stand-in in image-map.yaml pulled from the registry and run as the plans run it: the
# run-to-completion ones must succeed, the servers become Ready (kubelet probes their ports).
stand_ins() {
  local start=$SECONDS pod
  [ -f "$LOCAL_CACHE/registry/image-map.yaml" ] || { echo "stand-ins: no image map: run local/registry.sh up" >&2; exit 1; }
  kubectl delete pod -l cnilab-local/stand-in --ignore-not-found --wait=true >/dev/null
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: {name: stand-in-kubectl, labels: {cnilab-local/stand-in: "true"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $(mapped kubectl), command: [/bin/kubectl, version, --client]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-node, labels: {cnilab-local/stand-in: "true"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $(mapped node), command: [node, -e, "console.log(process.version)"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-network-perf, labels: {cnilab-local/stand-in: "true"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $(mapped network-perf), command: [sh, -c, "iperf3 --version"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-busybox, labels: {cnilab-local/stand-in: "true"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $(mapped busybox), command: [sh, -c, "ip link show lo && awk 'BEGIN {print 1 + 1}'"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-cni-plugins, labels: {cnilab-local/stand-in: "true"}}
spec:
  restartPolicy: Never
  containers: [{name: c, image: $(mapped cni-plugins), command: [/bin/sh, -c, "cp -f /opt/cni/bin/bridge /opt/cni/bin/macvlan /tmp/ && ls /tmp | tr '\\n' ' '"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-nginx, labels: {cnilab-local/stand-in: "true"}}
spec:
  containers: [{name: c, image: $(mapped nginx), readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 2}}]
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-guestbook-frontend, labels: {cnilab-local/stand-in: "true"}}
spec:
  containers:
    - name: c
      image: $(mapped guestbook-frontend)
      readinessProbe: {httpGet: {path: "/guestbook.php?cmd=get&key=messages", port: 80}, periodSeconds: 2}
---
apiVersion: v1
kind: Pod
metadata: {name: stand-in-pause, labels: {cnilab-local/stand-in: "true"}}
spec:
  containers: [{name: c, image: $(mapped pause)}]
YAML
  for pod in kubectl node network-perf busybox cni-plugins; do
    kubectl wait --for=jsonpath='{.status.phase}'=Succeeded "pod/stand-in-$pod" --timeout=600s >/dev/null
    echo "stand-ins: $pod succeeded: $(kubectl logs "stand-in-$pod" | head -n 1)"
  done
  for pod in nginx guestbook-frontend pause; do
    kubectl wait --for=condition=Ready "pod/stand-in-$pod" --timeout=600s >/dev/null
    echo "stand-ins: $pod Ready"
  done
  kubectl delete pod -l cnilab-local/stand-in --wait=false >/dev/null
  echo "stand-ins: PASSED in $((SECONDS - start)) s"
}

down() {
  if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    echo "cluster: deleting $CLUSTER"; kind delete cluster --name "$CLUSTER"
  fi
  if docker network inspect "$KIND_EXPERIMENTAL_DOCKER_NETWORK" >/dev/null 2>&1; then
    docker network rm "$KIND_EXPERIMENTAL_DOCKER_NETWORK" >/dev/null
  fi
}

case "${1:-}" in
  up) up ;;
  check) check ;;
  stand-ins) stand_ins ;;
  down) down ;;
  *) echo "usage: local/cluster.sh up|check|stand-ins|down" >&2; exit 2 ;;
esac
