/**
 * KindCluster under Pulumi mocks: what it registers, under which parent, with which inputs, and
 * that the kubeconfig comes out as a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { KindCluster as KindClusterClass } from "../../components/cluster";
import { installMocks, type RecordedResource, settled } from "../helpers/mocks";

const KUBECONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-netpol\n";
const NODES = [
  { name: "netpol-control-plane", role: "control-plane", internalIP: "172.30.7.2" },
  { name: "netpol-worker", role: "worker", internalIP: "172.30.7.3" },
];
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/cnilab:KindCluster";
const NETWORK_TYPE = "pulumi-nodejs:dynamic/cnilab:DockerNetwork";

let recorded: RecordedResource[];
let lab: KindClusterClass;
let byType: (type: string) => RecordedResource;

beforeAll(async () => {
  // Mocks first, then the import: the component module must see the mock runtime.
  recorded = await installMocks({
    outputs: (args) => (args.type === DYNAMIC_TYPE ? { kubeconfig: KUBECONFIG, nodes: NODES } : {}),
  });
  // The ".js" is TypeScript's spelling of a dynamic import under nodenext; vitest resolves it to index.ts.
  const { KindCluster } = await import("../../components/cluster/index.js");
  lab = new KindCluster("netpol", {
    clusterName: "netpol",
    config: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n",
    configData: { kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4" },
    network: {
      name: "cnilab-netpol",
      subnet: "172.30.7.0/24",
      gateway: "172.30.7.1",
      labels: [
        { label: "io.cnilab.project", value: "cnilab" },
        { label: "io.cnilab.stack", value: "netpol-stack" },
      ],
    },
  });
  await Promise.all([settled(lab.nodes), settled(lab.kubeconfig), settled(lab.networkName)]);
  byType = (type) => {
    const hits = recorded.filter((r) => r.type === type);
    expect(hits, `one ${type} registered`).toHaveLength(1);
    return hits[0]!;
  };
});

describe("KindCluster", () => {
  it("registers the component, the Docker network and the kind resource, children of the component", async () => {
    const component = byType("cnilab:cluster:KindCluster");
    expect(component.urn).toBe(await settled(lab.urn));
    expect(recorded.map((r) => [r.type, r.name])).toEqual([
      ["cnilab:cluster:KindCluster", "netpol"],
      [NETWORK_TYPE, "netpol-network"],
      [DYNAMIC_TYPE, "netpol-kind"],
    ]);
    expect(byType(NETWORK_TYPE).parent).toBe(component.urn);
    expect(byType(DYNAMIC_TYPE).parent).toBe(component.urn);
  });

  it("creates the lab's bridge network with its fixed subnet, masquerading, the plan's labels; replaced delete-first", () => {
    const network = byType(NETWORK_TYPE);
    const { __provider, ...inputs } = network.inputs;
    expect(inputs).toEqual({
      name: "cnilab-netpol",
      subnet: "172.30.7.0/24",
      gateway: "172.30.7.1",
      masquerade: true,
      labels: { "io.cnilab.project": "cnilab", "io.cnilab.stack": "netpol-stack" },
    });
    expect(typeof __provider, "the serialized provider travels with the inputs").toBe("string");
    expect(network.deleteBeforeReplace).toBe(true);
  });

  it("takes over a network @pulumi/docker made: aliased to that type under the same parent", () => {
    const network = byType(NETWORK_TYPE);
    expect(network.aliases).toEqual([{ type: "docker:index/network:Network", parentUrn: network.parent }]);
  });

  it("gives the kind resource its inputs, the network by data edge, and a secret kubeconfig", () => {
    const network = byType(NETWORK_TYPE);
    const cluster = byType(DYNAMIC_TYPE);
    expect(cluster.inputs).toMatchObject({
      clusterName: "netpol",
      config: "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n",
      configData: { kind: "Cluster", apiVersion: "kind.x-k8s.io/v1alpha4" },
      network: "cnilab-netpol",
    });
    expect(typeof cluster.inputs.__provider, "the serialized provider travels with the inputs").toBe("string");
    expect(cluster.dependencies).toEqual([network.urn]);
    expect(cluster.additionalSecretOutputs).toEqual(["kubeconfig"]);
  });

  it("exposes kubeconfig (secret), nodes and the network name", async () => {
    expect(await pulumi.isSecret(lab.kubeconfig)).toBe(true);
    expect(await settled(lab.kubeconfig)).toBe(KUBECONFIG);
    expect(await pulumi.isSecret(lab.nodes)).toBe(false);
    expect(await settled(lab.nodes)).toEqual(NODES);
    expect(await settled(lab.networkName)).toBe("cnilab-netpol");
  });
});
