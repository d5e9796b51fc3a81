/**
 * `npm run bench [-- NAME…]`: runs the benchmarks, one after another, printing their figures.
 * Figures, not pass/fail: targets are read by people. Each is loaded only when it runs (the
 * datapath and probe benchmarks need root; the policy one needs nothing).
 */
const BENCHMARKS: Readonly<Record<string, () => Promise<void>>> = {
  datapath: () => (require("./datapath") as typeof import("./datapath")).benchDatapath(),
  policy: () => (require("./policy") as typeof import("./policy")).benchPolicy(),
  probe: () => (require("./probe") as typeof import("./probe")).benchProbe(),
};

async function main(): Promise<void> {
  const available = Object.keys(BENCHMARKS).sort();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no benchmark ${unknown.join(", ")}; available: ${available.join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  for (const name of wanted.length > 0 ? wanted : available) {
    process.stdout.write(`\n== bench ${name} ==\n`);
    await BENCHMARKS[name]!();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
