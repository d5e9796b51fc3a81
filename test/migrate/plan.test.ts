/**
 * Migration plans as data: the steps of vxlan → host-gw and flannel → calico in order, what each
 * Pulumi update removes and adds, the cleanup Jobs, and every migration that cannot be made in place
 * refused with its reason.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Backend } from "../../backends";
import { loadSpec, readStackFile } from "../../labs";
import { cleanupJobs } from "../../migrate/cleanup-job";
import { FLANNEL_LEFTOVERS, FLANNEL_VXLAN_DEVICE } from "../../migrate/leftovers";
import { planMigration, type MigrationPlan, type MigrationStep } from "../../migrate/plan";
import { renderMigrationPlan } from "../../migrate/render";
import { planLab } from "../../plan";
import { imageProblems } from "../helpers/image-check";
import { STACKS_DIR } from "../helpers/stacks";

async function migration(stack: string, to: string): Promise<MigrationPlan | { refused: string }> {
  const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
  const raw = readStackFile(file);
  const from = planLab(await loadSpec(raw, file));
  const target = planLab(await loadSpec({ ...raw, backend: to }, file));
  return planMigration({ stack, file: `stacks/Pulumi.${stack}.yaml`, from, to: target, podSubnet: "10.244.0.0/16" });
}

async function planned(stack: string, to: Backend): Promise<MigrationPlan> {
  const p = await migration(stack, to);
  if ("refused" in p) throw new Error(`expected a plan, got: ${p.refused}`);
  return p;
}

const names = (rs: readonly { name: string }[]) => rs.map((r) => r.name);
const step = <K extends MigrationStep["kind"]>(p: MigrationPlan, kind: K, nth = 0) => p.steps.filter((s): s is Extract<MigrationStep, { kind: K }> => s.kind === kind)[nth]!;

const PROBE_JOBS = 18;

describe("flannel-vxlan → flannel-host-gw", () => {
  it("verify, backend set, chart upgraded, flanneld restarted, flannel.1 removed, pods recreated, probes re-run, verify", async () => {
    const p = await planned("flannel-vxlan", "flannel-host-gw");
    expect(p.route).toBe("flannel-backend");
    expect(p.steps.map((s) => s.kind)).toEqual(["verify", "set-backend", "update", "restart", "node-cleanup", "recreate-pods", "update", "verify"]);
    expect(step(p, "set-backend")).toMatchObject({ file: "stacks/Pulumi.flannel-vxlan.yaml", from: "flannel-vxlan", to: "flannel-host-gw" });
    const upgrade = step(p, "update", 0);
    // Same resources: the release's values change, nothing is deleted or created.
    expect(upgrade).toMatchObject({ backend: "flannel-host-gw", cni: "installed", removed: [], added: [], replace: [] });
    expect(upgrade.does).toContain('net-conf.json says Backend.Type "host-gw"');
    expect(step(p, "restart")).toMatchObject({ namespace: "kube-flannel", daemonSet: "kube-flannel-ds" });
    expect(step(p, "node-cleanup").leftovers).toEqual([FLANNEL_VXLAN_DEVICE]);
    expect(step(p, "recreate-pods").why).toContain("(1450)");
    expect(step(p, "recreate-pods").why).toContain("FLANNEL_MTU=1500");
    const rerun = step(p, "update", 1);
    expect(rerun).toMatchObject({ removed: [], added: [] });
    expect(rerun.replace).toHaveLength(PROBE_JOBS);
    expect(names(rerun.replace)).toContain("lab-assertions-job-cnilab-health-cnilab-targets");
    expect(p.cluster).toBe("cnilab-flannel-vxlan");
    expect(names(p.clusterResources)).toEqual(["lab-cluster", "lab-cluster-network", "lab-cluster-kind"]);
  });

  it("host-gw → vxlan removes nothing on the nodes (vxlan makes its device and replaces host-gw's routes)", async () => {
    const p = await planned("flannel-host-gw", "flannel-vxlan");
    expect(p.steps.map((s) => s.kind)).toEqual(["verify", "set-backend", "update", "restart", "recreate-pods", "update", "verify"]);
    expect(step(p, "recreate-pods").why).toContain("FLANNEL_MTU=1450");
  });
});

describe("flannel-vxlan → calico-vxlan", () => {
  it("the CNI left out, nodes cleaned, pods recreated, backend set, calico installed with the probes re-run, verify", async () => {
    const p = await planned("flannel-vxlan", "calico-vxlan");
    expect(p.route).toBe("replace-cni");
    expect(p.steps.map((s) => s.kind)).toEqual(["verify", "update", "node-cleanup", "recreate-pods", "set-backend", "update", "verify"]);
    const uninstall = step(p, "update", 0);
    expect(uninstall).toMatchObject({ backend: "flannel-vxlan", cni: "none", added: [], replace: [] });
    expect(names(uninstall.removed).sort()).toEqual(
      [
        "lab-cni-namespace-kube-flannel",
        "lab-cni-daemonset-kube-system-cnilab-cni-prerequisites",
        "lab-cni-flannel",
        "lab-cni-serviceaccount-kube-system-cnilab-cni-ready",
        "lab-cni-clusterrole-cnilab-cni-ready",
        "lab-cni-clusterrolebinding-cnilab-cni-ready",
        "lab-cni-job-kube-system-cnilab-cni-ready",
      ].sort(),
    );
    expect(step(p, "node-cleanup").leftovers).toEqual(FLANNEL_LEFTOVERS);
    expect(step(p, "node-cleanup").script).toContain("ip -4 route show root '10.244.0.0/16' proto boot");
    const install = step(p, "update", 1);
    expect(install).toMatchObject({ backend: "calico-vxlan", cni: "installed", removed: [] });
    expect(names(install.added)).toEqual(expect.arrayContaining(["lab-cni-calico-crds", "lab-cni-calico", "lab-cni-namespace-tigera-operator", "lab-cni-job-kube-system-cnilab-cni-ready"]));
    expect(install.replace).toHaveLength(PROBE_JOBS);
  });

  it("the dry run names every step, what it removes and why", async () => {
    const text = renderMigrationPlan(await planned("flannel-vxlan", "calico-vxlan"));
    expect(text).toContain("Migration of stack flannel-vxlan: flannel-vxlan → calico-vxlan (one CNI removed, another installed)");
    expect(text).toContain("Cluster cnilab-flannel-vxlan is kept");
    expect(text).toContain("removes: Helm release lab-cni-flannel");
    expect(text).toContain("removes: /etc/cni/net.d/10-flannel.conflist — ");
    expect(text).toContain("removes: iptables -t nat chain FLANNEL-POSTRTG and its jump from POSTROUTING");
    expect(text.match(/^\d+\. \[/gm)).toHaveLength(7);
    expect(text.match(/^ {3}why: /gm)).toHaveLength(7);
  });
});

describe("migrations that cannot be made in place are refused with the reason", () => {
  const cases: [string, string, RegExp][] = [
    ["kindnet", "flannel-vxlan", /kindnet is kind's own CNI.*disableDefaultCNI: false/],
    ["flannel-vxlan", "kindnet", /kindnet is kind's own CNI/],
    ["flannel-vxlan", "macvlan", /macvlan sub-interface of the node's eth0.*node network/],
    ["flannel-host-gw", "ipvlan-l2", /ipvlan-l2 sub-interface/],
    ["flannel-vxlan", "flannel-vxlan", /already flannel-vxlan: nothing to migrate/],
    ["calico-vxlan", "flannel-vxlan", /not yet what calico-vxlan leaves: migrating from calico-vxlan is not planned/],
    ["macvlan", "flannel-vxlan", /migrating from macvlan is not planned/],
    ["canal", "flannel-vxlan", /migrating from canal is not planned/],
  ];
  for (const [stack, to, reason] of cases) {
    it(`${stack} → ${to}`, async () => {
      const p = await migration(stack, to);
      expect("refused" in p ? p.refused : "planned").toMatch(reason);
    });
  }
});

describe("the cleanup Jobs", () => {
  const nodes = ["cnilab-x-control-plane", "cnilab-x-worker", "cnilab-x-worker2"];
  const jobs = cleanupJobs(nodes, "echo hi", {});

  it("one per node, pinned by nodeName, on the host network and PID namespace, privileged, tolerating every taint", () => {
    expect(jobs.map((j) => j.metadata.name)).toEqual(["cnilab-cni-cleanup-0", "cnilab-cni-cleanup-1", "cnilab-cni-cleanup-2"]);
    const spec = (jobs[1]!.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(spec).toMatchObject({ nodeName: "cnilab-x-worker", hostNetwork: true, hostPID: true, restartPolicy: "Never", tolerations: [{ operator: "Exists" }] });
    expect(spec.containers).toMatchObject([{ command: ["nsenter", "-t", "1", "-m", "--", "/bin/sh", "-c", "echo hi"], securityContext: { privileged: true } }]);
  });

  it("run an image every flannel stack already pins (so `plan --images` lists it and cnilab:imageMap maps it)", async () => {
    const image = (jobs[0]!.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
    for (const stack of ["flannel-vxlan", "flannel-vxlan-directrouting", "flannel-host-gw"]) {
      const file = path.join(STACKS_DIR, `Pulumi.${stack}.yaml`);
      expect(planLab(await loadSpec(readStackFile(file), file)).images.map((i) => i.pinned), stack).toContain(image);
    }
    const mapped = cleanupJobs(nodes, "true", { [image]: "registry.example:5000/node:24@sha256:" + "0".repeat(64) });
    expect((mapped[0]!.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image).toBe("registry.example:5000/node:24@sha256:" + "0".repeat(64));
  });

  it("run what their pinned image has", () => {
    for (const job of jobs) {
      const c = (job.spec as { template: { spec: { containers: { image: string; command: string[] }[] } } }).template.spec.containers[0]!;
      expect(imageProblems({ where: job.metadata.name, image: c.image, command: c.command, runtime: "kubernetes" })).toEqual([]);
    }
  });
});
