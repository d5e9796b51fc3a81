/** `cnilab policy matrix` end to end through main(), on fixture files, with captured output. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Io } from "../../cli/command";
import { main } from "../../cli/main";
import type { MatrixResultRow } from "../../policy";

const FIXTURES = join(__dirname, "fixtures");

async function cnilab(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: FIXTURES, env: {} };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

async function results(...argv: string[]): Promise<MatrixResultRow[]> {
  const run = await cnilab(...argv, "--output", "json");
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as { results: MatrixResultRow[] }).results;
}

describe("cnilab policy matrix", () => {
  it("prints one truth table per declared port from multi-document YAML, with notes on stderr", async () => {
    const run = await cnilab("policy", "matrix", "-f", "xy-multidoc.yaml");
    expect(run.code).toBe(0);
    const table = ["-   x/a x/b y/a z/a", "x/a X   .   .   .", "x/b .   .   .   .", "y/a X   .   .   .", "z/a X   .   .   ."].join("\n");
    expect(run.stdout).toBe(
      `80/TCP  (rows: from, columns: to; . allowed, X denied)\n${table}\n\n81/UDP  (rows: from, columns: to; . allowed, X denied)\n${table}\n`,
    );
    expect(run.stderr).toBe(
      "cnilab policy matrix: note: xy-multidoc.yaml: ignored 1 Service (only Namespace, Pod, NetworkPolicy are read)\n" +
        "cnilab policy matrix: note: namespace z has pods but no Namespace object; taking it as labelled only kubernetes.io/metadata.name=z\n",
    );
  });

  it("--port limits the tables and reads protocols in any case", async () => {
    const run = await cnilab("policy", "matrix", "-f", "xy-multidoc.yaml", "--port", "81/udp");
    expect(run.stdout.split("\n")[0]).toBe("81/UDP  (rows: from, columns: to; . allowed, X denied)");
    expect(run.stdout.match(/rows: from/g)).toHaveLength(1);
  });

  it("reads `kubectl get -o yaml` List output and prints json results, with reasons on request", async () => {
    const rows = await results("policy", "matrix", "-f", "kubectl-list.yaml", "--reasons");
    expect(rows).toHaveLength(9);
    const nginx = "default/nginx-7c5ddbdf54-4x2kq";
    expect(rows.find((r) => r.from === "prod/client" && r.to === nginx)).toEqual({
      from: "prod/client",
      to: nginx,
      port: 80,
      protocol: "TCP",
      allowed: false,
      reason: `denied: ${nginx} is selected by ingress policies deny-nginx, access-nginx, whose rules allow no peer matching prod/client`,
      loopback: false,
    });
    expect(rows.find((r) => r.from === "default/demo" && r.to === nginx)?.allowed).toBe(true);
    expect(rows.filter((r) => !r.allowed).map((r) => `${r.from}>${r.to}`)).toEqual([`${nginx}>${nginx}`, `prod/client>${nginx}`]);
    expect(rows.filter((r) => r.loopback)).toHaveLength(3);
    const lean = await results("policy", "matrix", "-f", "kubectl-list.yaml");
    expect(lean).toEqual(rows.map(({ reason: _, ...row }) => row));
    expect(lean.find((r) => r.from === "prod/client" && r.to === nginx)).toEqual({ from: "prod/client", to: nginx, port: 80, protocol: "TCP", allowed: false, loopback: false });
  });

  it("resolves a named --port on each destination and reports the number; JSON input works", async () => {
    const rows = await results("policy", "matrix", "-f", "xy.json", "--port", "serve-81-udp/UDP");
    expect(rows.map((r) => [r.from, r.to, r.port, r.protocol, r.allowed])).toEqual([
      ["x/a", "x/a", 81, "UDP", true],
      ["x/a", "y/b", 9081, "UDP", true],
      ["y/b", "x/a", 81, "UDP", true],
      ["y/b", "y/b", 9081, "UDP", false],
    ]);
  });

  it("leaves out destinations that do not declare a named port, and says so", async () => {
    const run = await cnilab("policy", "matrix", "-f", "xy-multidoc.yaml", "--port", "serve-81-udp/UDP", "-o", "json");
    const rows = (JSON.parse(run.stdout) as { results: MatrixResultRow[] }).results;
    expect(new Set(rows.map((r) => r.to))).toEqual(new Set(["x/a"]));
    expect(run.stderr).toContain("cnilab policy matrix: note: serve-81-udp/UDP: no such port on x/b, y/a, z/a; connections to them are left out\n");
    const table = await cnilab("policy", "matrix", "-f", "xy-multidoc.yaml", "--port", "serve-81-udp/UDP");
    expect(table.stdout.split("\n").slice(0, 3)).toEqual([
      "serve-81-udp/UDP  (rows: from, columns: to; . allowed, X denied, - no such port on that destination)",
      "-   x/a x/b y/a z/a",
      "x/a X   -   -   -",
    ]);
  });

  it("combines several files", async () => {
    const rows = await results("policy", "matrix", "-f", "kubectl-list.yaml", "-f", "xy.json", "--port", "80");
    expect(rows).toHaveLength(25);
  });

  it("explains everything in --help, with an example", async () => {
    const run = await cnilab("policy", "--help");
    expect(run.code).toBe(0);
    for (const text of ["Usage: cnilab policy matrix -f FILE", "kind: List", "--output table|json", '"loopback":false', "--reasons", "Exit status", "kubectl get ns,pods,networkpolicies -A -o yaml"]) {
      expect(run.stdout).toContain(text);
    }
    expect((await cnilab("--help")).stdout).toMatch(/ {2}policy +NetworkPolicy reachability/);
  });
});

describe("cnilab policy matrix errors (exit 2)", () => {
  it("names the file, object and field of every malformed object", async () => {
    const run = await cnilab("policy", "matrix", "-f", "invalid-policies.yaml");
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      [
        "cnilab policy matrix: invalid input:",
        "  invalid-policies.yaml: document 1: NetworkPolicy x/range-on-name: spec.ingress[0].ports[0].endPort: may not be specified when port is a name",
        "  invalid-policies.yaml: document 2: NetworkPolicy x/mixed-peer: spec.podSelector.matchLabels.tier: must be a string, got 1 (quote it)",
        "  invalid-policies.yaml: document 2: NetworkPolicy x/mixed-peer: spec.egress[0].to[0]: may not combine ipBlock with podSelector or namespaceSelector",
        "",
      ].join("\n"),
    );
  });

  it("reports YAML syntax errors with the place", async () => {
    const run = await cnilab("policy", "matrix", "-f", "invalid-yaml.yaml");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("cnilab policy matrix: invalid-yaml.yaml: not valid YAML or JSON: Nested mappings are not allowed in compact mappings at line 4, column 9\n");
  });

  it.each([
    [["policy", "matrix", "-f", "missing.yaml"], "cnilab policy matrix: missing.yaml does not exist\n"],
    [["policy", "matrix"], "cnilab policy: give at least one -f FILE with Namespace, Pod and NetworkPolicy objects\n(see 'cnilab policy --help')\n"],
    [["policy"], "cnilab policy: missing subcommand: matrix\n(see 'cnilab policy --help')\n"],
    [["policy", "graph", "-f", "xy.json"], "cnilab policy: unknown subcommand 'graph'; subcommands: matrix\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "extra.yaml"], "cnilab policy: unexpected argument 'extra.yaml' (files go after -f)\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "--reasons"], "cnilab policy: --reasons is for --output json (the table marks each cell . or X)\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "-o", "csv"], "cnilab policy: --output 'csv' is not one of table, json\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "--port", "80/ICMP"], "cnilab policy: --port '80/ICMP': write PORT or PORT/PROTOCOL with PROTOCOL one of TCP, UDP, SCTP\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "--port", "70000"], "cnilab policy: --port '70000': 70000 is not a port number 1..65535\n(see 'cnilab policy --help')\n"],
    [["policy", "matrix", "-f", "xy.json", "--port", "Web_Port"], "cnilab policy: --port 'Web_Port': \"Web_Port\" must be lowercase letters, digits and single inner hyphens\n(see 'cnilab policy --help')\n"],
  ])("%j", async (argv, stderr) => {
    const run = await cnilab(...argv);
    expect(run).toEqual({ code: 2, stdout: "", stderr });
  });

  it("refuses an unknown option", async () => {
    const run = await cnilab("policy", "matrix", "-f", "xy.json", "--colour");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^cnilab policy: unknown option '--colour'; options: --file <value>, --port <value>, --output <value>, --reasons, -h\/--help\n/);
  });

  it("asks for --port when no pod declares one", async () => {
    const noPorts = await cnilab("policy", "matrix", "-f", "no-ports.yaml");
    expect(noPorts).toEqual({
      code: 2,
      stdout: "",
      stderr: "cnilab policy matrix: no pod declares a container port; give the ports to evaluate with --port (e.g. --port 80/TCP)\n",
    });
  });

  it("refuses a pod given twice across files", async () => {
    const run = await cnilab("policy", "matrix", "-f", "xy.json", "-f", "xy.json");
    expect(run.code).toBe(2);
    // Each object of the second copy, named with the file and the item, and where it came first.
    expect(run.stderr.split("\n").slice(0, 3)).toEqual([
      "cnilab policy matrix: invalid input:",
      "  xy.json: items[0]: Pod x/a: appears twice (first in xy.json: items[0]); which one counts would depend on the order of the input",
      "  xy.json: items[1]: Pod y/b: appears twice (first in xy.json: items[1]); which one counts would depend on the order of the input",
    ]);
  });
});
