import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJobLogs } from "../../cli/job-logs";
import { loopbackKubeconfig } from "../helpers/kubeconfig";

/**
 * readJobLogs against a small Kubernetes API stand-in on loopback: the real client library, real
 * HTTP, the two API calls it makes (list pods by job-name, read a pod's log).
 */
let server: Server;
let kubeconfig: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url!, "http://x");
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const podList = (items: unknown[]) => json(200, { kind: "PodList", apiVersion: "v1", metadata: {}, items });
    if (url.pathname === "/api/v1/namespaces/default/pods") {
      const job = url.searchParams.get("labelSelector")?.replace("job-name=", "");
      if (job === "cnilab-probe-demo") {
        return podList([
            { metadata: { name: "cnilab-probe-demo-old", creationTimestamp: "2026-11-23T04:00:00Z" }, status: { phase: "Failed" } },
            { metadata: { name: "cnilab-probe-demo-new", creationTimestamp: "2026-11-23T05:00:00Z" }, status: { phase: "Succeeded" } },
          ]);
      }
      if (job === "cnilab-probe-days") {
        // Sat Nov 28 and Mon Nov 30: as Date text "Mon …" sorts before "Sat …", by time it is newer.
        return podList([
            { metadata: { name: "cnilab-probe-days-mon", creationTimestamp: "2026-11-30T01:00:00Z" }, status: { phase: "Succeeded" } },
            { metadata: { name: "cnilab-probe-days-sat", creationTimestamp: "2026-11-28T23:00:00Z" }, status: { phase: "Failed" } },
          ]);
      }
      if (job === "cnilab-probe-pull") {
        // What a kind node reports for an image no registry it reaches serves (seen on the local cluster).
        return podList([
            {
              metadata: { name: "cnilab-probe-pull-x1", creationTimestamp: "2026-11-30T11:00:00Z" },
              status: { phase: "Pending", containerStatuses: [{ name: "probe", image: "node:x", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason: "ImagePullBackOff", message: 'Back-off pulling image "docker.io/library/node:x"' } } }] },
            },
          ]);
      }
      return podList([]);
    }
    if (url.pathname === "/api/v1/namespaces/default/pods/cnilab-probe-demo-new/log") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end('{"id":"a","ok":true,"outcome":"connected","latencyMs":1,"attempts":1}\n');
    }
    if (url.pathname === "/api/v1/namespaces/default/pods/cnilab-probe-days-mon/log") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end("monday\n");
    }
    if (url.pathname.startsWith("/api/v1/namespaces/prod/")) return json(403, { kind: "Status", apiVersion: "v1", status: "Failure", message: "pods is forbidden", reason: "Forbidden", code: 403 });
    return json(404, { kind: "Status", apiVersion: "v1", status: "Failure", message: "not found", code: 404 });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  kubeconfig = loopbackKubeconfig(port);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("reading the assertion Jobs' logs", () => {
  it("reads the newest pod's probe log, and says why when there is none", async () => {
    const logs = await readJobLogs(kubeconfig, [
      { client: "demo", namespace: "default", name: "cnilab-probe-demo" },
      { client: "other", namespace: "default", name: "cnilab-probe-other" },
      { client: "prod-client", namespace: "prod", name: "cnilab-probe-prod-client" },
    ]);
    expect(logs.demo).toEqual({ text: '{"id":"a","ok":true,"outcome":"connected","latencyMs":1,"attempts":1}\n' });
    expect(logs.other).toEqual({ missing: "no pod for Job default/cnilab-probe-other (kubectl -n default describe job cnilab-probe-other)" });
    expect(logs["prod-client"]).toMatchObject({ missing: expect.stringMatching(/^cannot read Job prod\/cnilab-probe-prod-client: /) });
    expect(requests).toContain("GET /api/v1/namespaces/default/pods/cnilab-probe-demo-new/log?container=probe");
  });

  it("a pod whose probe container waits (an image it cannot pull) says so, with the kubelet's reason, without reading its log", async () => {
    const logs = await readJobLogs(kubeconfig, [{ client: "pull", namespace: "default", name: "cnilab-probe-pull" }]);
    expect(logs.pull).toEqual({ missing: 'pod cnilab-probe-pull-x1 is Pending: its probe container is waiting (ImagePullBackOff: Back-off pulling image "docker.io/library/node:x")' });
    expect(requests.filter((r) => r.includes("cnilab-probe-pull-x1/log"))).toEqual([]);
  });

  it("takes the newest pod by time when the runs are days apart (Sat Nov 28 vs Mon Nov 30)", async () => {
    const logs = await readJobLogs(kubeconfig, [{ client: "days", namespace: "default", name: "cnilab-probe-days" }]);
    expect(logs.days).toEqual({ text: "monday\n" });
  });
});
