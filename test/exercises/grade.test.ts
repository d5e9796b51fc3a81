import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOver, exerciseProgress, gradeExercise, nextHint, type Grade } from "../../exercises/grade";
import { listExercises, loadExercise, type Exercise } from "../../labs/exercise";
import { readKubernetesObjects, type NetworkPolicyLike } from "../../policy";

/**
 * Every shipped exercise graded by the engine: its reference solution meets every goal cell; no
 * policy, an allow-all policy and the near misses in near-misses/ (right selector with the wrong
 * port; right port in the wrong namespace) each miss exactly the cells written here by hand.
 */
const NEAR = join(__dirname, "near-misses");
const SEEDS = ["deny-nginx", "access-nginx", "default-deny", "deny-namespace", "access-namespace", "web-allow-external"];
const EXTRAS = ["egress-dns-only", "namespace-and-pod", "fix-broken-dns", "frontend-prod-only"];

const policiesIn = (file: string): NetworkPolicyLike[] => {
  const loaded = readKubernetesObjects(readFileSync(join(NEAR, file), "utf8"), file);
  expect(loaded.problems).toEqual([]);
  return loaded.policies;
};
/** "from→to port/PROTO" of every cell that misses its goal. */
const misses = (g: Grade) => g.cells.filter((c) => !c.met).map((c) => `${c.from.split("/")[1]}→${c.to.split("/")[1]} ${c.port}/${c.protocol}`);

type Variant = "none" | "allowAll" | "wrongPort" | "wrongNamespace";
const dns = ["demo→kube-dns 53/UDP", "demo→kube-dns 53/TCP"];
const MISSES: Record<string, Record<Variant, string[]>> = {
  "deny-nginx": {
    none: ["demo→nginx 80/TCP", "other→nginx 80/TCP"],
    allowAll: ["demo→nginx 80/TCP", "other→nginx 80/TCP"],
    wrongPort: ["demo→nginx 80/TCP", "other→nginx 80/TCP"],
    wrongNamespace: ["demo→nginx 80/TCP", "other→nginx 80/TCP"],
  },
  "access-nginx": {
    none: ["other→nginx 80/TCP", "prod-client→nginx 80/TCP"],
    allowAll: ["other→nginx 80/TCP", "prod-client→nginx 80/TCP"],
    wrongPort: ["demo→nginx 80/TCP"],
    wrongNamespace: ["other→nginx 80/TCP", "prod-client→nginx 80/TCP"],
  },
  "default-deny": {
    none: ["demo→myapp 80/TCP", "demo→web 80/TCP", "prod-client→web 80/TCP"],
    allowAll: ["demo→myapp 80/TCP", "demo→web 80/TCP", "prod-client→web 80/TCP"],
    wrongPort: ["demo→myapp 80/TCP", "demo→web 80/TCP", "prod-client→web 80/TCP"],
    wrongNamespace: ["demo→myapp 80/TCP", "demo→web 80/TCP", "prod-client→web 80/TCP"],
  },
  "deny-namespace": {
    none: ["prod-client→web 80/TCP", "dev-client→myapp 80/TCP"],
    allowAll: ["prod-client→web 80/TCP", "dev-client→myapp 80/TCP"],
    wrongPort: ["demo→web 80/TCP"],
    wrongNamespace: ["prod-client→web 80/TCP", "dev-client→myapp 80/TCP"],
  },
  "access-namespace": {
    none: ["dev-client→myapp 80/TCP", "demo→myapp 80/TCP"],
    allowAll: ["dev-client→myapp 80/TCP", "demo→myapp 80/TCP"],
    wrongPort: ["prod-client→myapp 80/TCP"],
    wrongNamespace: ["prod-client→myapp 80/TCP", "dev-client→myapp 80/TCP"],
  },
  "web-allow-external": {
    none: ["demo→web 81/UDP"],
    allowAll: ["demo→web 81/UDP"],
    wrongPort: ["dev-client→web 80/TCP", "prod-client→web 80/TCP", "demo→web 81/UDP"],
    wrongNamespace: ["demo→web 81/UDP"],
  },
  "egress-dns-only": {
    none: ["demo→nginx 80/TCP", "demo→web 80/TCP"],
    allowAll: ["demo→nginx 80/TCP", "demo→web 80/TCP"],
    wrongPort: dns,
    wrongNamespace: dns,
  },
  "namespace-and-pod": {
    none: ["prod-tool→myapp 80/TCP", "default-client→myapp 80/TCP", "dev-client→myapp 80/TCP"],
    allowAll: ["prod-tool→myapp 80/TCP", "default-client→myapp 80/TCP", "dev-client→myapp 80/TCP"],
    wrongPort: ["prod-client→myapp 80/TCP"],
    wrongNamespace: ["prod-client→myapp 80/TCP", "dev-client→myapp 80/TCP"],
  },
  // The starting policy isolates default for egress: with nothing added, DNS is what misses.
  "fix-broken-dns": { none: dns, allowAll: ["demo→myapp 80/TCP"], wrongPort: dns, wrongNamespace: dns },
  "frontend-prod-only": {
    none: ["dev-client→frontend 80/TCP", "demo→frontend 80/TCP"],
    allowAll: ["dev-client→frontend 80/TCP", "demo→frontend 80/TCP"],
    wrongPort: ["prod-client→frontend 80/TCP"],
    wrongNamespace: ["prod-client→frontend 80/TCP", "dev-client→frontend 80/TCP"],
  },
};

