import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BACKENDS } from "../../backends";
import { containsCidr, formatCidr, mustParseCidr, overlaps } from "../../ip/cidr";
import { stackSchema } from "../../labs/schema";
import { planLab } from "../../plan";
import { CALICO_CHART, FLANNEL_CHART, KIND_NODE_IMAGE } from "../../pins";
import { clusterStackNames, loadStack, STACKS_DIR } from "../helpers/stacks";

const stacks = clusterStackNames();

describe("stack files", () => {
  it("every backend has a stack named after it (more stacks may vary the lab)", () => {
    expect(stacks).toEqual(expect.arrayContaining([...BACKENDS]));
  });

  it("every stack has its own Docker network subnet", async () => {
    const subnets = await Promise.all(stacks.map(async (s) => (await loadStack(s)).stack.nodeSubnet));
    expect(new Set(subnets).size).toBe(subnets.length);
    const cidrs = subnets.map(mustParseCidr);
    cidrs.forEach((a, i) => cidrs.slice(i + 1).forEach((b) => expect(overlaps(a, b)).toBe(false)));
  });

  it("no node subnet (nor the default) lies in Docker's default address pools or in any stack's pod, service or Docker-lab subnets", async () => {
    // moby libnetwork/ipamutils/utils.go localScopeDefaultNetworks (v20.10.24 … v28.5.2; docker-v29.7.2
    // daemon/libnetwork/ipamutils): Docker numbers new networks from these, so a node subnet inside them
    // fails with "Pool overlaps" once Docker has handed that range to another network.
    const dockerPools = ["172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16", "172.20.0.0/14", "172.24.0.0/14", "172.28.0.0/14", "192.168.0.0/16"];
    const specs = await Promise.all(stacks.map(loadStack));
    // The docker-* stacks' networks (labs/docker-drivers.yaml) and the lab's parent bridge.
    const dockerLab = ["192.168.214.0/24", "10.1.214.0/24", "10.255.214.0/24"];
    const taken = [...dockerPools, ...dockerLab, ...specs.flatMap((s) => [s.stack.podSubnet, s.stack.serviceSubnet])].map(mustParseCidr);
    const defaults = stackSchema.parse({ lab: "netpol", backend: "kindnet" });
    for (const subnet of [...specs.map((s) => s.stack.nodeSubnet), defaults.nodeSubnet]) {
      const hit = taken.find((t) => overlaps(t, mustParseCidr(subnet)));
      expect(hit, `${subnet} overlaps ${hit && formatCidr(hit)}`).toBeUndefined();
    }
  });

  it("every cluster stack refuses a default kubernetes provider, and still loads", async () => {
    for (const name of stacks) {
      const doc = parse(readFileSync(path.join(STACKS_DIR, `Pulumi.${name}.yaml`), "utf8")) as { config: Record<string, unknown> };
      // A list of package names (pulumi/pulumi#8829); a resource without the lab's provider fails.
      expect(doc.config["pulumi:disable-default-providers"], name).toEqual(["kubernetes"]);
      await expect(loadStack(name)).resolves.toBeDefined();
    }
  });
});

describe.each(stacks)("plan of stack %s", (name) => {
  it("kind config: 1 control-plane + 2 workers on the pinned image, networking from the stack", async () => {
    const spec = await loadStack(name);
    const plan = planLab(spec);
    expect(plan.kindConfig).toEqual({
      kind: "Cluster",
      apiVersion: "kind.x-k8s.io/v1alpha4",
      name: spec.stack.clusterName,
      nodes: [
        { role: "control-plane", image: KIND_NODE_IMAGE },
        { role: "worker", image: KIND_NODE_IMAGE },
        { role: "worker", image: KIND_NODE_IMAGE },
      ],
      networking: {
        disableDefaultCNI: spec.stack.backend !== "kindnet",
        podSubnet: spec.stack.podSubnet,
        serviceSubnet: "10.96.0.0/16",
        kubeProxyMode: "iptables",
      },
    });
    const c = spec.stack.clusterName;
    expect(c).toBe(name === "calico-ipip-universe" ? "cnilab-universe" : `cnilab-${name}`);
    expect(plan.nodes.map((n) => n.name)).toEqual([`${c}-control-plane`, `${c}-worker`, `${c}-worker2`]);
    expect(plan.network.name).toBe(c);
    expect(plan.network.gateway).toBe(spec.stack.nodeSubnet.replace(/0\/24$/, "1"));
  });

});

