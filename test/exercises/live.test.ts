/**
 * `cnilab check <exercise> --stack S` against a Kubernetes API stand-in holding the participant's
 * policies: the real client library over real HTTP, the probe Jobs created, awaited, read and
 * removed, and the stand-in playing the datapath from a table written here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kubeCheckCluster } from "../../cli/check-cluster";
import { runCheck } from "../../cli/check";
import { runToExit } from "../../cli/exit";
import type { LiveDeps } from "../../cli/check-live";
import { stateFolder } from "../../host/state";
import { participantFolder } from "../../workshop/files";
import { loadExercise } from "../../labs/exercise";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "../cli/io";
import { startCheckApi, type CheckApi, type CheckApiOptions } from "./check-api";

const NGINX = { namespace: "default", name: "nginx-7d4b9-abcde", labels: { app: "nginx" }, ip: "10.244.1.10", ready: true };
// A pod of the workload that is not Ready yet: never a probe target.
const STARTING = { namespace: "default", name: "nginx-7d4b9-zzzzz", labels: { app: "nginx" }, ip: "10.244.2.99", ready: false };

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "cnilab-check-live-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The kubeconfig comes from --kubeconfig or the participant's folder; kind is never asked. */
const deps: LiveDeps = {
  cluster: (kubeconfig) => kubeCheckCluster(kubeconfig, 10),
  kindKubeconfig: async () => {
    throw new Error("kind is not asked in these tests");
  },
  probeBundle: () => "/* the probe program */",
};

async function check(api: CheckApi, state: string, ...argv: string[]) {
  const kubeconfig = join(dir, `${state}.kubeconfig`);
  writeFileSync(kubeconfig, api.kubeconfig);
  const io = captureIo({ CNILAB_STATE: join(dir, state) }, ROOT);
  const withConfig = argv.includes("--participant") ? argv : [...argv, "--kubeconfig", kubeconfig];
  // As main runs it: what the command throws becomes its exit code and one message.
  const code = await runToExit("check", io, () => runCheck(withConfig, io, deps));
  return { code, out: io.out(), err: io.err() };
}

async function withApi<T>(o: CheckApiOptions, run: (api: CheckApi) => Promise<T>): Promise<T> {
  const api = await startCheckApi(o);
  try {
    return await run(api);
  } finally {
    await api.close();
  }
}

const accessNginx = async () => (await loadExercise("access-nginx")).solution;
/** A cluster that enforces what the engine says for access-nginx's reference: only app=demo of default gets through. */
const enforcing: CheckApiOptions["world"] = (from) => (from.namespace === "default" && from.labels.app === "demo" ? "connected" : "timeout");

