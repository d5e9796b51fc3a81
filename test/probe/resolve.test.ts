/**
 * `probe resolve` against a Kubernetes API stand-in on loopback: which EndpointSlice addresses count,
 * waiting for endpoints to become ready, and the targets ConfigMap written (created, then replaced).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runResolveCommand } from "../../probe/resolve-command";
import type { ResolveRequest } from "../../probe/resolve";

type Obj = Record<string, any>;
const slice = (service: string, endpoints: Obj[]) => ({ metadata: { labels: { "kubernetes.io/service-name": service } }, addressType: "IPv4", endpoints });

/** Slices per "namespace/service"; `listsBeforeReady` lists answer with nginx's 10.244.1.9 not ready yet. */
let slices: Record<string, Obj[]>;
let listsBeforeReady: number;
let requests: { method: string; path: string; auth?: string; body?: Obj }[];
let configMaps: Map<string, Obj>;
let server: Server;
let api: string;
let dir: string;

const readBody = (req: IncomingMessage) =>
  new Promise<Obj | undefined>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, "http://x");
    const body = await readBody(req);
    requests.push({ method: req.method!, path: `${url.pathname}${url.search}`, ...(req.headers.authorization ? { auth: req.headers.authorization } : {}), ...(body ? { body } : {}) });
    const send = (status: number, value: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    let m = /^\/apis\/discovery\.k8s\.io\/v1\/namespaces\/([^/]+)\/endpointslices$/.exec(url.pathname);
    if (m && req.method === "GET") {
      const service = /^kubernetes\.io\/service-name=(.+)$/.exec(url.searchParams.get("labelSelector") ?? "")?.[1];
      const key = `${m[1]}/${service}`;
      let items = slices[key] ?? [];
      if (key === "default/nginx" && listsBeforeReady-- > 0) items = items.map((s, si) => (si > 0 ? s : { ...s, endpoints: s.endpoints.map((e: Obj, i: number) => (i === 1 ? { ...e, conditions: { ready: false } } : e)) }));
      return send(200, { kind: "EndpointSliceList", items });
    }
    m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/.exec(url.pathname);
    if (m && req.method === "POST" && m[1] === "forbidden") return send(403, { kind: "Status", message: "forbidden" });
    if (m && req.method === "POST") {
      const key = `${m[1]}/${body!.metadata.name}`;
      if (configMaps.has(key)) return send(409, { kind: "Status", reason: "AlreadyExists", message: `configmaps "${body!.metadata.name}" already exists` });
      configMaps.set(key, body!);
      return send(201, body);
    }
    if (m && req.method === "PUT" && m[2]) {
      configMaps.set(`${m[1]}/${m[2]}`, body!);
      return send(200, body);
    }
    send(404, { kind: "Status", message: "not found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  dir = mkdtempSync(join(tmpdir(), "cnilab-resolve-"));
  writeFileSync(join(dir, "token"), "sa-token\n");
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  requests = [];
  configMaps = new Map();
  listsBeforeReady = 0;
  slices = {
    // Two slices for one Service, addresses out of order; a not-ready and a terminating endpoint.
    "default/nginx": [
      slice("nginx", [{ addresses: ["10.244.2.10"], conditions: { ready: true } }, { addresses: ["10.244.1.9"] }]),
      slice("nginx", [{ addresses: ["10.244.1.200"], conditions: { ready: false, terminating: true } }, { addresses: ["10.244.1.10", "10.244.9.9"], conditions: { ready: true } }]),
    ],
    "cnilab-health/echo": [slice("echo", [{ addresses: ["10.244.1.5"], conditions: { ready: true } }])],
  };
});

async function resolve(request: ResolveRequest) {
  const file = join(dir, "request.json");
  writeFileSync(file, JSON.stringify(request));
  const out: string[] = [];
  const err: string[] = [];
  const code = await runResolveCommand(["--request", file, "--api", api, "--token-file", join(dir, "token")], { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: dir }, {});
  return { code, out: out.join(""), err: err.join("") };
}

const REQUEST: ResolveRequest = {
  services: [
    { service: "default/nginx", expected: 3 },
    { service: "cnilab-health/echo", expected: 1 },
  ],
  namespaces: ["cnilab-health", "default"],
  configMap: "cnilab-targets",
  waitSeconds: 30,
};
const TARGETS = { "default/nginx": ["10.244.1.9", "10.244.1.10", "10.244.2.10"], "cnilab-health/echo": ["10.244.1.5"] };

describe("probe resolve", () => {
  it("writes each Service's ready endpoints (first address, numeric order) into a ConfigMap per namespace", async () => {
    const { code, out, err } = await resolve(REQUEST);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(requests[0]).toEqual({ method: "GET", path: "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dnginx", auth: "Bearer sa-token" });
    for (const ns of REQUEST.namespaces) {
      const cm = configMaps.get(`${ns}/cnilab-targets`)!;
      expect(cm.metadata).toEqual({ name: "cnilab-targets", namespace: ns, labels: { "app.kubernetes.io/part-of": "cnilab" } });
      expect(JSON.parse(cm.data["targets.json"])).toEqual(TARGETS);
    }
    expect(out).toContain("cnilab: default/nginx: 10.244.1.9, 10.244.1.10, 10.244.2.10\n");
  });

  it("waits for endpoints that are not ready yet, polling the API", async () => {
    listsBeforeReady = 1;
    const { code } = await resolve(REQUEST);
    expect(code).toBe(0);
    expect(requests.filter((r) => r.path.includes("service-name%3Dnginx"))).toHaveLength(2);
    expect(JSON.parse(configMaps.get("default/cnilab-targets")!.data["targets.json"])).toEqual(TARGETS);
  }, 15_000);

  it("after the wait, writes what it has and says what is missing (the probes then report errors)", async () => {
    listsBeforeReady = 100;
    const { code, out } = await resolve({ ...REQUEST, waitSeconds: 0 });
    expect(code).toBe(0);
    expect(out).toContain("cnilab: default/nginx: 2 of 3 endpoints ready after 0s; its missing probes report an error\n");
    expect(JSON.parse(configMaps.get("default/cnilab-targets")!.data["targets.json"])["default/nginx"]).toEqual(["10.244.1.10", "10.244.2.10"]);
  });

  it("replaces the ConfigMap an earlier run wrote", async () => {
    configMaps.set("default/cnilab-targets", { data: { "targets.json": "{}" } });
    expect((await resolve(REQUEST)).code).toBe(0);
    expect(requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/namespaces/cnilab-health/configmaps",
      "POST /api/v1/namespaces/default/configmaps",
      "PUT /api/v1/namespaces/default/configmaps/cnilab-targets",
    ]);
    expect(JSON.parse(configMaps.get("default/cnilab-targets")!.data["targets.json"])).toEqual(TARGETS);
  });

  it("exits 1 naming the call when the API refuses; 2 on a bad request file, naming every problem", async () => {
    const refused = await resolve({ ...REQUEST, namespaces: ["forbidden"] });
    expect(refused.code).toBe(1);
    expect(refused.err).toBe("probe resolve: creating ConfigMap forbidden/cnilab-targets failed: HTTP 403 forbidden\n");
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ services: [{ service: "nginx", expected: -1 }], namespaces: "default", waitSeconds: 9999 }));
    const bad: string[] = [];
    const code = await runResolveCommand(["--request", file, "--api", api, "--token-file", join(dir, "token")], { stdout: () => {}, stderr: (t) => bad.push(t), cwd: dir }, {});
    expect(code).toBe(2);
    expect(bad.join("")).toContain(`${file}: services[0] must be { service: "namespace/name", expected: integer ≥ 0 }, got {"service":"nginx","expected":-1}`);
    expect(bad.join("")).toContain(`${file}: namespaces must be a list of names, got "default"`);
    expect(bad.join("")).toContain(`${file}: configMap must be a name, got nothing`);
    expect(bad.join("")).toContain(`${file}: waitSeconds must be an integer 0..3600, got 9999`);
  });

  it("outside a pod, without --api, says what is missing", async () => {
    const err: string[] = [];
    const code = await runResolveCommand(["--request", "r.json"], { stdout: () => {}, stderr: (t) => err.push(t), cwd: dir }, {});
    expect(code).toBe(2);
    expect(err.join("")).toContain("--api URL is required outside a pod (KUBERNETES_SERVICE_HOST is not set)");
  });
});
