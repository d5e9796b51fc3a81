import { IMAGES } from "../pins";
import type { IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet" with { "resolution-mode": "import" };
import type { IContainer } from "kubernetes-models/v1/Container" with { "resolution-mode": "import" };
import type { IVolume } from "kubernetes-models/v1/Volume" with { "resolution-mode": "import" };
import type { K8sObject } from "./install";
import type { CniPlugin } from "./types";

/**
 * kind's node image ships only host-local, loopback, ptp and portmap, CNI plugins v1.7.1, in
 * /opt/cni/bin (pins/versions.ts KIND_NODE_CNI), and kind declined to add more (kind#1340). Flannel
 * delegates to `bridge`, macvlan/ipvlan need their own binaries. A DaemonSet copies the needed plugins
 * (v1.9.1, IMAGES.cniPlugins) into every node's /opt/cni/bin before the CNI starts; `cp -f` replaces
 * kind's v1.7.1 copies of the ones both have, so a node runs one version of every plugin it uses. This needs no host download and no
 * manual step, and works the same on every OS that runs Docker.
 *
 * The DaemonSet runs before any pod network exists, so it uses hostNetwork and tolerates every taint
 * (NotReady nodes carry node.kubernetes.io/not-ready:NoSchedule).
 */
export const PREREQUISITES_NAME = "cnilab-cni-prerequisites";
export const PREREQUISITES_NAMESPACE = "kube-system";

export interface PrerequisitesOptions {
  plugins: readonly CniPlugin[];
  /** Per-node CNI config: node name → conflist JSON, written as /etc/cni/net.d/10-cnilab.conflist. */
  conflists?: Readonly<Record<string, string>>;
  /** Shell run on each node (busybox, host network) after the plugins are in place, e.g. peer routes. */
  nodeScript?: string;
}

const LABELS = { "app.kubernetes.io/name": PREREQUISITES_NAME, "app.kubernetes.io/part-of": "cnilab" };

export function prerequisitesObjects(opts: PrerequisitesOptions): K8sObject[] {
  const objects: K8sObject[] = [];
  const volumes: IVolume[] = [
    { name: "cni-bin", hostPath: { path: "/opt/cni/bin", type: "DirectoryOrCreate" } },
  ];
  const copyPlugins = opts.plugins.map((p) => `/opt/cni/bin/${p}`).join(" ");
  const initContainers: IContainer[] = [
    {
      name: "install-plugins",
      image: IMAGES.cniPlugins,
      command: ["/bin/sh", "-c", `cp -f ${copyPlugins} /host/opt/cni/bin/ && ls -l /host/opt/cni/bin`],
      volumeMounts: [{ name: "cni-bin", mountPath: "/host/opt/cni/bin" }],
    },
  ];
  if (opts.conflists) {
    objects.push({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${PREREQUISITES_NAME}-conflists`, namespace: PREREQUISITES_NAMESPACE, labels: LABELS },
      data: Object.fromEntries(Object.entries(opts.conflists).map(([node, json]) => [`${node}.conflist`, json])),
    });
    volumes.push(
      { name: "cni-conf", hostPath: { path: "/etc/cni/net.d", type: "DirectoryOrCreate" } },
      { name: "conflists", configMap: { name: `${PREREQUISITES_NAME}-conflists` } },
    );
    initContainers.push({
      name: "install-conflist",
      image: IMAGES.busybox,
      // Each node picks its own file: host-local ranges differ per node and must never overlap.
      command: ["/bin/sh", "-c", 'cp -f "/conflists/${NODE_NAME}.conflist" /host/etc/cni/net.d/10-cnilab.conflist'],
      env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
      volumeMounts: [
        { name: "cni-conf", mountPath: "/host/etc/cni/net.d" },
        { name: "conflists", mountPath: "/conflists", readOnly: true },
      ],
    });
  }
  if (opts.nodeScript) {
    initContainers.push({
      name: "node-setup",
      image: IMAGES.busybox,
      command: ["/bin/sh", "-c", opts.nodeScript],
      env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
      securityContext: { privileged: true },
    });
  }
  const daemonSet = {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: PREREQUISITES_NAME, namespace: PREREQUISITES_NAMESPACE, labels: LABELS },
    spec: {
      selector: { matchLabels: LABELS },
      template: {
        metadata: { labels: LABELS },
        spec: {
          hostNetwork: true,
          // Resolves peer node names through Docker's embedded DNS (the node's own resolv.conf).
          dnsPolicy: "Default",
          priorityClassName: "system-node-critical",
          tolerations: [{ operator: "Exists" }],
          initContainers,
          containers: [{ name: "pause", image: IMAGES.pause }],
          volumes,
        },
      },
    },
  } satisfies IDaemonSet;
  objects.push(daemonSet as K8sObject);
  return objects;
}
