import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { loopbackKubeconfig } from "../helpers/kubeconfig";

/**
 * A small Kubernetes API on loopback for the perf runner: namespaces, ConfigMaps, Pods, Services,
 * Jobs (each Job gets one pod that has already finished), pod logs per container, one Node. It
 * records every request, and serves the logs `logsFor` returns for a Job's containers.
 */
export interface StandIn {
  server: Server;
  kubeconfig: string;
  requests: string[];
  /** Bodies of the objects created, in order. */
  created: { kind: string; body: Record<string, any> }[];
  /** Jobs that existed at the same time, at most (the runner must run one at a time). */
  maxConcurrentJobs: number;
  close(): Promise<void>;
}

export interface StandInOptions {
  logsFor: (job: string, container: string) => string;
  /** Jobs whose status reports failure. */
  failedJobs?: readonly string[];
  /** Pods that never become Ready (an image that cannot be pulled). */
  stuckPods?: readonly string[];
}

type Obj = Record<string, any>;

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const requests: string[] = [];
  const created: StandIn["created"] = [];
  const namespaces = new Map<string, Obj>();
  const pods = new Map<string, Obj>();
  const jobs = new Map<string, Obj>();
  const services = new Map<string, Obj>();
  const state = { maxConcurrentJobs: 0 };

  const body = (req: IncomingMessage) =>
    new Promise<Obj>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Obj) : {}));
    });
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const notFound = (res: ServerResponse, what: string) => json(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", message: `${what} not found`, reason: "NotFound", code: 404 });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const p = url.pathname;
    const m = req.method;
    let match: RegExpExecArray | null;
    if (m === "POST" && p === "/api/v1/namespaces") {
      const b = await body(req);
      created.push({ kind: "Namespace", body: b });
      namespaces.set(b.metadata.name, b);
      return json(res, 201, b);
    }
    if ((match = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p))) {
      const name = match[1]!;
      if (!namespaces.has(name)) return notFound(res, `namespace ${name}`);
      if (m === "DELETE") {
        namespaces.delete(name);
        pods.clear();
        jobs.clear();
        services.clear();
      }
      return json(res, 200, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    }
    if (m === "POST" && /^\/api\/v1\/namespaces\/[^/]+\/configmaps$/.test(p)) {
      created.push({ kind: "ConfigMap", body: await body(req) });
      return json(res, 201, created.at(-1)!.body);
    }
    if (m === "POST" && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(p)) {
      const b = await body(req);
      created.push({ kind: "Pod", body: b });
      const host = b.spec.hostNetwork === true;
      const ready = !(options.stuckPods ?? []).includes(b.metadata.name);
      b.status = ready
        ? { phase: "Running", podIP: host ? "172.30.2.4" : "10.244.2.5", hostIP: "172.30.2.4", conditions: [{ type: "Ready", status: "True" }] }
        : { phase: "Pending", containerStatuses: [{ name: "iperf3", ready: false, restartCount: 0, image: "x", imageID: "", state: { waiting: { reason: "ImagePullBackOff" } } }] };
      pods.set(b.metadata.name, b);
      return json(res, 201, b);
    }
    if (m === "POST" && /^\/api\/v1\/namespaces\/[^/]+\/services$/.test(p)) {
      const b = await body(req);
      created.push({ kind: "Service", body: b });
      b.spec.clusterIP = "10.96.140.20";
      services.set(b.metadata.name, b);
      return json(res, 201, b);
    }
    if (m === "GET" && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(p)) {
      const job = url.searchParams.get("labelSelector")?.replace("job-name=", "");
      return json(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: [...pods.values()].filter((x) => x.metadata.labels?.["job-name"] === job) });
    }
    if ((match = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/log$/.exec(p))) {
      const pod = pods.get(match[1]!);
      if (!pod) return notFound(res, `pod ${match[1]}`);
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(options.logsFor(pod.metadata.labels["job-name"], url.searchParams.get("container") ?? ""));
    }
    if ((match = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/.exec(p))) {
      const pod = pods.get(match[1]!);
      return pod ? json(res, 200, pod) : notFound(res, `pod ${match[1]}`);
    }
    if (m === "POST" && /^\/apis\/batch\/v1\/namespaces\/[^/]+\/jobs$/.test(p)) {
      const b = await body(req);
      created.push({ kind: "Job", body: b });
      const name = b.metadata.name as string;
      const failed = (options.failedJobs ?? []).includes(name);
      b.status = failed ? { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] } : { succeeded: 1 };
      jobs.set(name, b);
      state.maxConcurrentJobs = Math.max(state.maxConcurrentJobs, jobs.size);
      pods.set(`${name}-x7k2p`, { apiVersion: "v1", kind: "Pod", metadata: { name: `${name}-x7k2p`, labels: { "job-name": name } }, status: { phase: failed ? "Failed" : "Succeeded" } });
      return json(res, 201, b);
    }
    if ((match = /^\/apis\/batch\/v1\/namespaces\/[^/]+\/jobs\/([^/]+)$/.exec(p))) {
      const job = jobs.get(match[1]!);
      if (!job) return notFound(res, `job ${match[1]}`);
      if (m === "DELETE") jobs.delete(match[1]!);
      return json(res, 200, job);
    }
    if ((match = /^\/api\/v1\/nodes\/([^/]+)$/.exec(p))) {
      return json(res, 200, {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: match[1] },
        status: { nodeInfo: { kernelVersion: "6.18.44-fc-v669", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.34.0", containerRuntimeVersion: "containerd://2.1.4", architecture: "amd64", bootID: "", machineID: "", systemUUID: "", kubeProxyVersion: "", operatingSystem: "linux" } },
      });
    }
    return notFound(res, `${m} ${p}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const kubeconfig = loopbackKubeconfig(port);
  return {
    server,
    kubeconfig,
    requests,
    created,
    get maxConcurrentJobs() {
      return state.maxConcurrentJobs;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
