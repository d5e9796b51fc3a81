import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSpec, SpecError } from "../../labs";
import { planLab } from "../../plan";
import { LABS_DIR } from "../../labs/lab";
import { loadExercise, loadExerciseTask, parseExercise } from "../../labs/exercise";

/** Exercise files: every problem at once, each naming the file, the field, the value and what is allowed. */
const SOURCE = "labs/exercises/x.yaml";
const policy = (name: string, ns = "default", spec = "{ podSelector: {} }") =>
  `  - { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: ${name}, namespace: ${ns} }, spec: ${spec} }`;
const file = (over: Record<string, string> = {}) =>
  [
    "name: x",
    over.lab ?? "lab: netpol",
    "title: t",
    "task: do it",
    over.clients ?? "",
    "goal:",
    over.goal ?? "  - { from: demo, to: nginx, port: 80, expect: denied }",
    "hints: [one]",
    "solution:",
    over.solution ?? policy("s"),
    over.extra ?? "",
  ].join("\n");

async function problems(text: string, name = "x"): Promise<string[]> {
  try {
    await parseExercise(text, SOURCE, name);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecError);
    return (err as SpecError).message.split("\n");
  }
  throw new Error("expected a SpecError, nothing was thrown");
}

describe("exercise files", () => {
  it("a valid file loads with its setting: the lab's namespaces, the workloads and clients the goal names, the start as one scenario", async () => {
    const ex = await parseExercise(file({ extra: `start:\n${policy("broken")}` }), SOURCE, "x");
    expect(ex.setting.workloads.map((w) => w.name)).toEqual(["nginx"]);
    expect(ex.setting.clients.map((c) => c.name)).toEqual(["demo"]);
    expect(ex.setting.namespaces.map((n) => n.name)).toEqual(["prod", "dev"]);
    expect(ex.setting.scenarios).toEqual([{ name: "x", about: "t", policies: [expect.objectContaining({ metadata: { name: "broken", namespace: "default" } })], traffic: [{ from: "demo", to: "nginx", port: 80, protocol: "TCP" }] }]);
    expect(ex.clusterPods).toEqual([]);
  });

  it("an unknown key, goal value or reference names the field, the value, the closest and what is allowed", async () => {
    expect(await problems(file({ extra: "hnits: [a]" }))).toEqual([
      "labs/exercises/x.yaml: hnits: unknown key 'hnits' (did you mean 'hints'?); allowed keys: name, lab, title, task, clients, start, goal, hints, solution",
    ]);
    expect(await problems(file({ goal: "  - { from: demo, to: nginx, port: 80, expect: blocked }" }))).toEqual([
      "labs/exercises/x.yaml: goal[0].expect: 'blocked' is not allowed; allowed: allowed, denied",
    ]);
    expect(await problems(file({ goal: "  - { from: dmeo, to: ngnix, port: 80, expect: denied }\n  - { from: demo, to: web, port: 8080, expect: denied }\n  - { from: demo, to: kube-dns, port: dns, protocol: TCP, expect: allowed }" }))).toEqual([
      "labs/exercises/x.yaml: goal[0].from: no client 'dmeo' (did you mean 'demo'?); clients: demo, other, prod-client, dev-client",
      "labs/exercises/x.yaml: goal[0].to: no workload or cluster pod 'ngnix' (did you mean 'nginx'?); targets: frontend, nginx, myapp, web, kube-dns",
      "labs/exercises/x.yaml: goal[1].port: 'web' declares no TCP port 8080; its ports: http = 80/TCP, udp = 81/UDP",
      "labs/exercises/x.yaml: goal[2].port: 'kube-dns' declares no TCP port dns; its ports: dns = 53/UDP, dns-tcp = 53/TCP, metrics = 9153/TCP",
    ]);
  });

  it("the lab, the clients and the name are checked against what exists", async () => {
    expect(await problems(file({ lab: "lab: netpl" }))).toEqual(["labs/exercises/x.yaml: lab: no lab 'netpl' (did you mean 'netpol'?); labs: docker-drivers, docker-host, docker-none, docker-overlay, netpol, netpol-universe, pod-basics, storage"]);
    expect(await problems(file({ clients: "clients:\n  - { name: demo, namespace: staging, labels: { a: b } }" }))).toEqual([
      "labs/exercises/x.yaml: clients[0].name: lab netpol has a client 'demo' already; give the exercise's own client another name",
      "labs/exercises/x.yaml: clients[0].namespace: namespace 'staging' is not one of lab netpol's; namespaces: default, prod, dev",
    ]);
    expect(await problems(file(), "y")).toEqual(["labs/exercises/x.yaml: name: 'x' differs from the file's name 'y'; `cnilab check y` finds the exercise by its file"]);
  });

  it("starting and reference policies are validated as the API server would, in the lab's namespaces", async () => {
    const lines = await problems(file({ solution: `${policy("s", "staging")}\n${policy("t", "default", "{ podSelecter: {} }")}\n${policy("s", "staging")}` }));
    expect(lines).toEqual([
      "labs/exercises/x.yaml: solution[0].metadata.namespace: namespace 'staging' is not one of lab netpol's; namespaces: default, prod, dev",
      "labs/exercises/x.yaml: solution[1].spec.podSelecter: NetworkPolicy default/t: unknown field 'podSelecter' (did you mean 'podSelector'?); known here: podSelector, policyTypes, ingress, egress",
      "labs/exercises/x.yaml: solution[2].metadata.namespace: namespace 'staging' is not one of lab netpol's; namespaces: default, prod, dev",
      "labs/exercises/x.yaml: solution[2]: two NetworkPolicies staging/s",
    ]);
  });

  describe("an exercise that is not there", () => {
    const dir = mkdtempSync(join(tmpdir(), "cnilab-exercises-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    it("is answered with the closest name and the list", async () => {
      writeFileSync(join(dir, "deny-nginx.yaml"), "");
      await expect(loadExercise("deny-ngnix", dir)).rejects.toThrow(/: no exercise 'deny-ngnix' \(did you mean 'deny-nginx'\?\); exercises: deny-nginx$/);
      await expect(loadExercise("deny-nginx", dir)).rejects.toThrow(/deny-nginx\.yaml: the file is empty; an exercise is a map with name, lab, title/);
    });
  });
});

