/**
 * `npm run bench [-- NAME…]`: runs the benchmarks (bench/<name>.ts, each exporting `run()`), one
 * after another, printing their figures. Figures, not pass/fail: targets are read by people.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";

async function main(): Promise<void> {
  const available = readdirSync(__dirname)
    .filter((f) => f.endsWith(".ts") && f !== "main.ts")
    .map((f) => f.slice(0, -3))
    .sort();
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no benchmark ${unknown.join(", ")}; available: ${available.join(", ")}\n`);
    process.exit(2);
  }
  for (const name of wanted.length > 0 ? wanted : available) {
    process.stdout.write(`\n== bench ${name} ==\n`);
    const mod = (await import(path.join(__dirname, `${name}.ts`))) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