describe("CNI install plans", () => {
  it("flannel: pinned chart, pod CIDR = kind podSubnet, backend per variant, privileged namespace, bridge plugin installed", async () => {
    const expected = {
      "flannel-vxlan": { backend: "vxlan" },
      "flannel-vxlan-directrouting": { backend: "vxlan", directRouting: true },
      "flannel-host-gw": { backend: "host-gw" },
    } as const;
    for (const [name, flannel] of Object.entries(expected)) {
      const plan = planLab(await loadStack(name));
      expect(plan.cni.charts).toHaveLength(1);
      expect(plan.cni.charts[0]).toEqual({
        releaseName: "flannel",
        namespace: "kube-flannel",
        chart: "flannel",
        version: FLANNEL_CHART.version,
        repo: "https://flannel-io.github.io/flannel/",
        values: { podCidr: "10.244.0.0/16", flannel: { ...flannel, args: ["--ip-masq", "--kube-subnet-mgr", "--iface=eth0"] } },
        wait: false,
      });
      const ns = plan.cni.objects.find((o) => o.kind === "Namespace")!;
      expect(ns.metadata).toEqual({ name: "kube-flannel", labels: { "pod-security.kubernetes.io/enforce": "privileged" } });
      const ds = JSON.stringify(plan.cni.objects.find((o) => o.kind === "DaemonSet"));
      expect(ds).toContain("cp -f /opt/cni/bin/bridge /opt/cni/bin/host-local /opt/cni/bin/loopback /opt/cni/bin/portmap /host/opt/cni/bin/");
    }
  });

  it("calico: Installation per variant, pool = pod subnet, BGP only where the encapsulation needs it", async () => {
    const expected = {
      "calico-ipip": { encapsulation: "IPIP", bgp: "Enabled" },
      "calico-vxlan": { encapsulation: "VXLAN", bgp: "Disabled" },
      "calico-bgp": { encapsulation: "None", bgp: "Enabled" },
    } as const;
    for (const [name, want] of Object.entries(expected)) {
      const spec = await loadStack(name);
      const helm = planLab(spec).cni.charts.find((c) => c.chart === "tigera-operator")!;
      expect([helm.chart, helm.version, helm.repo]).toEqual(["tigera-operator", CALICO_CHART.version, "https://docs.tigera.io/calico/charts"]);
      const installation = helm.values.installation as { calicoNetwork: Record<string, unknown> };
      expect(installation.calicoNetwork).toEqual({
        bgp: want.bgp,
        linuxDataplane: "Iptables",
        nodeAddressAutodetectionV4: { kubernetes: "NodeInternalIP" },
        ipPools: [{ cidr: spec.stack.podSubnet, encapsulation: want.encapsulation, natOutgoing: "Enabled", nodeSelector: "all()", blockSize: 26 }],
      });
      expect(containsCidr(mustParseCidr(spec.stack.podSubnet), mustParseCidr((installation.calicoNetwork.ipPools as { cidr: string }[])[0]!.cidr))).toBe(true);
      expect(helm.values).toMatchObject({ apiServer: { enabled: false }, goldmane: { enabled: false }, whisker: { enabled: false } });
    }
  });

  it("kindnet installs nothing and waits for kind's own DaemonSet", async () => {
    const plan = planLab(await loadStack("kindnet"));
    expect(plan.cni.objects).toEqual([]);
    expect(plan.cni.charts).toEqual([]);
    expect(plan.cni.readiness.daemonSets).toEqual([{ namespace: "kube-system", name: "kindnet" }]);
  });
});

describe.each(["macvlan", "ipvlan-l2", "ipvlan-l3"])("per-node conflists of %s", (name) => {
  it("one per node, ranges unique, inside the pod subnet, outside the service subnet", async () => {
    const spec = await loadStack(name);
    const plan = planLab(spec);
    const cm = plan.cni.objects.find((o) => o.kind === "ConfigMap") as unknown as { data: Record<string, string> };
    expect(Object.keys(cm.data).sort()).toEqual(plan.nodes.map((n) => `${n.name}.conflist`).sort());
    // Each node's conflist allocates from the range the plan names for that node (keyed by name, never
    // by the podCIDR kube-controller-manager assigns in join order).
    const ranges = plan.cni.podRanges!;
    expect(Object.keys(ranges).sort()).toEqual(plan.nodes.map((n) => n.name).sort());
    for (const n of plan.nodes) {
      const r = JSON.parse(cm.data[`${n.name}.conflist`]!).plugins[0].ipam.ranges[0][0];
      expect(containsCidr(mustParseCidr(ranges[n.name]!), mustParseCidr(`${r.rangeStart}/32`)), n.name).toBe(true);
      expect(containsCidr(mustParseCidr(ranges[n.name]!), mustParseCidr(`${r.rangeEnd}/32`)), n.name).toBe(true);
    }
    const pod = mustParseCidr(spec.stack.podSubnet);
    const svc = mustParseCidr(spec.stack.serviceSubnet);
    const allocations = Object.values(cm.data).map((text) => {
      const conf = JSON.parse(text);
      const main = conf.plugins[0];
      expect(main.master).toBe("eth0");
      expect(main.type).toBe(name === "macvlan" ? "macvlan" : "ipvlan");
      expect(main.mode).toBe({ macvlan: "bridge", "ipvlan-l2": "l2", "ipvlan-l3": "l3" }[name]);
      const r = main.ipam.ranges[0][0];
      return { start: r.rangeStart as string, end: r.rangeEnd as string };
    });
    const starts = allocations.map((r) => mustParseCidr(`${r.start}/32`));
    const ends = allocations.map((r) => mustParseCidr(`${r.end}/32`));
    starts.forEach((s, i) => {
      expect(containsCidr(pod, s) && containsCidr(pod, ends[i]!)).toBe(true);
      expect(overlaps(svc, s) || overlaps(svc, ends[i]!)).toBe(false);
      starts.forEach((t, j) => {
        if (i !== j) expect(s.base > ends[j]!.base || ends[i]!.base < t.base).toBe(true);
      });
    });
  });
});

describe("ipvlan-l3 peer routes", () => {
  it("route each peer's planned range via that peer, found by name; never the node's own range", async () => {
    const plan = planLab(await loadStack("ipvlan-l3"));
    const ds = plan.cni.objects.find((o) => o.kind === "DaemonSet") as unknown as {
      spec: { template: { spec: { initContainers: { name: string; command: string[] }[] } } };
    };
    const script = ds.spec.template.spec.initContainers.find((c) => c.name === "node-setup")!.command[2]!;
    for (const n of plan.nodes) {
      expect(script).toContain(`[ "$NODE_NAME" = "${n.name}" ] || { ip=$(nslookup ${n.name} `);
      expect(script).toContain(`ip route replace ${plan.cni.podRanges![n.name]} via "$ip" dev eth0; }`);
    }
  });
});
