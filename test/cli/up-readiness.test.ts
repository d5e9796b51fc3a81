/**
 * A failed `up` says where the CNI readiness Job stopped: the fake pulumi fails, the fake kind hands
 * out a kubeconfig for an API stand-in on loopback that serves the readiness Job's pod, failed at a step.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runUp } from "../../cli/up";
import { planLab, type LabPlan } from "../../plan";
import { loopbackKubeconfig } from "../helpers/kubeconfig";
import { loadStack } from "../helpers/stacks";
import { installFakes, type FakeMachine } from "./fakes/install";
import { HEALTHY, makeRoot } from "./fakes/root";
import { captureIo } from "./io";

const STACK = "flannel-vxlan";
const CLUSTER = "cnilab-flannel-vxlan";

describe("cnilab up, when the CNI does not become ready", () => {
  let m: FakeMachine;
  let api: Server;
  let asked: string[];
  let plan: LabPlan;

  beforeEach(async () => {
    plan = planLab(await loadStack(STACK));
    const job = plan.readiness.find((o) => o.kind === "Job") as unknown as { spec: { template: { metadata: object } } };
    // The flannel stack's pod: both init steps done, the last one (kube-flannel-ds) timed out.
    const pod = {
      metadata: { name: "cnilab-cni-ready-x7k2p", namespace: "kube-system", creationTimestamp: "2026-11-29T10:00:00Z", ...job.spec.template.metadata },
      status: {
        phase: "Failed",
        initContainerStatuses: [
          { name: "nodes-ready", state: { terminated: { exitCode: 0 } } },
          { name: "rollout-kube-system-cnilab-cni-prerequisites", state: { terminated: { exitCode: 0 } } },
        ],
        containerStatuses: [
          { name: "rollout-kube-flannel-kube-flannel-ds", state: { terminated: { exitCode: 1, message: "Waiting for daemon set spec update to be observed...\nerror: timed out waiting for the condition\n" } } },
        ],
      },
    };
    asked = [];
    api = createServer((req, res) => {
      asked.push(req.url ?? "");
      const url = new URL(req.url ?? "/", "http://x");
      const match = url.pathname === "/api/v1/namespaces/kube-system/pods" && url.searchParams.get("labelSelector") === "job-name=cnilab-cni-ready";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ apiVersion: "v1", kind: "PodList", metadata: {}, items: match ? [pod] : [] }));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    m = installFakes();
    // The update fails at the readiness Job: after the network, the cluster, the CNI and a few objects.
    const resources = ["docker:index/network:Network", "pulumi-nodejs:dynamic:Resource", "kubernetes:helm.sh/v3:Release", "kubernetes:batch/v1:Job"].map(
      (type, i) => ({ type, name: `r${i}`, custom: true }),
    );
    m.configure({ program: { resources, outputs: {} }, failUpAfter: 3, kubeconfig: loopbackKubeconfig((api.address() as AddressInfo).port) });
  });
  afterEach(async () => {
    m.cleanup();
    await new Promise((resolve) => api.close(resolve));
  });

  const up = async () => {
    const io = captureIo(m.env, m.dir);
    const host = m.host(makeRoot(HEALTHY));
    const code = await runUp([STACK], io, { host: { ...host, env: io.env }, root: m.project, tty: false });
    return { code, err: io.err() };
  };

  it("names the step, what did not become ready, where to look, and kubectl's last words", async () => {
    // What kind made before the update failed: the stack's cluster, its nodes on the stack's network.
    m.addCluster(CLUSTER, CLUSTER);
    m.addNetwork(CLUSTER, plan.network.subnet, { "io.cnilab.project": "cnilab", "io.cnilab.stack": STACK });
    const { code, err } = await up();
    expect(code).toBe(1);
    expect(err).toContain(
      "cnilab up: the CNI readiness Job stopped here:\n" +
        "  step rollout-kube-flannel-kube-flannel-ds: NOT READY: DaemonSet kube-flannel/kube-flannel-ds rolled out within 123s. " +
        "Look: kubectl -n kube-flannel describe ds/kube-flannel-ds; kubectl -n kube-flannel logs ds/kube-flannel-ds --all-containers\n" +
        "  kubectl said: error: timed out waiting for the condition\n",
    );
    expect(err).toContain(`'cnilab down ${STACK}'`);
    expect(asked).toHaveLength(1);
  });

  it("says nothing more when there is no cluster to ask", async () => {
    const { code, err } = await up();
    expect(code).toBe(1);
    expect(err).not.toContain("readiness");
    expect(asked).toEqual([]);
  });
});
