/** `cnilab plan` for two stacks of different families, --images, --json, and bad stacks. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { runPlanCommand } from "../../cli/plan";
import { plannedObjects, plannedResourceCount } from "../../cli/services/plan-counts";
import { planImages, planLab } from "../../plan";
import { IMAGES, KIND_NODE_IMAGE } from "../../pins";
import { loadStack, ROOT, STACKS_DIR } from "../helpers/stacks";
import { captureIo } from "./io";

const tmp = mkdtempSync(join(tmpdir(), "cnilab-plan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function plan(...argv: string[]) {
  const io = captureIo({}, ROOT);
  const code = await runPlanCommand(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab plan <stack>", () => {
  it("flannel-vxlan: overlay facts, the flannel chart and its values, the kind config, object counts", async () => {
    const { code, out, err } = await plan("flannel-vxlan");
    expect([code, err]).toEqual([0, ""]);
    const sections = out.split("\n").filter((l) => /^\S.*:$/.test(l));
    expect(sections).toEqual(["Stack:", "Backend:", "kind config:", "CNI install:", "Objects:", "Probes (expected outcome, and why):"]);
    expect(out).toContain("  flannel-vxlan (stacks/Pulumi.flannel-vxlan.yaml): lab 'netpol', backend flannel-vxlan\n");
    expect(out).toContain("  Docker network cnilab-flannel-vxlan: 172.16.2.0/24, gateway 172.16.2.1\n");
    // flannel takes each node's podCIDR, assigned as nodes register (kind joins workers concurrently):
    // no per-node range is a fact before the cluster runs.
    expect(out).toContain("  cluster cnilab-flannel-vxlan: cnilab-flannel-vxlan-control-plane (control-plane), cnilab-flannel-vxlan-worker (worker), cnilab-flannel-vxlan-worker2 (worker)\n");
    expect(out).toContain("  pod addresses: each node's spec.podCIDR, a /24 of the pod subnet that kube-controller-manager assigns as the node registers; kind joins workers concurrently");
    expect(out).not.toMatch(/10\.244\.\d+\.0\/24/);
    expect(out).toContain("  NetworkPolicy: ingress no, egress no, ipBlock no — flannel only programs routes");
    expect(out).toContain("  datapath: vxlan (+50 bytes per packet); pods attach by bridge; cross-node overlay via flannel.1 (VNI 1, UDP 8472); per-node /24 blocks\n");
    expect(out).toContain("  node prerequisites: CNI plugins bridge, host-local, loopback, portmap; kernel modules br_netfilter, vxlan\n");
    expect(out).toContain("  Helm chart flannel v0.28.9 from https://flannel-io.github.io/flannel/, release kube-flannel/flannel, values:\n    podCidr: 10.244.0.0/16\n");
    expect(out).toContain("      backend: vxlan\n");
    expect(out).toContain(`    - role: worker\n      image: ${KIND_NODE_IMAGE}\n`);
    expect(out).toContain("    disableDefaultCNI: true\n");
    // 600 s deadline − 90 s start − 3 × 5 s step starts = 495 s, shared 2 : 1 : 1.
    expect(out).toContain(
      "  ready when, in order: every node to be Ready (≤ 247 s), DaemonSet kube-system/cnilab-cni-prerequisites rolled out (≤ 123 s), " +
        "DaemonSet kube-flannel/kube-flannel-ds rolled out (≤ 123 s)\n",
    );

    const spec = await loadStack("flannel-vxlan");
    const objects = plannedObjects(planLab(spec));
    expect(out).toMatch(new RegExp(`\\n  NetworkPolicy +${objects.filter((o) => o.kind === "NetworkPolicy").length}\\n`));
    expect(out).toMatch(new RegExp(`\\n  DaemonSet +1\\n`));
    const more = plannedResourceCount(planLab(spec)) - objects.length;
    // The network, the cluster, the release, then a ConfigMap + Job per source identity (the health
    // client and each scenario's own copies of its clients: 2+3+2+3+3+3) and the probe targets'
    // resolver: ServiceAccount, ClusterRole, ClusterRoleBinding, ConfigMap, Job.
    expect(more).toBe(3 + 2 * 17 + 5);
    expect(out).toMatch(new RegExp(`\\n  total +${objects.length} \\(\\+ ${more} more Pulumi resources: Docker network, kind cluster, Helm release, assertion Jobs`));
    // Every probe with its expectation: on flannel, policies are not enforced.
    expect(out).toContain("  42 probes from 17 source identities: cnilab-health/health-client on cnilab-flannel-vxlan-worker, deny-nginx/deny-nginx-demo on");
    expect(out).toMatch(/\n  access-nginx:\n    access-nginx-demo → access-nginx\/access-nginx-nginx:80\/tcp  expect connected  — allowed/);
    expect(out).toMatch(
      /access-nginx-prod-client → access-nginx\/access-nginx-nginx:80\/tcp  expect connected  — expected allowed \(policy verdict denied: .*\); ingress not enforced: flannel only programs routes/,
    );
    expect(out).toContain("    health/pod-to-internet: off by default; set cnilab:probeInternet: true to probe 1.1.1.1:443\n");
  });

  it("macvlan: no chart, its limitations as expected failures, no DaemonSet of a chart to wait for", async () => {
    const { code, out } = await plan("macvlan");
    expect(code).toBe(0);
    expect(out).toContain("  datapath: no encapsulation; pods attach by macvlan; cross-node shared-l2");
    expect(out).toContain("  node prerequisites: CNI plugins");
    expect(out).toContain("kernel modules macvlan\n");
    expect(out).toContain("  limitations (expected failures):\n    pod-to-own-node: ");
    expect(out).toContain("  no Helm chart\n");
    // macvlan's ranges are ours, fixed by node name in each node's conflist: a fact the plan can print.
    expect(out).toContain(
      "  cluster cnilab-macvlan: cnilab-macvlan-control-plane (control-plane, pods 10.244.0.0/24), cnilab-macvlan-worker (worker, pods 10.244.1.0/24), cnilab-macvlan-worker2 (worker, pods 10.244.2.0/24)\n",
    );
    const spec = await loadStack("macvlan");
    const p = planLab(spec);
    expect(plannedResourceCount(p)).toBe(plannedObjects(p).length + 2 + 2 * 17 + 5);
    expect(out).toMatch(new RegExp(`\\n  total +${plannedObjects(p).length} \\(\\+ ${2 + 2 * 17 + 5} more Pulumi resources: Docker network, kind cluster, assertion Jobs`));
    expect(out).toMatch(/    health-client → cnilab-macvlan-worker kubelet:10250\/tcp  expect no-route  — macvlan \(bridge mode\): the kernel never delivers/);
  });

  it("calico: the CRDs chart first (Helm waits for it), then the operator chart with our values", async () => {
    const { code, out } = await plan("calico-bgp");
    expect(code).toBe(0);
    const crds = out.indexOf("  Helm chart crd.projectcalico.org.v1 v3.32.1 from https://docs.tigera.io/calico/charts, release tigera-operator/calico-crds (Helm waits until it is ready), chart defaults\n");
    const operator = out.indexOf("  Helm chart tigera-operator v3.32.1 from https://docs.tigera.io/calico/charts, release tigera-operator/calico, values:\n");
    expect(crds).toBeGreaterThan(0);
    expect(operator).toBeGreaterThan(crds);
    expect(out).toMatch(/more Pulumi resources: Docker network, kind cluster, Helm releases, assertion Jobs/);
    expect(out).toContain("    ships 32 CRDs; renders no custom resource (projectcalico/calico charts/crd.projectcalico.org.v1/ at v3.32.1)\n");
    expect(out).toContain("    ships 0 CRDs; renders Installation default (operator.tigera.io/v1) (projectcalico/calico charts/tigera-operator/ at v3.32.1;");
  });

  it("canal: calico's manifest at its tag with its sha256, the three keys set over the file's, calico-node's DaemonSet awaited", async () => {
    const { code, out } = await plan("canal");
    expect(code).toBe(0);
    expect(out).toContain(
      "  upstream manifest canal v3.32.1 from https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/canal.yaml " +
        "(sha256 aa58a7b245586a90d75d969b9184326f6218acea7e4951ce2931113cd8e91e39), as published: 40 objects, 23 of them CRDs",
    );
    expect(out).toContain('      canal_iface: "eth0" (the file\'s: "")\n      veth_mtu: "1450" (the file\'s: "0")\n');
    expect(out).toContain("  NetworkPolicy: ingress yes, egress yes, ipBlock yes — calico's Felix");
    expect(out).toContain("  datapath: vxlan (+50 bytes per packet); pods attach by proxy-arp; cross-node overlay via flannel.1 (VNI 1, UDP 8472); per-node /24 blocks\n");
    // 600 s − 90 s − 2 × 5 s = 500 s, shared 2 : 1.
    expect(out).toContain("  ready when, in order: every node to be Ready (≤ 333 s), DaemonSet kube-system/canal rolled out (≤ 166 s)\n");
    expect(out).toContain("  CustomResourceDefinition  23\n");
    const images = (await plan("canal", "--images")).out.split("\n");
    expect(images).toContain("quay.io/calico/node:v3.32.1@sha256:7f874b3f0b540c2b523aea9961ef5e2f43b0af9056a47874c916d6cf348168d3");
    expect(images).toContain("docker.io/flannel/flannel:v0.24.4");
    expect(images.at(-2)).toBe(
      "# manifest https://raw.githubusercontent.com/projectcalico/calico/v3.32.1/manifests/canal.yaml sha256 aa58a7b245586a90d75d969b9184326f6218acea7e4951ce2931113cd8e91e39 (its images are listed above)",
    );
  });

  it("--images lists what planImages lists, one per line; with --json as an array", async () => {
    const spec = await loadStack("calico-bgp");
    const images = planImages(planLab(spec));
    const text = await plan("calico-bgp", "--images");
    expect(text.out).toBe(
      `${images.join("\n")}\n` +
        "# Helm chart https://docs.tigera.io/calico/charts crd.projectcalico.org.v1 v3.32.1 (its images are listed above)\n" +
        "# Helm chart https://docs.tigera.io/calico/charts tigera-operator v3.32.1 (its images are listed above)\n",
    );
    // What the operator chart and the operator deploy (tigera/operator v1.42.3), for a workshop to mirror.
    expect(images).toEqual(expect.arrayContaining(["quay.io/tigera/operator:v1.42.3", "quay.io/calico/node:v3.32.1", "quay.io/calico/cni:v3.32.1"]));
    // Every entry is one image reference, so the list pipes into `docker pull`.
    for (const i of images) expect(i).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/);
    expect(images).toContain(IMAGES.kubectl);
    const json = await plan("calico-bgp", "--images", "--json");
    expect(JSON.parse(json.out)).toEqual(images);
  });

  it("--json prints the whole LabPlan", async () => {
    const spec = await loadStack("calico-bgp");
    const { out } = await plan("calico-bgp", "--json");
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(planLab(spec))));
  });

  it("takes a path to a stack file, named relative to the working directory", async () => {
    const file = join(tmp, "Pulumi.mine.yaml");
    // A subnet of its own: the same as kindnet's would collide with that stack.
    writeFileSync(file, readFileSync(join(STACKS_DIR, "Pulumi.kindnet.yaml"), "utf8").replace("172.16.1.0/24", "172.16.99.0/24"));
    const io = captureIo({}, tmp);
    expect(await runPlanCommand(["./Pulumi.mine.yaml"], io)).toBe(0);
    expect(io.out()).toContain(`  mine (${file}): lab 'netpol', backend kindnet\n`);
  });

  it("an unknown stack exits 2 and lists the stacks, suggesting the closest", async () => {
    const io = captureIo({}, ROOT);
    expect(await main(["plan", "calico-bgpp"], io)).toBe(2);
    expect(io.err()).toMatch(/^cnilab plan: unknown stack 'calico-bgpp' \(did you mean 'calico-bgp'\?\); stacks in stacks\/: calico-bgp, calico-ipip, .*flannel-vxlan.*\n\(see 'cnilab plan --help'\)\n$/);
  });

  it("an invalid stack prints every problem on its own line, exit 2, no stack trace", async () => {
    const file = join(tmp, "Pulumi.bad.yaml");
    writeFileSync(file, 'config:\n  cnilab:lab: netpol\n  cnilab:backend: flannel-vxlan\n  cnilab:workers: "99"\n  cnilab:colour: blue\n');
    const io = captureIo({}, tmp);
    expect(await main(["plan", file], io)).toBe(2);
    const lines = io.err().trimEnd().split("\n");
    expect(lines[0]).toBe(`cnilab plan: ${file} is not a valid lab stack:`);
    expect(lines.slice(1).sort()).toEqual([
      expect.stringMatching(new RegExp(`^  ${file}: cnilab:colour: unknown key 'colour'`)),
      expect.stringMatching(new RegExp(`^  ${file}: cnilab:workers: .*99`)),
    ]);
    expect(io.err()).not.toMatch(/\n\s+at /);
  });

  it("cnilab:imageMap: --images lists the mapped references and what each replaces; a key the plan does not pin exits 2", async () => {
    const file = join(tmp, "Pulumi.mapped.yaml");
    const base = readFileSync(join(STACKS_DIR, "Pulumi.kindnet.yaml"), "utf8").replace("172.16.1.0/24", "172.16.98.0/24");
    writeFileSync(file, `${base.trimEnd()}\n  cnilab:imageMap:\n    ${IMAGES.kubectl}: registry.example:5000/kubectl:v1.34.1\n`);
    const io = captureIo({}, tmp);
    expect(await runPlanCommand([file, "--images"], io)).toBe(0);
    const lines = io.out().split("\n");
    expect(lines).toContain("registry.example:5000/kubectl:v1.34.1");
    expect(lines).not.toContain(IMAGES.kubectl);
    expect(lines).toContain(`# registry.example:5000/kubectl:v1.34.1 runs in place of ${IMAGES.kubectl} (cnilab:imageMap)`);

    writeFileSync(file, `${base.trimEnd()}\n  cnilab:imageMap:\n    quay.io/calico/node:v3.32.1: registry.example:5000/node:v3.32.1\n`);
    const bad = captureIo({}, tmp);
    expect(await main(["plan", file, "--images"], bad)).toBe(2);
    expect(bad.err()).toContain(`cnilab plan: ${file} is not a valid lab stack:\n  ${file}: cnilab:imageMap["quay.io/calico/node:v3.32.1"]: 'quay.io/calico/node:v3.32.1' is not an image this stack runs; the keys are references exactly as \`cnilab plan mapped --images\` prints them without a map: `);
  });

  it("a second positional is bad usage", async () => {
    const io = captureIo({}, ROOT);
    expect(await main(["plan", "kindnet", "macvlan"], io)).toBe(2);
    expect(io.err()).toContain("expected one <stack>, got 2: kindnet macvlan");
  });
});
