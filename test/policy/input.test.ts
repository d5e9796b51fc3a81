/** The input gate and the pod reader as data: formats, bounds, alias bombs, sidecar ports and notes. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePolicies, INPUT_LIMITS, inputFormat, podCountProblem, readDocuments, readKubernetesObjects, sizeProblem } from "../../policy";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

describe("policy input gate", () => {
  it("takes text starting with { or [ as JSON and reads it with JSON.parse", () => {
    expect(inputFormat('  \n{"kind":"List"}')).toBe("json");
    expect(inputFormat("[]")).toBe("json");
    expect(inputFormat("# a comment\nkind: List")).toBe("yaml");
    // JSON.parse keeps the last of two equal keys; the YAML parser would refuse the document.
    expect(readDocuments('{"kind":"Pod","kind":"List","items":[]}', "dup.json")).toEqual({ docs: [{ where: "dup.json", value: { kind: "List", items: [] } }], problems: [] });
    expect(readDocuments('{"kind":"List",', "cut.json").problems[0]).toMatch(/^cut\.json: not valid JSON: /);
  });

  it("states the size bounds: 128 MiB of JSON, 8 MiB of YAML, 5,000 pods", () => {
    expect(INPUT_LIMITS).toEqual({ jsonBytes: 134217728, yamlBytes: 8388608, pods: 5000 });
    expect(sizeProblem("big.yaml", 8388608, "yaml")).toBeUndefined();
    expect(sizeProblem("big.yaml", 52428800, "yaml")).toBe(
      "big.yaml: 50 MiB of YAML is more than the 8 MiB limit for YAML input; give it as JSON (kubectl get ns,pods,networkpolicies -A -o json), which may have up to 128 MiB",
    );
    expect(sizeProblem("big.json", 134217729, "json")).toBe(
      "big.json: 128 MiB of JSON is more than the 128 MiB limit for JSON input; narrow it (kubectl get … -n NAMESPACE, or only the Namespace, Pod and NetworkPolicy objects)",
    );
  });

  it("names the files and the limit when the pods of all files are too many", () => {
    expect(podCountProblem([{ file: "a.json", pods: 2500 }, { file: "b.json", pods: 2500 }])).toBeUndefined();
    expect(podCountProblem([{ file: "a.json", pods: 4000 }, { file: "policies.yaml", pods: 0 }, { file: "b.json", pods: 1001 }])).toBe(
      "5,001 pods (a.json 4,000, b.json 1,001) is more than the 5,000-pod limit (the matrix holds pods² cells per port); give the namespaces that matter (kubectl get … -n NAMESPACE)",
    );
  });

  it("refuses an alias bomb, naming the file, without expanding it", () => {
    const { docs, problems } = readDocuments(fixture("alias-bomb.yaml"), "alias-bomb.yaml");
    expect(docs).toEqual([]);
    expect(problems).toEqual([
      "alias-bomb.yaml: not read: its aliases expand too far (Excessive alias count indicates a resource exhaustion attack); write it out without anchors and aliases",
    ]);
  });
});

describe("pod ports and notes", () => {
  const loaded = readKubernetesObjects(fixture("sidecar-pods.yaml"), "sidecar-pods.yaml");

  it("counts a native sidecar's ports as the pod's, and a plain init container's not", () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.pods.find((p) => p.name === "db")?.ports).toEqual([
      { containerPort: 5432, protocol: "TCP", name: "sql" },
      { containerPort: 8099, protocol: "TCP", name: "metrics" },
    ]);
  });

  it("lets a policy's named port reach the sidecar (kubernetes#125285)", () => {
    const m = evaluatePolicies(loaded, [{ port: "metrics", protocol: "TCP" }]);
    const [agent, db, web] = ["x/node-agent", "x/db", "x/web"].map((k) => m.podIndex(k)) as [number, number, number];
    expect(m.port(db, 0)).toBe(8099);
    expect(m.verdict(agent, db, 0)).toBe("allowed");
    expect(m.verdict(web, db, 0)).toBe("denied");
    // web's metrics is 9090 in one container and 9100 in another: --port resolves to the first.
    expect(m.port(web, 0)).toBe(9090);
    expect(m.verdict(agent, web, 0)).toBe("allowed");
    expect(evaluatePolicies(loaded, [{ port: 9100, protocol: "TCP" }]).verdict(agent, web, 0)).toBe("allowed");
  });

  it("notes a port name two containers declare, and a hostNetwork pod", () => {
    expect(loaded.notes).toEqual([
      "Pod x/web: port name metrics/TCP is declared by containers web (9090), exporter (9100); --port metrics resolves to 9090 (the first), and a policy naming it matches any of them, where an implementation may pick one",
      "Pod x/node-agent: hostNetwork: NetworkPolicy behaviour for host-network pods is undefined; implementations either ignore them when matching podSelector and namespaceSelector or treat their traffic as the node's, so the verdicts shown for it (those of an ordinary pod) may not hold",
    ]);
  });
});
