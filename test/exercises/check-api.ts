import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { loopbackKubeconfig } from "../helpers/kubeconfig";

/**
 * A Kubernetes API stand-in on loopback for `cnilab check --stack`: NetworkPolicies per namespace,
 * workload pods (selected by labels), two nodes, and Jobs whose pod has finished at once (or, with
 * `jobPodWaits`, never starts). A Job's
 * log is what the probe program would print: one result line per probe of the plan in its
 * ConfigMap, each endpoint resolved through the ConfigMap's targets.json, the outcome taken from
 * `world` — the stand-in plays the datapath, by a table the test writes.
 */
type Obj = Record<string, any>;

export interface CheckApiOptions {
  policies: Record<string, Obj[]>;
  pods: { namespace: string; name: string; labels: Record<string, string>; ip: string; ready: boolean }[];
  /** The outcome of a probe from a Job's pod (its namespace and labels) to an address and port. */
  world: (from: { namespace: string; labels: Record<string, string> }, to: { ip: string; port: number; protocol: string }) => string;
  /** Namespaces the cluster does not have: creating anything there is refused. */
  missingNamespaces?: readonly string[];
  /** Jobs whose pod never starts: the probe container waits with this reason (and message), the Job never ends. */
  jobPodWaits?: { reason: string; message: string };
}

export interface CheckApi {
  kubeconfig: string;
  requests: string[];
  created: { kind: string; body: Obj }[];
  /** ConfigMaps and Jobs still there (a check removes what it made). */
  left: () => string[];
  close: () => Promise<void>;
}

export async function startCheckApi(o: CheckApiOptions): Promise<CheckApi> {
  const requests: string[] = [];
  const created: CheckApi["created"] = [];
  const configMaps = new Map<string, Obj>();
  const jobs = new Map<string, Obj>();
  const jobPods: Obj[] = [];
  const body = (req: IncomingMessage) =>
    new Promise<Obj>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Obj));
    });
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(value));
  };
  const notFound = (res: ServerResponse, what: string) => json(res, 404, { kind: "Status", apiVersion: "v1", status: "Failure", message: `${what} not found`, reason: "NotFound", code: 404 });
  const matches = (labels: Record<string, string>, selector: string | null) =>
    (selector ?? "").split(",").filter(Boolean).every((kv) => {
      const [k, v] = kv.split("=");
      return labels[k!] === v;
    });

  const logOf = (job: Obj): string => {
    const cm = configMaps.get(`${job.metadata.namespace}/${job.metadata.name}`)!;
    const plan = JSON.parse(cm.data["plan.json"]) as { probes: { id: string; port: number; protocol: string; expect: string; endpoint?: { service: string; index: number } }[] };
    const targets = JSON.parse(cm.data["targets.json"]) as Record<string, string[]>;
    const from = { namespace: job.metadata.namespace, labels: job.spec.template.metadata.labels };
    return plan.probes
      .map((p) => {
        const ip = p.endpoint ? targets[p.endpoint.service]?.[p.endpoint.index] : undefined;
        const outcome = ip ? o.world(from, { ip, port: p.port, protocol: p.protocol }) : "error";
        return JSON.stringify({ id: p.id, ok: outcome === p.expect, outcome, latencyMs: 3, attempts: 1 });
      })
      .join("\n");
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const p = url.pathname;
    const m = req.method!;
    requests.push(`${m} ${p}${url.search}`);
    let match: RegExpExecArray | null;
    const ns = /\/namespaces\/([^/]+)\//.exec(p)?.[1];
    if (m === "POST" && ns && (o.missingNamespaces ?? []).includes(ns)) return notFound(res, `namespaces "${ns}"`);
    if ((match = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies$/.exec(p))) {
      return json(res, 200, { kind: "NetworkPolicyList", apiVersion: "networking.k8s.io/v1", metadata: {}, items: o.policies[match[1]!] ?? [] });
    }
    if (p === "/api/v1/nodes") {
      return json(res, 200, {
        kind: "NodeList",
        apiVersion: "v1",
        metadata: {},
        items: [
          { metadata: { name: "lab-control-plane", labels: { "node-role.kubernetes.io/control-plane": "" } } },
          { metadata: { name: "lab-worker", labels: {} } },
        ],
      });
    }
    if ((match = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
      const ns = match[1]!;
      const selector = url.searchParams.get("labelSelector");
      const workload = o.pods
        .filter((x) => x.namespace === ns && matches(x.labels, selector))
        .map((x) => ({ metadata: { name: x.name, namespace: ns, labels: x.labels }, status: { phase: "Running", podIP: x.ip, conditions: [{ type: "Ready", status: x.ready ? "True" : "False" }] } }));
      const fromJobs = jobPods.filter((x) => x.metadata.namespace === ns && matches(x.metadata.labels, selector));
      return json(res, 200, { kind: "PodList", apiVersion: "v1", metadata: {}, items: [...workload, ...fromJobs] });
    }
    if ((match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p))) {
      const pod = jobPods.find((x) => x.metadata.namespace === match![1] && x.metadata.name === match![2]);
      if (!pod) return notFound(res, `pod ${match[2]}`);
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(logOf(jobs.get(`${match[1]}/${pod.metadata.labels["job-name"]}`)!));
    }
    if ((match = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(p))) {
      const key = `${match[1]}/${match[2]}`;
      if (m === "POST") {
        const b = await body(req);
        created.push({ kind: "ConfigMap", body: b });
        configMaps.set(`${match[1]}/${b.metadata.name}`, b);
        return json(res, 201, b);
      }
      if (m === "DELETE") return configMaps.delete(key) ? json(res, 200, { kind: "Status", status: "Success" }) : notFound(res, `configmap ${key}`);
    }
    if ((match = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(p))) {
      const key = `${match[1]}/${match[2]}`;
      if (m === "POST") {
        const b = await body(req);
        created.push({ kind: "Job", body: b });
        b.status = o.jobPodWaits ? {} : { succeeded: 1 };
        jobs.set(`${match[1]}/${b.metadata.name}`, b);
        const status = o.jobPodWaits ? { phase: "Pending", containerStatuses: [{ name: "probe", image: b.spec.template.spec.containers[0].image, imageID: "", ready: false, restartCount: 0, state: { waiting: o.jobPodWaits } }] } : { phase: "Succeeded" };
        jobPods.push({ metadata: { name: `${b.metadata.name}-x7k2p`, namespace: match[1], labels: { ...b.spec.template.metadata.labels, "job-name": b.metadata.name }, creationTimestamp: "2026-11-30T08:00:00Z" }, status });
        return json(res, 201, b);
      }
      const job = jobs.get(key);
      if (!job) return notFound(res, `job ${key}`);
      if (m === "DELETE") jobs.delete(key);
      return json(res, 200, job);
    }
    return notFound(res, `${m} ${p}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    kubeconfig: loopbackKubeconfig(port),
    requests,
    created,
    left: () => [...configMaps.keys(), ...jobs.keys()].map((k) => k),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
