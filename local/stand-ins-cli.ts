/**
 * For local/build-workload-images.sh (run with tsx):
 *   refs              one line per stand-in: `<key> <folder> <pinned reference>`
 *   check KEY ROOT    exits 1, naming them, when the image tree at ROOT lacks an executable
 *                     the stand-in's facts list (IMAGE_FACTS, or CHART_IMAGE_FACTS for a chart's image)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { missingExecutables, parseStandIns } from "./stand-ins";

const FILE = "local/workloads/stand-ins";
const standIns = () => parseStandIns(readFileSync(join(__dirname, "workloads/stand-ins"), "utf8"), FILE);
const [command, key, root] = process.argv.slice(2);

if (command === "refs") {
  for (const s of standIns()) console.log(`${s.key} ${s.name} ${s.ref}`);
} else if (command === "check" && key !== undefined && root !== undefined) {
  const row = standIns().find((s) => s.key === key);
  if (!row) throw new Error(`${FILE}: no stand-in for '${key}'`);
  const missing = missingExecutables(root, row.facts.executables);
  if (missing.length > 0) {
    console.error(`stand-in ${row.name} lacks ${missing.join(", ")}, which ${row.ref} has (pins/image-facts.ts or local/stand-ins.ts CHART_IMAGE_FACTS)`);
    process.exit(1);
  }
  console.log(`${row.name}: has ${row.facts.executables.join(", ")}`);
} else {
  console.error("usage: stand-ins-cli.ts refs | check KEY ROOT");
  process.exit(2);
}
