/**
 * The CLI as a user runs it, in a real process: `npm run -s lab -- … --json` prints JSON and nothing
 * else on stdout (npm's banner is what -s suppresses; our progress and warnings go to stderr), and
 * pass / fail are coloured on a terminal only, never with NO_COLOR or when piped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/stacks";

// The Node running the tests (≥ the engines floor) first on PATH, as `npx -y -p node@24` does.
const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ""}`;
const ENV = { ...process.env, PATH, NO_COLOR: "" };
const TIMEOUT_MS = 90_000;
const ESC = "\x1b[";

function npmLab(args: string[], env: NodeJS.ProcessEnv = ENV) {
  const r = spawnSync("npm", ["run", "-s", "lab", "--", ...args], { cwd: ROOT, env, encoding: "utf8", timeout: TIMEOUT_MS });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const noTerminal = !hasScript
  ? "no `script` (util-linux) to give the command a pseudo-terminal"
  : !existsSync(join(ROOT, "bin", "cnilab.cjs"))
    ? "no bin/cnilab.cjs"
    : undefined;
if (noTerminal) console.log(`process-output: skipping the terminal colour test: ${noTerminal}`);

describe("stdout with --json is JSON alone", () => {
  it("npm run -s lab -- plan <stack> --json parses, and names the stack's backend", { timeout: TIMEOUT_MS }, () => {
    const r = npmLab(["plan", "flannel-vxlan", "--json"]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { backend: { name: string } }).backend.name).toBe("flannel-vxlan");
  });

  it("npm run -s lab -- doctor --json parses while checks warn (no colour, no progress on stdout)", { timeout: TIMEOUT_MS }, () => {
    const r = npmLab(["doctor", "--backend", "docker-bridge", "--json"]);
    expect([0, 1]).toContain(r.code);
    const report = JSON.parse(r.out) as { checks: { id: string }[] };
    expect(report.checks.map((c) => c.id).slice(0, 2)).toEqual(["node", "docker"]);
    expect(r.out).not.toContain(ESC);
  });
});

describe("colour", () => {
  // `script` gives the command a pseudo-terminal as stdout, as a user's shell does.
  const onTerminal = (env: NodeJS.ProcessEnv) =>
    spawnSync("script", ["-qec", `${JSON.stringify(process.execPath)} bin/cnilab.cjs doctor --backend docker-bridge`, "/dev/null"], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: TIMEOUT_MS,
    }).stdout;

  it.skipIf(noTerminal !== undefined)(
    "a terminal gets coloured pass/warn/fail; NO_COLOR=1 or TERM=dumb gets none",
    { timeout: TIMEOUT_MS },
    () => {
      expect(onTerminal({ ...ENV, TERM: "xterm" })).toMatch(/\x1b\[3[123]m(pass|warn|fail)/);
      expect(onTerminal({ ...ENV, TERM: "xterm", NO_COLOR: "1" })).not.toContain(ESC);
      expect(onTerminal({ ...ENV, TERM: "dumb" })).not.toContain(ESC);
    },
  );

  it("piped output has none", { timeout: TIMEOUT_MS }, () => {
    const r = npmLab(["doctor", "--backend", "docker-bridge"]);
    expect(r.out).toMatch(/\n(pass|warn|fail) +node /);
    expect(r.out).not.toContain(ESC);
  });
});
