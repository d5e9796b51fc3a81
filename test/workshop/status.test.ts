/**
 * `workshop status` against Kubernetes API stand-ins on loopback (one per participant, read through
 * @kubernetes/client-node as the CLI does): participants in mixed states — all well, a mismatch with
 * a node NotReady and the CNI still starting, no CNI Job, a refused connection, an API that never
 * answers, one never brought up. Each is a row; the slow one is cut off at the deadline.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { createServer as createHttp } from "node:http";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResolvedProbe } from "../../assertions";
import { BACKEND_FACTS } from "../../backends";
import { statusCluster } from "../../cli/services/workshop-cluster";
import { readStatus, renderStatusHtml, renderStatusText, type SavedParticipant } from "../../workshop/status";
import { loopbackKubeconfig } from "../helpers/kubeconfig";

/** Long enough for a loaded machine to answer; the silent stand-in waits it out once. */
const DEADLINE_MS = 8000;
const fixture = (name: string) => readFileSync(path.join(__dirname, "../assertions/fixtures", name), "utf8");
const probe = (id: string, expect: ResolvedProbe["expect"]): ResolvedProbe => ({
  id,
  group: "deny-nginx",
  client: "demo",
  toLabel: id.includes("nginx") ? "default/nginx" : "default/web",
  to: "10.244.1.9",
  port: 80,
  protocol: "tcp",
  expect,
  why: "the lab's policy",
  basis: { kind: "health" },
});
const assertions = {
  probes: [probe("deny-nginx/demo-nginx-80-tcp-pod", "timeout"), probe("deny-nginx/demo-web-80-tcp-pod", "connected")],
  skipped: [],
  jobs: [{ client: "demo", namespace: "default", name: "probe-demo" }],
};

interface ClusterState {
  nodes: boolean[];
  cni: "complete" | "running" | "missing";
  log: string;
}

const servers: { close(): void }[] = [];
const sockets: Socket[] = [];

/** A stand-in answering what status reads: nodes, the CNI readiness Job, the assertion Job's pod and log. */
async function standIn(state: ClusterState): Promise<number> {
  const server = createHttp((req, res) => {
    const url = new URL(req.url!, "http://x");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/api/v1/nodes") {
      return json(200, { kind: "NodeList", apiVersion: "v1", items: state.nodes.map((ready, i) => ({ metadata: { name: `n${i}` }, status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } })) });
    }
    if (url.pathname === "/apis/batch/v1/namespaces/kube-system/jobs/cnilab-cni-ready") {
      if (state.cni === "missing") return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
      return json(200, { kind: "Job", apiVersion: "batch/v1", metadata: { name: "cnilab-cni-ready" }, status: state.cni === "complete" ? { succeeded: 1 } : { active: 1 } });
    }
    if (url.pathname === "/api/v1/namespaces/default/pods") {
      return json(200, { kind: "PodList", apiVersion: "v1", items: [{ metadata: { name: "probe-demo-x", creationTimestamp: "2026-01-01T00:00:00Z" }, status: { phase: "Succeeded" } }] });
    }
    if (url.pathname === "/api/v1/namespaces/default/pods/probe-demo-x/log") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(state.log);
    }
    json(404, { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

/** Accepts connections and never answers: an API server that hangs. */
async function silent(): Promise<number> {
  const server: Server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return (server.address() as { port: number }).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let participants: SavedParticipant[];

beforeAll(async () => {
  const p = (name: string, port: number | undefined): SavedParticipant => ({
    name,
    host: "local",
    backend: "kindnet",
    clusterName: `demo-${name}`,
    apiServer: `https://127.0.0.1:${port ?? 0}`,
    ...(port === undefined ? {} : { kubeconfig: loopbackKubeconfig(port), assertions }),
  });
  participants = [
    p("ana", await standIn({ nodes: [true, true, true], cni: "complete", log: fixture("demo-ok.log") })),
    p("bo", await standIn({ nodes: [true, false, true], cni: "running", log: fixture("demo-leak.log") })),
    p("cy", await standIn({ nodes: [true, true], cni: "missing", log: fixture("demo-ok.log") })),
    p("dee", await closedPort()),
    p("eve", await silent()),
    p("fay", undefined),
  ];
});

afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
});

describe("workshop status", () => {
  it("one row per participant, whatever state each is in", async () => {
    const rows = await readStatus(participants, statusCluster, () => BACKEND_FACTS.kindnet, undefined, DEADLINE_MS);
    expect(rows.map((r) => [r.participant, r.cluster.startsWith("unreachable") ? "unreachable: …" : r.cluster, r.nodes, r.cni, r.verify, r.exercises])).toEqual([
      ["ana", "up", "3/3 Ready", "ready", "passed 2/2", "—"],
      ["bo", "up", "2/3 Ready", "starting", "failed 1/2", "—"],
      ["cy", "up", "2/2 Ready", "not installed", "passed 2/2", "—"],
      ["dee", "unreachable: …", "—", "—", "—", "—"],
      ["eve", "unreachable: …", "—", "—", "—", "—"],
      ["fay", "not up (no kubeconfig saved: cnilab workshop up)", "—", "—", "—", "—"],
    ]);
    expect(rows[4]!.cluster).toBe("unreachable: no answer within 8 s");
    expect(rows[3]!.cluster).toMatch(/ECONNREFUSED/);
  }, 60_000);

  it("the exercises column comes from the grading when there is one", async () => {
    const rows = await readStatus(participants.slice(0, 1), statusCluster, () => BACKEND_FACTS.kindnet, async () => ({ done: 2, total: 5 }), DEADLINE_MS);
    expect(rows[0]!.exercises).toBe("2/5");
  }, 60_000);

  it("renders as an aligned table and as a self-contained page", async () => {
    const rows = await readStatus(participants.slice(3, 4), statusCluster, () => BACKEND_FACTS.kindnet, undefined, DEADLINE_MS);
    const text = renderStatusText(rows, ["a note"]);
    expect(text.split("\n")[0]).toMatch(/^participant +host +backend +cluster +nodes +CNI +verify +exercises +terminal$/);
    expect(text).toContain("a note\n");
    const html = renderStatusHtml("demo", rows, [], "2026-01-01T00:00:00.000Z");
    expect(html).toContain('<tr class="down"><td>dee</td>');
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  }, 60_000);
});
