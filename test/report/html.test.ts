import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { buildCharts } from "../../report/charts";
import { renderHtml, scriptJson, scriptSource } from "../../report/html";
import { buildComparison } from "../../report/model";
import { loadStackResults } from "../../report/results-store";
import { fixtureState } from "./fixture-state";

/**
 * The HTML report opened in headless Chromium (Debian's `chromium`): it renders, every chart drew
 * its datasets, nothing was logged as an error and nothing was fetched. The screenshot is kept in
 * test-artifacts/ for a person to look at.
 */
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.log(`skipping the headless-browser check: ${CHROMIUM} is not installed (apt-get install chromium; .ci/setup.sh does)`);

const STACKS = ["flannel-vxlan", "flannel-host-gw", "calico-ipip", "datapath-flannel-host-gw"];
let dir: string;

beforeAll(() => {
  dir = fixtureState("cnilab-html-").dir;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("what the page inlines cannot break out of its script", () => {
  it("JSON data and script source", () => {
    const json = scriptJson({ title: "</script><script>alert(1)</script>", sep: "\u2028" });
    expect(json).not.toContain("<");
    expect(JSON.parse(json)).toEqual({ title: "</script><script>alert(1)</script>", sep: "\u2028" });
    expect(scriptSource('var a="</SCRIPT>";<!--')).toBe('var a="<\\/SCRIPT>";<\\!--');
  });

  it("a stack's text is escaped in the page", async () => {
    const state = join(dir, "state");
    const results = STACKS.map((s) => loadStackResults(state, s));
    results[0]!.verify!.probes.find((p) => p.group !== "health" && p.status === "pass")!.toLabel = "<img src=x onerror=alert(1)>";
    const page = renderHtml(buildComparison(results, "2026-11-23T05:30:00.000Z"), "/* chart.js */");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe.skipIf(!hasChromium)("the HTML report in headless Chromium", () => {
  it("renders offline, draws every chart, logs no error, fetches nothing", { timeout: 60_000 }, async () => {
    const out = join(dir, "out");
    const code = await main(["compare", ...STACKS, "--out", out, "--format", "html"], {
      stdout: () => undefined,
      stderr: () => undefined,
      cwd: dir,
      env: { ...process.env, CNILAB_STATE: join(dir, "state") },
    });
    expect(code).toBe(0);
    const expectedCharts = buildCharts(buildComparison(STACKS.map((s) => loadStackResults(join(dir, "state"), s)), "x")).map((c) => c.id);

    const profile = mkdtempSync(join(tmpdir(), "cnilab-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
      timeout: 30_000,
    });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      const failed: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("request", (r) => requests.push(r.url()));
      page.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      const url = pathToFileURL(join(out, "compare.html")).href;
      await page.goto(url, { waitUntil: "load", timeout: 20_000 });

      // Runs in the page (a string: this project's TypeScript has no DOM types).
      const charts = (await page.evaluate(`[...document.querySelectorAll("canvas")].map((canvas) => {
        const chart = Chart.getChart(canvas);
        return {
          id: canvas.id,
          width: canvas.width,
          datasets: chart ? chart.data.datasets.length : 0,
          drawn: chart ? chart.data.datasets.map((_, i) => chart.getDatasetMeta(i).data.length) : [],
        };
      })`)) as { id: string; width: number; datasets: number; drawn: number[] }[];
      expect(charts.map((c) => c.id)).toEqual(expectedCharts);
      expect(charts.length).toBeGreaterThanOrEqual(6);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(0);
        expect(c.datasets, c.id).toBeGreaterThan(0);
        expect(c.drawn.every((n) => n > 0), `${c.id} drew ${c.drawn.join(",")}`).toBe(true);
      }
      expect(await page.locator("h1").textContent()).toBe(`cnilab compare: ${STACKS.join(", ")}`);
      expect(await page.locator(".caveat").textContent()).toContain("Inside kind every \"cross-node\" path is one kernel");
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
      expect(requests).toEqual([url]);

      const artifacts = resolve(__dirname, "..", "..", "test-artifacts");
      mkdirSync(artifacts, { recursive: true });
      writeFileSync(join(artifacts, "compare.png"), await page.screenshot({ fullPage: true }));
      const top = await page.screenshot({ fullPage: false });
      writeFileSync(join(artifacts, "compare-top.png"), top);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