describe("the reference solution: required in the repository, withheld in a terminal's copy", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-withheld-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withoutSolution = file().replace(/\nsolution:\n.*\n/, "\n");
  const shelf = { dir, labsDir: LABS_DIR, solution: "withheld" } as const;

  it("a repository file without one is an error naming the field", async () => {
    expect(withoutSolution).not.toContain("solution");
    expect(await problems(withoutSolution)).toEqual(["labs/exercises/x.yaml: solution: expected a list, got nothing (the field is required)"]);
  });

  it("a withheld shelf loads a file without one, and the task it gives has no solution field", async () => {
    writeFileSync(join(dir, "x.yaml"), withoutSolution);
    const task = await loadExerciseTask("x", shelf);
    expect(task.goal).toEqual([{ from: "demo", to: "nginx", port: 80, protocol: "TCP", expect: "denied" }]);
    expect("solution" in task).toBe(false);
  });

  it("a withheld shelf refuses a file that carries one: it must not reach a participant", async () => {
    writeFileSync(join(dir, "y.yaml"), file().replace("name: x", "name: y"));
    await expect(loadExerciseTask("y", shelf)).rejects.toThrow(/y\.yaml: solution: unknown key 'solution'; allowed keys: name, lab, title, task, clients, start, goal, hints$/);
  });

  it("the repository's shelf gives the task of a file with one, its solution still validated", async () => {
    writeFileSync(join(dir, "z.yaml"), file({ solution: policy("s", "staging") }).replace("name: x", "name: z"));
    await expect(loadExerciseTask("z", { ...shelf, solution: "required" })).rejects.toThrow(/solution\[0\]\.metadata\.namespace: namespace 'staging'/);
  });
});

describe("cnilab:exercise: a stack that runs an exercise's starting state", () => {
  it("runs the exercise's setting (its workloads and clients as the lab writes them, the starting policies) and plans it", async () => {
    const spec = await loadSpec({ lab: "netpol", backend: "kindnet", exercise: "fix-broken-dns" }, "stacks/Pulumi.ex.yaml");
    expect(spec.lab.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(["default/nginx", "default/myapp"]);
    expect(spec.lab.scenarios.map((s) => [s.name, s.policies.map((p) => p.metadata.name)])).toEqual([["fix-broken-dns", ["egress-nginx-only"]]]);
    const probes = planLab(spec).assertions.probes.filter((p) => p.group === "fix-broken-dns" && p.id.endsWith("-pod"));
    // The starting policy allows demo only nginx: that is what `up` then `verify` show, before the fix.
    expect(probes.map((p) => [p.id, p.expect])).toEqual([
      ["fix-broken-dns/demo-nginx-80-tcp-pod", "connected"],
      ["fix-broken-dns/demo-myapp-80-tcp-pod", "timeout"],
    ]);
  });

  it("an unknown exercise, another lab's, or scenarios beside it are errors naming the key", async () => {
    const load = (extra: Record<string, unknown>) => loadSpec({ lab: "netpol", backend: "kindnet", ...extra }, "stacks/Pulumi.ex.yaml");
    await expect(load({ exercise: "deny-ngnix" })).rejects.toThrow("stacks/Pulumi.ex.yaml: cnilab:exercise: no exercise 'deny-ngnix' (did you mean 'deny-nginx'?); exercises: access-namespace,");
    await expect(load({ exercise: "deny-nginx", scenarios: ["deny-nginx"] })).rejects.toThrow("stacks/Pulumi.ex.yaml: cnilab:scenarios: an exercise stack (cnilab:exercise deny-nginx) runs the exercise's starting state, not scenarios: leave cnilab:scenarios out");
    await expect(load({ lab: "netpol-universe", exercise: "deny-nginx" })).rejects.toThrow("stacks/Pulumi.ex.yaml: cnilab:lab: exercise deny-nginx runs on lab 'netpol', not 'netpol-universe'");
  });
});
