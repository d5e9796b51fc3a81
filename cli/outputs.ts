/** How `up` lists a stack's outputs. */
import type { OutputMap } from "@pulumi/pulumi/automation";

/** Stack outputs, one per line: secrets masked, tables for lists of records, long text summarised. */
export function renderOutputs(outputs: OutputMap): string {
  const keys = Object.keys(outputs).sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  const pad = " ".repeat(width + 4);
  const lines: string[] = [];
  for (const key of keys) {
    const { value, secret } = outputs[key]!;
    const rows = secret ? ["[secret]"] : formatValue(value);
    lines.push(`  ${key.padEnd(width)}  ${rows[0] ?? ""}`, ...rows.slice(1).map((r) => `${pad}${r}`));
  }
  return lines.join("\n") + "\n";
}

function formatValue(value: unknown): string[] {
  if (typeof value === "string") {
    const lines = value.trimEnd().split("\n");
    return lines.length > 1 ? [`(${lines.length} lines of text)`] : [value];
  }
  if (Array.isArray(value) && value.every((v) => v && typeof v === "object" && !Array.isArray(v))) {
    const records = value as Record<string, unknown>[];
    const cols = [...new Set(records.flatMap((r) => Object.keys(r)))];
    const widths = cols.map((c) => Math.max(...records.map((r) => String(r[c] ?? "").length)));
    return records.map((r) => cols.map((c, i) => String(r[c] ?? "").padEnd(widths[i]!)).join("  ").trimEnd());
  }
  return [JSON.stringify(value)];
}