describe("cnilab check --stack", () => {
  it("an exercise stack on kindnet, the reference in the cluster: every cell met and observed as predicted; the Jobs carry each client's labels and are removed", async () => {
    const stack = join(dir, "Pulumi.ex-access.yaml");
    writeFileSync(stack, "config:\n  cnilab:lab: netpol\n  cnilab:backend: kindnet\n  cnilab:exercise: access-nginx\n");
    await withApi({ policies: { default: await accessNginx() }, pods: [NGINX, STARTING], world: enforcing }, async (api) => {
      const r = await check(api, "pass", "access-nginx", "--stack", stack);
      expect(r.code).toBe(0);
      expect(r.err).not.toContain("warning");
      expect(r.out).toContain("exercise access-nginx on ex-access (kindnet): 3 of 3 goal cells met; probes: 3 as expected, 0 mismatched, 0 errors\n");
      expect(r.out).toMatch(/ {2}default\/demo +default\/nginx +80\/TCP +allowed +allowed +connected +ok\n/);
      expect(r.out).toMatch(/ {2}prod\/prod-client +default\/nginx +80\/TCP +denied +denied +timeout +ok\n/);
      const jobs = api.created.filter((c) => c.kind === "Job").map((c) => [c.body.metadata.namespace, c.body.metadata.name, c.body.spec.template.metadata.labels]);
      expect(jobs).toEqual([
        ["default", "cnilab-check-demo", { app: "demo" }],
        ["default", "cnilab-check-other", { app: "other" }],
        ["prod", "cnilab-check-prod-client", { app: "client" }],
      ]);
      const cm = api.created.find((c) => c.kind === "ConfigMap" && c.body.metadata.name === "cnilab-check-demo")!.body;
      expect(JSON.parse(cm.data["targets.json"])).toEqual({ "default/nginx": ["10.244.1.10"] });
      expect(JSON.parse(cm.data["plan.json"]).probes.map((p: { id: string; expect: string }) => [p.id, p.expect])).toEqual([["access-nginx/demo-nginx-80-tcp-pod", "connected"]]);
      expect(api.left()).toEqual([]);
      expect(api.requests).toContain("GET /apis/networking.k8s.io/v1/namespaces/prod/networkpolicies");
    });
  });

  it("a near miss in the cluster: the missed cell with the engine's reason, the probes agreeing, the first hint; exit 1", async () => {
    const ex = await loadExercise("access-nginx");
    const wrongPort = { ...ex.solution[0]!, spec: { ...ex.solution[0]!.spec, ingress: [{ from: [{ podSelector: { matchLabels: { app: "demo" } } }], ports: [{ port: 8080 }] }] } };
    await withApi({ policies: { default: [wrongPort] }, pods: [NGINX], world: () => "timeout" }, async (api) => {
      const r = await check(api, "miss", "access-nginx", "--stack", "kindnet");
      expect(r.code).toBe(1);
      expect(r.err).toContain("cnilab check: warning: the cluster of kindnet runs lab netpol's scenarios, not exercise access-nginx: its pods may not be where the exercise has them (a stack with cnilab:exercise: access-nginx runs them)\n");
      expect(r.out).toMatch(/ {2}default\/demo +default\/nginx +80\/TCP +allowed +denied +timeout +MISS, ok\n/);
      expect(r.out).toContain("default/demo → default/nginx 80/TCP: denied: default/nginx is selected by ingress policy access-nginx, whose rules allow default/demo only on other ports than 80/TCP");
      expect(r.out).toContain(`Hint 1 of 3: ${ex.hints[0]}`);
    });
  });

  it("flannel enforces nothing: denied cells observed connected are the backend's, not the cluster's disagreement", async () => {
    await withApi({ policies: { default: await accessNginx() }, pods: [NGINX], world: () => "connected" }, async (api) => {
      const r = await check(api, "flannel", "access-nginx", "--stack", "flannel-vxlan", "-o", "json");
      expect(r.code).toBe(0);
      const out = JSON.parse(r.out);
      expect(out).toMatchObject({ exercise: "access-nginx", stack: "flannel-vxlan", backend: "flannel-vxlan", done: true, ok: true });
      const other = out.cells.find((c: { from: string }) => c.from === "default/other");
      expect(other).toMatchObject({ goal: "denied", predicted: "denied", observed: ["connected"], agreement: "not-enforced" });
      expect(other.note).toMatch(/^the backend does not enforce ingress policy: /);
    });
  });

  it("kindnet letting through what its policy denies: the cluster disagrees, exit 1", async () => {
    await withApi({ policies: { default: await accessNginx() }, pods: [NGINX], world: () => "connected" }, async (api) => {
      const r = await check(api, "disagree", "access-nginx", "--stack", "kindnet");
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/ {2}default\/other +default\/nginx +80\/TCP +denied +denied +connected +DISAGREES\n/);
      expect(r.out).toMatch(/\nCluster:\n {2}default\/other → default\/nginx 80\/TCP: the cluster disagrees with the engine: observed connected/);
    });
  });

  it("a workshop participant's cluster, by what workshop up saved; cells to kube-dns are judged by the engine alone", async () => {
    const ex = await loadExercise("egress-dns-only");
    const stack = join(dir, "Pulumi.ws.yaml");
    writeFileSync(stack, "config:\n  cnilab:workshop: demo\n");
    await withApi({ policies: { default: ex.solution }, pods: [NGINX, { ...NGINX, name: "web-1", labels: { app: "web" }, ip: "10.244.1.11" }], world: (from) => (from.labels.app === "demo" ? "timeout" : "connected") }, async (api) => {
      const folder = participantFolder(stateFolder({ CNILAB_STATE: join(dir, "alice") }, ROOT, "workshops"), "demo", "alice");
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "kubeconfig"), api.kubeconfig);
      writeFileSync(join(folder, "participant.json"), JSON.stringify({ name: "alice", backend: "calico-vxlan" }));
      const r = await check(api, "alice", "egress-dns-only", "--stack", stack, "--participant", "alice");
      expect([r.code, r.err.includes("cannot")]).toEqual([0, false]);
      expect(r.out).toContain("exercise egress-dns-only on ws (calico-vxlan): 5 of 5 goal cells met");
      expect(r.out).toMatch(/ {2}default\/demo +kube-system\/kube-dns +53\/UDP +allowed +allowed +— +engine only\n/);
      expect(r.out).toContain("Note: kube-dns is the cluster's own CoreDNS, not a lab workload: its cells are judged by the engine alone.");
      expect(api.requests).toContain("GET /apis/networking.k8s.io/v1/namespaces/kube-system/networkpolicies");
      const other = await check(api, "alice", "egress-dns-only", "--stack", stack);
      expect([other.code, other.err]).toEqual([2, "cnilab check: ws is a workshop stack (cnilab:workshop: demo): name the participant whose cluster to check with --participant P\n(see 'cnilab check --help')\n"]);
    });
  });

  it("a cluster without the exercise's namespaces: exit 2 saying which stack runs them, nothing left behind", async () => {
    await withApi({ policies: {}, pods: [NGINX], world: () => "timeout", missingNamespaces: ["prod"] }, async (api) => {
      const r = await check(api, "no-prod", "access-nginx", "--stack", "kindnet");
      expect([r.code, r.out]).toEqual([2, ""]);
      expect(r.err).toMatch(/\ncnilab check: could not run the probe Jobs in kindnet: .*\(does the cluster run the exercise's namespaces\? a stack with cnilab:exercise: access-nginx does\)\n$/);
      expect(api.left()).toEqual([]);
    });
  });

  it("a cluster that cannot be reached, or a participant without a kubeconfig, is exit 2 saying why", async () => {
    const api = await startCheckApi({ policies: {}, pods: [], world: () => "timeout" });
    await api.close();
    const r = await check(api, "down", "deny-nginx", "--stack", "kindnet");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\ncnilab check: cannot read the cluster of kindnet: fetch failed: .*ECONNREFUSED.* \(is it up\? cnilab up kindnet\)\n$/);
    const stack = join(dir, "Pulumi.ws2.yaml");
    writeFileSync(stack, "config:\n  cnilab:workshop: demo\n");
    const nobody = await check(api, "nobody", "deny-nginx", "--stack", stack, "--participant", "bob");
    expect(nobody.code).toBe(2);
    expect(nobody.err).toMatch(/^cnilab check: \/.*\/workshops\/demo\/bob\/participant\.json: participant bob's saved settings is not there \(is the workshop up\?\)\n$/);
  });
});
