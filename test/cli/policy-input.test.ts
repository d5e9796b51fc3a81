/** `cnilab policy matrix` on the inputs at the edges: lab files, bounds, alias bombs, sidecars. */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import type { MatrixResultRow } from "../../policy";
import { captureIo } from "./io";

const FIXTURES = join(__dirname, "..", "policy", "fixtures");
const tmp = mkdtempSync(join(tmpdir(), "cnilab-policy-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cnilab(cwd: string, ...argv: string[]) {
  const io = captureIo({}, cwd);
  const code = await main(argv, io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe("policy matrix -f LAB", () => {
  it("runs the engine on the lab's namespaces, one pod per workload and client, and its policies", async () => {
    const run = await cnilab(FIXTURES, "policy", "matrix", "-f", "lab-small.yaml", "--port", "http", "-o", "json");
    expect(run.code).toBe(0);
    const rows = (JSON.parse(run.stdout) as { results: MatrixResultRow[] }).results;
    // Only api declares http; api-from-frontend admits prod/frontend alone.
    expect(rows.map((r) => `${r.from}>${r.to}:${r.port} ${r.allowed}`)).toEqual([
      "default/stranger>prod/api:8080 false",
      "prod/api>prod/api:8080 false",
      "prod/db>prod/api:8080 false",
      "prod/frontend>prod/api:8080 true",
    ]);
    expect(run.stderr).toContain("cnilab policy matrix: note: lab-small.yaml: lab lab-small: one pod per workload and per client, the policies of every scenario together, as its plan probes them\n");
  });

  it("reports a lab file's problems as the lab loader does, with exit 2", async () => {
    const bad = join(tmp, "bad-lab.yaml");
    writeFileSync(bad, "name: bad\ntitle: t\nworkloads:\n  - name: w\n    namespace: ghost\n    labels: {}\n    image: agnhost\n    ports: [{ containerPort: 80 }]\n");
    const run = await cnilab(tmp, "policy", "matrix", "-f", "bad-lab.yaml");
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "cnilab policy matrix: bad-lab.yaml: workloads[0].namespace: namespace 'ghost' is not declared; declared: default\n",
    });
  });

  it("names a lab file whose aliases expand too far", async () => {
    const levels = ["a: &a [x,x,x,x,x,x,x,x,x]", ..."bcdefg".split("").map((l, i) => `${l}: &${l} [${Array(9).fill(`*${"abcdefg"[i]}`).join(",")}]`)];
    writeFileSync(join(tmp, "bomb-lab.yaml"), `name: bomb\ntitle: t\n${levels.join("\n")}\nworkloads: *g\n`);
    const run = await cnilab(tmp, "policy", "matrix", "-f", "bomb-lab.yaml");
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "cnilab policy matrix: bomb-lab.yaml: YAML: not read: its aliases expand too far (Excessive alias count indicates a resource exhaustion attack); write it out without anchors and aliases\n",
    });
  });
});

describe("policy matrix input bounds (exit 2, file named)", () => {
  it("refuses YAML past its bound before reading it", async () => {
    const big = join(tmp, "big.yaml");
    writeFileSync(big, "kind: List\nitems:\n");
    truncateSync(big, 50 * 2 ** 20); // sparse: the size is what is judged
    const run = await cnilab(tmp, "policy", "matrix", "-f", "big.yaml");
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "cnilab policy matrix: big.yaml: 50 MiB of YAML is more than the 8 MiB limit for YAML input; give it as JSON (kubectl get ns,pods,networkpolicies -A -o json), which may have up to 128 MiB\n",
    });
  });

  it("refuses more pods than the limit, naming the files", async () => {
    const pods = Array.from({ length: 5001 }, (_, i) => ({ kind: "Pod", metadata: { name: `p${i}`, namespace: "n" } }));
    writeFileSync(join(tmp, "many.json"), JSON.stringify({ kind: "List", items: pods }));
    const run = await cnilab(tmp, "policy", "matrix", "-f", "many.json", "--port", "80");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "cnilab policy matrix: 5,001 pods (many.json 5,001) is more than the 5,000-pod limit (the matrix holds pods² cells per port); give the namespaces that matter (kubectl get … -n NAMESPACE)\n",
    );
  });

  it("names the file of an alias bomb", async () => {
    const run = await cnilab(FIXTURES, "policy", "matrix", "-f", "alias-bomb.yaml");
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "cnilab policy matrix: alias-bomb.yaml: not read: its aliases expand too far (Excessive alias count indicates a resource exhaustion attack); write it out without anchors and aliases\n",
    });
  });

  it("says a directory is a directory", async () => {
    const run = await cnilab(tmp, "policy", "matrix", "-f", ".");
    expect(run).toEqual({ code: 2, stdout: "", stderr: "cnilab policy matrix: . is a directory, not a file\n" });
  });
});

describe("policy matrix on sidecars and host-network pods", () => {
  it("resolves a named port on a native sidecar and prints the notes", async () => {
    const run = await cnilab(FIXTURES, "policy", "matrix", "-f", "sidecar-pods.yaml", "--port", "metrics");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        "metrics/TCP  (rows: from, columns: to; . allowed, X denied, - no such port on that destination)",
        "-            x/db x/node-agent x/web",
        "x/db         X    -            X",
        "x/node-agent .    -            .",
        "x/web        X    -            X",
        "",
      ].join("\n"),
    );
    expect(run.stderr).toMatch(/^cnilab policy matrix: note: Pod x\/web: port name metrics\/TCP is declared by containers web \(9090\), exporter \(9100\);/m);
    expect(run.stderr).toMatch(/^cnilab policy matrix: note: Pod x\/node-agent: hostNetwork: NetworkPolicy behaviour for host-network pods is undefined;/m);
  });
});
