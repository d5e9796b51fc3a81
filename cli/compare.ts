import { parseCommandArgs } from "./args";
import { exitCode } from "./exit";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { BenchRun } from "../datapath/results";
import { stateDir, STATE_DIR_HELP, STATE_FOLDERS } from "../host/state";
import { renderHtml } from "../report/html";
import { renderMarkdown } from "../report/markdown";
import { buildComparison } from "../report/model";
import { DATAPATH_PREFIX, loadStackResults, resultFile, saveDatapathRun, type StackResults } from "../report/results-store";
import type { Command, Io } from "./command";
import { UsageError } from "./command";

export const COMPARE_FORMATS = ["md", "json", "html"] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

const HELP = `Usage: cnilab compare <stack> [<stack>…] [--out DIR] [--format md,json,html]

Writes a side-by-side report of the stacks from their saved results — it never starts a cluster:
  policy enforcement per scenario (expected vs observed per stack), health checks, datapath facts
  (encapsulation, overhead, pod MTU, devices and routes expected and observed on a node), and
  performance (ratios to the node↔node baseline, medians with min–max, CPU-s per Gbit, latency,
  connection rate, idle memory per node container) with each run's fingerprint.

Results come from <state>/results/<stack>/ (<state> is ${STATE_DIR_HELP}):
  verify.json   cnilab verify <stack>
  perf.json     cnilab perf <stack> [--quick]
  facts.json    cnilab perf <stack> [--quick]
A stack named datapath-<backend> is the datapath lab's bench (sudo cnilab datapath bench <backend>);
its <state>/datapath-bench.json is imported when no perf.json is saved yet. Missing results are
listed with the command that produces them; a stack with none at all stops the report (exit 2).

Inside kind every "cross-node" path is one kernel: absolute Gbit/s mean little, ratios within one
run do. The report says so at the top.

Options:
  --out DIR        where the report goes (default <state>/compare)
  --format LIST    any of ${COMPARE_FORMATS.join(",")} (default all): compare.md, compare.json, and one
                   self-contained compare.html with charts that opens offline

Example:
  cnilab compare flannel-vxlan calico-ipip datapath-flannel-host-gw --format md,html`;

function parseFormats(value: string): CompareFormat[] {
  const formats = value.split(",").map((f) => f.trim()).filter((f) => f !== "");
  const unknown = formats.filter((f) => !(COMPARE_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) throw new UsageError(`--format takes ${COMPARE_FORMATS.join(", ")} (comma-separated), got "${value}"`);
  return [...new Set(formats)] as CompareFormat[];
}

/** A datapath-<backend> stack without perf.json: take it from the datapath bench's own JSON, when there is one. */
function importDatapathBench(root: string, stacks: readonly string[], io: Io): void {
  const file = join(root, "datapath-bench.json");
  const wanted = stacks.filter((s) => s.startsWith(DATAPATH_PREFIX) && !existsSync(resultFile(root, s, "perf")));
  if (wanted.length === 0 || !existsSync(file)) return;
  let run: BenchRun;
  try {
    run = JSON.parse(readFileSync(file, "utf8")) as BenchRun;
  } catch (err) {
    io.stderr(`cnilab compare: cannot read ${file}: ${(err as Error).message}\n`);
    return;
  }
  for (const saved of saveDatapathRun(root, run)) io.stderr(`cnilab compare: imported ${file} → ${saved}\n`);
}

export const compareCommand: Command = {
  name: "compare",
  summary: "side-by-side report of stacks from their saved results: policy, health, datapath, performance",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs({
      args: argv,
      options: { out: { type: "string" }, format: { type: "string", default: COMPARE_FORMATS.join(",") } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length === 0) throw new UsageError("name at least one stack (e.g. cnilab compare flannel-vxlan calico-ipip)");
    const bad = positionals.filter((s) => !/^[A-Za-z0-9_.-]+$/.test(s) || s === "." || s === "..");
    if (bad.length > 0) throw new UsageError(`not a stack name: ${bad.map((b) => `'${b}'`).join(", ")} (letters, digits, '_', '.', '-')`);
    const formats = parseFormats(values.format);
    const stacks = [...new Set(positionals)];
    const root = stateDir(io.env, io.cwd);
    importDatapathBench(root, stacks, io);
    const results: StackResults[] = stacks.map((s) => loadStackResults(root, s));
    const comparison = buildComparison(results, new Date().toISOString());

    const empty = comparison.stacks.filter((s, i) => Object.keys(results[i]!.files).length === 0);
    for (const s of comparison.stacks) {
      for (const m of s.missing) io.stderr(`cnilab compare: ${s.stack} has no ${m.kind}.json: run \`${m.command}\`\n`);
      for (const u of s.unreadable) io.stderr(`cnilab compare: ${s.stack}: unreadable ${u}\n`);
    }
    if (empty.length > 0) {
      io.stderr(`cnilab compare: no saved results for ${empty.map((s) => s.stack).join(", ")} in ${join(root, STATE_FOLDERS.results)}; produce them with the commands above\n`);
      return exitCode("not-up");
    }
    const out = resolve(io.cwd, values.out ?? join(root, STATE_FOLDERS.compare));
    mkdirSync(out, { recursive: true });
    const render: Record<CompareFormat, () => string> = {
      md: () => renderMarkdown(comparison),
      json: () => `${JSON.stringify(comparison, null, 2)}\n`,
      html: () => renderHtml(comparison),
    };
    for (const format of formats) {
      const file = join(out, `compare.${format}`);
      writeFileSync(file, render[format]());
      io.stdout(`${file}\n`);
    }
    return exitCode("ok");
  },
};
