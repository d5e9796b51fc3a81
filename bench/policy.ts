/**
 * Reachability engine at cluster scale: 1,000 pods in 50 namespaces, 200 policies using every v1
 * feature, 4 ports (one named) — 4 million verdicts. Target: under 2 s and under 1 GiB on the
 * 2-core CI machine. The universe is generated from a fixed seed, so runs are comparable.
 * End to end, `cnilab policy matrix --output json` on the same universe as a kubectl List file with
 * 2 ports (2 million rows): read, parse, evaluate and write, timed in-process (no Node start-up) into
 * a sink that counts bytes. Target: under 1.5 s.
 * Run: `npx tsx -e 'require("./bench/policy").benchPolicy()'` or `npm run bench -- policy`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { main } from "../cli/main";
import { describeVerdict, evaluatePolicies, type NetworkPolicy, type PodInput, type PolicyMatrix, type PolicyUniverse, type PortQuery } from "../policy";

const NAMESPACES = 50;
const PODS_PER_NAMESPACE = 20;
const POLICIES_PER_NAMESPACE = 4;
const RUNS = 5;
const EXPLAINED = 10_000;
const PORTS: readonly PortQuery[] = [
  { port: 80, protocol: "TCP" },
  { port: 443, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
  { port: "metrics", protocol: "TCP" },
];

/** mulberry32: a small deterministic PRNG, so the universe is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ["payments", "search", "identity", "media", "ops"];
const ENVS = ["prod", "staging", "dev"];
const APPS = ["web", "api", "cart", "auth", "db", "cache", "queue", "worker", "gateway", "report"];
const ROLES = ["frontend", "backend", "db"];

export function generateUniverse(seed = 42): PolicyUniverse {
  const rnd = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const nsName = (i: number) => `ns-${String(i).padStart(2, "0")}`;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => ({ name: nsName(i), labels: { team: TEAMS[i % TEAMS.length]!, env: pick(ENVS) } }));
  const pods: PodInput[] = namespaces.flatMap((ns, n) =>
    Array.from({ length: PODS_PER_NAMESPACE }, (_, i) => ({
      namespace: ns.name,
      name: `pod-${String(i).padStart(2, "0")}`,
      labels: { app: pick(APPS), role: pick(ROLES), ...(rnd() < 0.5 ? { version: "v2" } : {}) },
      ...(rnd() < 0.95 ? { ip: `10.244.${n}.${i + 2}` } : {}),
      ports: [
        { name: "http", containerPort: 80 },
        { name: "https", containerPort: 443 },
        { name: "dns", containerPort: 53, protocol: "UDP" as const },
        // Most pods expose metrics on 9090, some on 9100, a few not at all (no-such-port cells).
        ...(rnd() < 0.9 ? [{ name: "metrics", containerPort: rnd() < 0.8 ? 9090 : 9100 }] : []),
      ],
    })),
  );
  const templates: ((ns: string, name: string) => NonNullable<NetworkPolicy["spec"]>)[] = [
    () => ({ podSelector: {}, policyTypes: ["Ingress"] }),
    () => ({
      podSelector: { matchLabels: { app: pick(APPS) } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: pick(TEAMS) } }, podSelector: { matchLabels: { role: "frontend" } } }, { podSelector: {} }], ports: [{ port: "http" }, { port: 443 }] }],
    }),
    () => ({
      podSelector: { matchExpressions: [{ key: "role", operator: "In", values: ["backend", "db"] }] },
      ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }] } }], ports: [{ port: 8000, endPort: 9000 }, { port: 53, protocol: "UDP" }] }],
    }),
    () => ({
      podSelector: { matchLabels: { role: pick(ROLES) } },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ namespaceSelector: { matchLabels: { team: pick(TEAMS) } }, podSelector: { matchLabels: { role: "db" } } }], ports: [{ port: 5432 }, { port: 443 }] },
        { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: "UDP" }] },
        { to: [{ ipBlock: { cidr: "10.244.0.0/16", except: [`10.244.${Math.floor(rnd() * NAMESPACES)}.0/24`] } }], ports: [{ port: "metrics" }] },
      ],
    }),
    () => ({ podSelector: { matchExpressions: [{ key: "version", operator: "Exists" }] }, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ ipBlock: { cidr: `10.244.${Math.floor(rnd() * NAMESPACES)}.0/24` } }] }] }),
    () => ({ podSelector: { matchExpressions: [{ key: "version", operator: "DoesNotExist" }] }, ingress: [{}], egress: [{ ports: [{ protocol: "TCP" }] }] }),
  ];
  const policies: NetworkPolicy[] = namespaces.flatMap((ns) =>
    Array.from({ length: POLICIES_PER_NAMESPACE }, (_, i) => {
      const name = `policy-${i}`;
      return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { namespace: ns.name, name }, spec: pick(templates)(ns.name, name) };
    }),
  );
  return { namespaces, pods, policies };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

function tally(m: PolicyMatrix): Record<string, number> {
  const counts: Record<string, number> = { allowed: 0, denied: 0, "no-such-port": 0 };
  const n = m.pods.length;
  for (let q = 0; q < m.ports.length; q++) for (let s = 0; s < n; s++) for (let d = 0; d < n; d++) counts[m.verdict(s, d, q)]!++;
  return counts;
}

export async function benchPolicy(): Promise<void> {
  const universe = generateUniverse();
  const before = process.memoryUsage();
  const times: number[] = [];
  let matrix: PolicyMatrix | undefined;
  let peakRss = before.rss;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    matrix = evaluatePolicies(universe, PORTS);
    times.push(performance.now() - t0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const after = process.memoryUsage();
  const m = matrix!;
  const t1 = performance.now();
  const counts = tally(m);
  const readMs = performance.now() - t1;

  const rnd = seeded(7);
  const n = m.pods.length;
  const t2 = performance.now();
  let chars = 0;
  for (let i = 0; i < EXPLAINED; i++) chars += describeVerdict(m.explain(Math.floor(rnd() * n), Math.floor(rnd() * n), Math.floor(rnd() * PORTS.length))).length;
  const explainMs = performance.now() - t2;

  times.sort((a, b) => a - b);
  const cells = n * n * PORTS.length;
  const lines = [
    `universe: ${n} pods, ${universe.namespaces.length} namespaces, ${universe.policies.length} policies, ${PORTS.length} ports → ${cells.toLocaleString("en")} verdicts`,
    `verdicts: ${counts.allowed} allowed, ${counts.denied} denied, ${counts["no-such-port"]} no-such-port (named port not declared)`,
    `full matrix (compile + all verdicts), median of ${RUNS}: ${times[Math.floor(RUNS / 2)]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[RUNS - 1]!.toFixed(0)})  target < 2000 ms`,
    `reading all ${cells.toLocaleString("en")} verdicts back: ${readMs.toFixed(0)} ms`,
    `explain + describe ${EXPLAINED.toLocaleString("en")} random cells: ${explainMs.toFixed(0)} ms (${((explainMs * 1000) / EXPLAINED).toFixed(1)} µs each, ${Math.round(chars / EXPLAINED)} chars)`,
    `memory: rss ${mib(before.rss)} → ${mib(after.rss)} (peak seen ${mib(peakRss)}), heapUsed ${mib(before.heapUsed)} → ${mib(after.heapUsed)}, arrayBuffers ${mib(after.arrayBuffers)}  target < 1024 MiB`,
  ];
  process.stdout.write(`${lines.join("\n")}\n${await endToEnd(universe)}\n`);
}

/** The universe as `kubectl get ns,pods,networkpolicies -A -o json` would print it. */
function asKubectlList(u: PolicyUniverse): string {
  const items = [
    ...u.namespaces.map((ns) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns.name, labels: ns.labels } })),
    ...u.pods.map((p) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { namespace: p.namespace, name: p.name, labels: p.labels },
      spec: { containers: [{ name: "main", ports: p.ports }] },
      ...(p.ip ? { status: { podIP: p.ip } } : {}),
    })),
    ...u.policies,
  ];
  return JSON.stringify({ apiVersion: "v1", kind: "List", items }, null, 1);
}

async function endToEnd(u: PolicyUniverse): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-bench-policy-"));
  try {
    const file = join(dir, "cluster.json");
    writeFileSync(file, asKubectlList(u));
    const argv = ["policy", "matrix", "-f", file, "--port", "80", "--port", "443", "--output", "json"];
    let bytes = 0;
    let stderr = "";
    const io = { stdout: (t: string) => void (bytes += Buffer.byteLength(t)), stderr: (t: string) => void (stderr += t), cwd: dir, env: {} };
    const t0 = performance.now();
    const code = await main(argv, io);
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`policy matrix exited ${code}: ${stderr}`);
    return `end to end, policy matrix -o json on ${u.pods.length} pods / ${u.policies.length} policies / 2 ports: ${ms.toFixed(0)} ms, ${mib(bytes)} written  target < 1500 ms (with --reasons: every row's reason, several times the bytes and the time)`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