const loaded = new Map<string, Exercise>();
const exercise = async (name: string) => loaded.get(name) ?? loaded.set(name, await loadExercise(name)).get(name)!;

describe("the shipped exercises", () => {
  it("are the six seed scenarios and the four the seeds leave out", () => {
    expect(listExercises()).toEqual([...SEEDS, ...EXTRAS].sort());
    expect(Object.keys(MISSES).sort()).toEqual(listExercises());
  });

  describe.each(listExercises())("%s", (name) => {
    it("the reference solution over the starting policies meets every goal cell", async () => {
      const ex = await exercise(name);
      const grade = gradeExercise(ex, applyOver(ex.start, ex.solution));
      expect(misses(grade)).toEqual([]);
      expect([grade.done, grade.met, grade.total]).toEqual([true, ex.goal.length, ex.goal.length]);
    });

    it.each<[Variant, () => NetworkPolicyLike[]]>([
      ["none", () => []],
      ["allowAll", () => policiesIn("allow-all.yaml")],
      ["wrongPort", () => policiesIn(`${name}.wrong-port.yaml`)],
      ["wrongNamespace", () => policiesIn(`${name}.wrong-namespace.yaml`)],
    ])("%s misses exactly the cells it should, each with the engine's reason", async (variant, mine) => {
      const ex = await exercise(name);
      const grade = gradeExercise(ex, applyOver(ex.start, mine()));
      expect(grade.done).toBe(false);
      expect(misses(grade)).toEqual(MISSES[name]![variant]);
      for (const c of grade.cells.filter((x) => !x.met)) expect(c.reason.startsWith(`${c.predicted}: `)).toBe(true);
    });

    it("hints come one at a time, in the file's order, then the last again", async () => {
      const ex = await exercise(name);
      const shown = Array.from({ length: ex.hints.length + 1 }, (_, i) => nextHint(ex, i));
      expect(shown.map((h) => h.text)).toEqual([...ex.hints, ex.hints.at(-1)]);
      expect(shown.map((h) => h.number)).toEqual([...ex.hints.map((_, i) => i + 1), ex.hints.length]);
    });
  });
});

describe("grading details", () => {
  it("two peers instead of one peer with both selectors admit either condition (namespace-and-pod's lesson)", async () => {
    const g = gradeExercise(await exercise("namespace-and-pod"), policiesIn("namespace-and-pod.two-peers.yaml"));
    expect(misses(g)).toEqual(["prod-tool→myapp 80/TCP", "default-client→myapp 80/TCP"]);
    expect(g.cells.find((c) => c.from === "prod/prod-tool")!.reason).toContain("prod-clients-only ingress[0].from[0] ports[0] allows prod/prod-tool");
  });

  it("a participant's policy of the starting policy's name replaces it; others add up", () => {
    const p = (ns: string, name: string, marker: string) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace: ns }, spec: { marker } });
    const start = [p("default", "a", "start"), p("default", "b", "start")];
    expect(applyOver(start, [p("default", "b", "mine"), p("prod", "a", "mine")])).toEqual([p("default", "a", "start"), p("default", "b", "mine"), p("prod", "a", "mine")]);
  });

  it("the reason of a miss names the policy and rule responsible", async () => {
    const ex = await exercise("deny-nginx");
    const g = gradeExercise(ex, policiesIn("deny-nginx.wrong-port.yaml"));
    expect(g.cells[0]).toEqual({
      from: "default/demo",
      to: "default/nginx",
      port: 80,
      protocol: "TCP",
      goal: "denied",
      predicted: "allowed",
      met: false,
      reason: "allowed: default/nginx is selected by ingress policy deny-nginx; deny-nginx ingress[0] ports[0] allows default/demo; no egress policy selects default/demo",
    });
  });

  it("exerciseProgress grades each exercise on one set of cluster policies, and names a policy the engine refuses", async () => {
    const [a, b] = [await exercise("deny-nginx"), await exercise("access-nginx")];
    const bad = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "x", namespace: "default" }, spec: { podSelecter: {} } };
    expect(exerciseProgress([a, b], b.solution)).toEqual([
      { exercise: "deny-nginx", done: false, met: 1, total: 2 },
      { exercise: "access-nginx", done: true, met: 3, total: 3 },
    ]);
    expect(exerciseProgress([a], [bad])[0]).toMatchObject({ exercise: "deny-nginx", done: false, met: 0, problem: expect.stringContaining("podSelecter") });
  });
});
