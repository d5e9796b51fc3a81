/** Rows as aligned columns: each cell padded to its column's widest, two spaces apart, the row indented. A leaf. */
export function columns(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => `${indent}${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ").trimEnd()}`);
}
