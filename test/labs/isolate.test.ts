/**
 * Issue 11 §2: one `up` for all scenarios, each scenario's table that scenario's alone. The expected
 * verdicts below are the seed's (seed 000: what each of the six policies allows and denies), written
 * out by hand, checked on an enforcing backend (calico) where policies add up if scenarios share pods.
 */
import { describe, expect, it } from "vitest";
import { isolateScenarios, SCENARIO_LABEL } from "../../labs/isolate";
import { loadSpec, readStackFile, type Lab } from "../../labs";
import { planLab } from "../../plan";
import { STACKS_DIR } from "../helpers/stacks";
import { join } from "node:path";

/** Seed 000, per scenario: from → to:port, and whether that policy alone lets it through. */
const SEED: Record<string, [string, string, number, "allowed" | "denied"][]> = {
  "deny-nginx": [
    ["demo", "nginx", 80, "denied"],
    ["other", "nginx", 80, "denied"],
  ],
  "access-nginx": [
    ["demo", "nginx", 80, "allowed"],
    ["other", "nginx", 80, "denied"],
    ["prod-client", "nginx", 80, "denied"],
  ],
  "default-deny": [
    ["demo", "myapp", 80, "denied"],
    ["demo", "web", 80, "denied"],
    ["prod-client", "web", 80, "denied"],
  ],
  "deny-namespace": [
    ["demo", "web", 80, "allowed"],
    ["prod-client", "web", 80, "denied"],
    ["dev-client", "myapp", 80, "denied"],
  ],
  "access-namespace": [
    ["prod-client", "myapp", 80, "allowed"],
    ["dev-client", "myapp", 80, "denied"],
    ["demo", "myapp", 80, "denied"],
  ],
  "web-allow-external": [
    ["dev-client", "web", 80, "allowed"],
    ["prod-client", "web", 80, "allowed"],
    ["demo", "web", 81, "denied"],
  ],
};

async function calico(scenarios?: string[]) {
  const raw = readStackFile(join(STACKS_DIR, "Pulumi.calico-ipip.yaml"));
  return loadSpec(scenarios ? { ...raw, scenarios } : raw, "stacks/Pulumi.calico-ipip.yaml");
}

/** "from → to:port expect" per pod probe of a scenario, in the lab's own (unprefixed) names. */
function table(spec: Awaited<ReturnType<typeof calico>>, scenario: string, prefix: string): string[] {
  const strip = (n: string) => (n.startsWith(prefix) ? n.slice(prefix.length) : n);
  return planLab(spec)
    .assertions.probes.filter((p) => p.group === scenario && p.target.kind === "pods")
    .map((p) => `${strip(p.client)} → ${strip(p.target.kind === "pods" ? p.target.workload : "")}:${p.port} ${p.expect}`);
}

describe("each scenario on its own", () => {
  it("on calico, all six applied at once: every scenario expects exactly what the seed says it allows and blocks", async () => {
    const spec = await calico();
    for (const [scenario, rows] of Object.entries(SEED)) {
      const want = rows.map(([from, to, port, v]) => `${from} → ${to}:${port} ${v === "allowed" ? "connected" : "timeout"}`);
      expect(table(spec, scenario, `${scenario}-`), scenario).toEqual(want);
    }
  });

  it("a scenario among all six expects what it expects when it is the only one", async () => {
    const all = await calico();
    for (const scenario of Object.keys(SEED)) {
      const alone = await calico([scenario]);
      expect(table(all, scenario, `${scenario}-`)).toEqual(table(alone, scenario, ""));
    }
  });

  it("each scenario's pods and policies live in its own namespaces; namespace selectors are narrowed to them", async () => {
    const { lab } = await calico();
    const byScenario = (s: string) => lab.namespaces.filter((n) => n.labels?.[SCENARIO_LABEL] === s).map((n) => n.name);
    expect(byScenario("access-namespace")).toEqual(["access-namespace", "access-namespace-dev", "access-namespace-prod"]);
    const policy = lab.scenarios.find((s) => s.name === "access-namespace")!.policies[0]!;
    expect(policy.metadata.namespace).toBe("access-namespace");
    expect(policy.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { role: "prod", [SCENARIO_LABEL]: "access-namespace" } } }] }]);
    // The guestbook frontend, which no scenario probes, stays once and keeps its hostPort.
    const frontend = lab.workloads.filter((w) => w.name.endsWith("frontend"));
    expect(frontend.map((w) => `${w.namespace}/${w.name} hostPort ${w.containers[0]!.ports[0]!.hostPort}`)).toEqual(["default/frontend hostPort 80"]);
    // web's fixed nodePort is unique per cluster: its three copies let Kubernetes choose.
    const webs = lab.workloads.filter((w) => w.name.endsWith("-web"));
    expect(webs.length).toBe(3);
    expect(webs.flatMap((w) => w.service!.ports.map((p) => p.nodePort))).toEqual([undefined, undefined, undefined]);
  });

  it("renames namespaces a selector names by kubernetes.io/metadata.name; one scenario stays as written", () => {
    const lab: Lab = {
      name: "l",
      title: "t",
      checks: [],
      namespaces: [{ name: "x" }],
      workloads: [],
      clients: [],
      scenarios: ["a", "b"].map((name) => ({
        name,
        about: name,
        traffic: [],
        policies: [
          {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: "p", namespace: "x" },
            spec: {
              egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["x", "default"] }] } }] }],
            },
          },
        ],
      })),
    };
    const b = isolateScenarios(lab).scenarios[1]!.policies[0]!;
    expect(b.metadata.namespace).toBe("b-x");
    expect(b.spec.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: {
              matchLabels: { [SCENARIO_LABEL]: "b" },
              matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["b-x", "b"] }],
            },
          },
        ],
      },
    ]);
    expect(isolateScenarios({ ...lab, scenarios: lab.scenarios.slice(0, 1) })).toEqual({ ...lab, scenarios: lab.scenarios.slice(0, 1) });
  });
});
