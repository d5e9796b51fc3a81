import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileProblem } from "./files";
import { formatResult, formatSummary } from "./output";
import { parsePlanText } from "./plan";
import { bindEndpoints, parseTargets } from "./endpoints";
import { runProbePlan, runSummary } from "./run";
import { DEFAULT_CONCURRENCY, OUTCOME_MEANING, PROBE_OUTCOMES, type EndpointTargets } from "./types";

/** The streams the probe writes to; `cnilab`'s Io satisfies it, and so does the bundled entry point. */
export interface ProbeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export const PROBE_USAGE = "probe --plan FILE [--targets FILE] [--concurrency N]";

export const PROBE_HELP = [
  `Usage: cnilab ${PROBE_USAGE}`,
  "",
  "Runs every probe of a probe plan (JSON) and prints one JSON line per probe as it finishes,",
  'then a summary line {"summary":true,"total","connected","failed","durationMs"}. A result line is',
  '{"id","ok","outcome","latencyMs","attempts","detail"?}: ok = the outcome is the probe\'s expect',
  "(connected when it names none); failed counts the results that are not ok. Fields: README",
  '"Probe output". Exit 0 when the probes ran, whatever they found;',
  "exit 2 on a bad plan or bad options.",
  "",
  "Options:",
  "  --plan FILE         the probe plan: { concurrency?, retryDelayMs?, probes: [{ id, to, port, protocol, timeoutMs, attempts, expect?, within? }] }",
  "                      a probe may name { endpoint: { service: \"namespace/name\", index } } instead of `to`",
  "                      within: an IPv4 CIDR the dialled address must lie in (else error)",
  "                      protocol file: reads the absolute path `to` in this container (port 0): found, or missing;",
  "                      with content, found only when the file holds that text",
  "  --targets FILE      the endpoints' addresses: { \"namespace/name\": [address, …] } (what `probe resolve` writes);",
  "                      an endpoint probe without an address is reported as error, with the reason",
  "                      a probe is retried (up to attempts, retryDelayMs apart) until its outcome is `expect`",
  "                      (connected when no expect is given)",
  `  --concurrency N     probes in flight at once (default: the plan's, else ${DEFAULT_CONCURRENCY})`,
  "",
  "Outcomes:",
  ...PROBE_OUTCOMES.map((o) => `  ${o.padEnd(10)}  ${OUTCOME_MEANING[o]}`),
  "",
  "Example:",
  "  cnilab probe --plan probes.json --concurrency 50",
].join("\n");

/** The probe program: parse options, read and validate the plan, run it, print the lines. */
export async function runProbeCommand(argv: string[], io: ProbeIo): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`cnilab probe: ${message}\n  usage: ${PROBE_USAGE}\n`);
    return 2;
  };
  let values: { plan?: string; targets?: string; concurrency?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { plan: { type: "string" }, targets: { type: "string" }, concurrency: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.help) {
    io.stdout(`${PROBE_HELP}\n`);
    return 0;
  }
  if (values.plan === undefined) return usage("--plan FILE is required");
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    concurrency = Number(values.concurrency);
    if (!/^\d+$/.test(values.concurrency) || concurrency < 1 || concurrency > 1024) {
      return usage(`--concurrency must be an integer 1..1024, got "${values.concurrency}"`);
    }
  }
  const file = resolve(io.cwd, values.plan);
  const text = readText(file, "plan");
  if (typeof text !== "string") return usage(text.error);
  let targets: EndpointTargets | undefined;
  if (values.targets !== undefined) {
    const targetsFile = resolve(io.cwd, values.targets);
    const targetsText = readText(targetsFile, "targets");
    if (typeof targetsText !== "string") return usage(targetsText.error);
    const parsed = parseTargets(targetsText, targetsFile);
    if (typeof parsed === "string") return usage(parsed);
    targets = parsed;
  }
  const check = parsePlanText(text, file);
  if (!check.ok) {
    io.stderr(`cnilab probe: invalid plan ${file}:\n${check.problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 2;
  }
  const bound = bindEndpoints(check.plan, targets);
  for (const r of bound.unresolved) io.stdout(formatResult(r));
  const options = concurrency === undefined ? {} : { concurrency };
  const { results, summary } = await runProbePlan(bound.plan, { ...options, onResult: (r) => io.stdout(formatResult(r)) });
  io.stdout(formatSummary(runSummary([...bound.unresolved, ...results], summary.durationMs)));
  return 0;
}

function readText(file: string, what: string): string | { error: string } {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    return { error: `the ${what} file ${file} ${fileProblem(err)}` };
  }
}
