/**
 * The comparison as ONE self-contained HTML page: the same tables as the Markdown, and charts drawn
 * by chart.js 4.6.1 inlined from node_modules (UMD build), so the page opens offline. Everything
 * inlined is escaped: text as HTML, data as JSON that cannot close its <script>.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildCharts } from "./charts";
import { METRIC_LABEL, PERF_LEGEND, perfCell, probeCell } from "./markdown";
import type { Comparison, ScenarioBlock } from "./model";

/** Text as HTML: every character that could open markup or close an attribute escaped. */
export const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** JSON safe inside <script>: no "<" (so no "</script>" or "<!--"), and no JS-hostile line separators. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A script's source inside <script>…</script>: the only sequence that can end it early is "</script". */
export function scriptSource(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/**
 * chart.js's UMD build (the package exports only its module entries, so it is found beside the
 * CommonJS one). Its sourceMappingURL is dropped: the .map file does not travel with the page.
 */
export function chartJsSource(): string {
  const code = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
  return code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
}

function table(header: string[], rows: string[][], className = ""): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : `<td class="${cellClass(c)}">${escapeHtml(c)}</td>`)).join("")}</tr>`).join("\n");
  return `<table class="${className}"><thead>${head}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** Colour follows the verdict mark a cell starts with. */
function cellClass(text: string): string {
  if (text.startsWith("✓")) return "ok";
  if (text.startsWith("✗")) return "bad";
  if (text.startsWith("?")) return "err";
  return "";
}

function scenario(block: ScenarioBlock, names: string[]): string {
  const summary = block.summary.map((s) => (s === null ? "not run" : `${s.pass}/${s.total} as expected`));
  return `<details${block.rows.some((r) => r.cells.some((c) => c && c.status !== "pass" && c.status !== "skipped")) ? " open" : ""}><summary>${escapeHtml(block.scenario)} — ${escapeHtml(summary.join(" · "))}</summary>
${table(["probe", ...names], block.rows.map((r) => [r.label, ...r.cells.map(probeCell)]))}</details>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{margin:32px 0 8px;font-size:19px;border-bottom:1px solid #d7dbe2;padding-bottom:4px}
.caveat{background:#fff6dd;border-left:4px solid #e6a100;padding:10px 14px;margin:16px 0}
.missing{background:#fdecea;border-left:4px solid #d55e00;padding:10px 14px}
table{border-collapse:collapse;background:#fff;margin:8px 0;width:100%;font-size:13px}
th,td{border:1px solid #dfe3ea;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
thead th{background:#eef1f5}tbody th{white-space:nowrap;overflow-wrap:normal}td.ok{color:#0b6e4f}td.bad{color:#b42318;font-weight:600}td.err{color:#6b7280;font-weight:600}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
figure{background:#fff;border:1px solid #dfe3ea;margin:0;padding:12px}figure h3{margin:0 0 6px;font-size:14px}
figure .plot{position:relative;height:260px}figcaption{color:#5b6472;font-size:12px;margin-top:6px}
details{margin:6px 0}summary{cursor:pointer;font-weight:600}code{background:#eef1f5;padding:1px 4px}
`;

export function renderHtml(c: Comparison, chartJs: string = chartJsSource()): string {
  const names = c.stacks.map((s) => s.stack);
  const charts = buildCharts(c);
  const missing = c.stacks.flatMap((s) => [...s.missing.map((m) => `<li>${escapeHtml(s.stack)}: no ${escapeHtml(m.kind)}.json — run <code>${escapeHtml(m.command)}</code></li>`), ...s.unreadable.map((u) => `<li>${escapeHtml(s.stack)}: unreadable ${escapeHtml(u)}</li>`)]);
  const fingerprintKeys = [...new Set(c.stacks.flatMap((s) => Object.keys(s.fingerprint ?? {})))];
  const problems = c.stacks.flatMap((s) => s.problems.map((p) => `<li>${escapeHtml(s.stack)}: ${escapeHtml(p)}</li>`));
  const body = [
    `<h1>cnilab compare: ${escapeHtml(names.join(", "))}</h1>`,
    `<div>Generated ${escapeHtml(c.generatedAt)}</div>`,
    `<div class="caveat"><strong>Read ratios, not Gbit/s.</strong> ${escapeHtml(c.caveat)}</div>`,
    missing.length > 0 ? `<div class="missing"><strong>Missing results</strong><ul>${missing.join("")}</ul></div>` : "",
    `<h2>Charts</h2>`,
    charts.length === 0 ? "<p>No results to chart.</p>" : `<div class="charts">${charts.map((ch) => `<figure><h3>${escapeHtml(ch.title)}</h3><div class="plot"><canvas id="${escapeHtml(ch.id)}" role="img" aria-label="${escapeHtml(ch.title)}"></canvas></div><figcaption>${escapeHtml(ch.note)}</figcaption></figure>`).join("\n")}</div>`,
    `<h2>Policy enforcement per scenario</h2>`,
    c.scenarios.length === 0 ? "<p>No verify results.</p>" : table(["scenario", ...names], c.scenarios.map((b) => [b.scenario, ...b.summary.map((s) => (s === null ? "–" : `${s.pass}/${s.total}`))])),
    ...c.scenarios.map((b) => scenario(b, names)),
    `<h2>Health checks</h2>`,
    c.health ? table(["check", ...names], c.health.rows.map((r) => [r.id.replace(/^health\//, ""), ...r.cells.map(probeCell)])) : "<p>No verify results.</p>",
    `<h2>Datapath</h2>`,
    table(["", ...names], c.datapath.map((f) => [f.label, ...f.values])),
    `<h2>Performance</h2>`,
    `<p>${escapeHtml(PERF_LEGEND)}</p>`,
    c.performance.length === 0 ? "<p>No perf results.</p>" : table(["pair · test", "metric", ...names], c.performance.map((r) => [`${r.pair} · ${r.test}`, METRIC_LABEL[r.metric], ...r.cells.map((x) => perfCell(x, r.metric))])),
    problems.length > 0 ? `<h2>Runs that failed</h2><ul>${problems.join("")}</ul>` : "",
    `<h2>Fingerprint</h2>`,
    fingerprintKeys.length === 0 ? "<p>No perf results, so no fingerprint.</p>" : table(["", ...names], fingerprintKeys.map((k) => [k, ...c.stacks.map((s) => s.fingerprint?.[k] ?? "–")])),
  ].join("\n");
  const boot = `(function(){var specs=JSON.parse(document.getElementById("cnilab-charts").textContent);specs.forEach(function(s){new Chart(document.getElementById(s.id),s.config);});})();`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>cnilab compare: ${escapeHtml(names.join(", "))}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main>
<script type="application/json" id="cnilab-charts">${scriptJson(charts.map((ch) => ({ id: ch.id, config: ch.config })))}</script>
<script>${scriptSource(chartJs)}</script>
<script>${boot}</script>
</body></html>
`;
}
