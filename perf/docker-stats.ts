/**
 * `docker stats --no-stream --format '{{json .}}'` read back: memory and CPU of each kind node
 * container at idle (research/benchmarks.md §6.7). Pure.
 */
import type { NodeFootprint } from "../datapath/results";

const UNITS: Record<string, number> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

/** "512.3MiB" → bytes (docker prints binary units for memory, decimal ones for I/O). */
export function parseSize(text: string): number {
  const m = /^([0-9.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  const unit = m ? UNITS[m[2]!] : undefined;
  if (!m || unit === undefined) throw new Error(`not a docker size: '${text}' (expected a number and one of ${Object.keys(UNITS).join(", ")})`);
  return Number(m[1]) * unit;
}

export function parseDockerStats(text: string): NodeFootprint[] {
  const out: NodeFootprint[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let row: { Name?: string; MemUsage?: string; CPUPerc?: string };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new Error(`docker stats line is not JSON: ${line.slice(0, 120)}`);
    }
    if (!row.Name || !row.MemUsage || !row.CPUPerc) throw new Error(`docker stats line lacks Name, MemUsage or CPUPerc: ${line.slice(0, 120)}`);
    out.push({
      container: row.Name,
      // "412.6MiB / 7.629GiB": used / the limit (the host's memory for a kind node).
      memoryBytes: parseSize(row.MemUsage.split("/")[0]!),
      cpuPercent: Number(row.CPUPerc.replace("%", "")),
    });
  }
  return out.sort((a, b) => a.container.localeCompare(b.container));
}
