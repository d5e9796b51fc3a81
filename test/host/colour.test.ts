/** When pass / fail may be coloured (https://no-color.org), and that colour never shifts a column. */
import { describe, expect, it } from "vitest";
import { renderChecks } from "../../cli/services/checks";
import { painter, plain, wantsColour } from "../../host/colour";

describe("wantsColour", () => {
  it.each<[boolean | undefined, NodeJS.ProcessEnv, boolean]>([
    [true, {}, true],
    [true, { TERM: "xterm-256color" }, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: "1" }, false],
    [true, { NO_COLOR: "0" }, false],
    // no-color.org: only a NO_COLOR that is present and not empty turns colour off.
    [true, { NO_COLOR: "" }, true],
    [true, { TERM: "dumb" }, false],
  ])("isTTY %s with %j: %s", (tty, env, expected) => {
    expect(wantsColour(tty, env)).toBe(expected);
  });
});

describe("painted doctor lines", () => {
  const checks = [
    { id: "docker", status: "pass" as const, message: "ok", fix: "" },
    { id: "kernel-ipvlan", status: "fail" as const, message: "missing", fix: "another kernel" },
  ];

  it("colour wraps the status word only; without the escapes the text is the plain one", () => {
    const coloured = renderChecks(checks, painter(true));
    expect(coloured).toContain("\x1b[32mpass\x1b[39m  docker");
    expect(coloured).toContain("\x1b[31mfail\x1b[39m  kernel-ipvlan");
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\x1b\[\d+m/g, "")).toBe(renderChecks(checks, plain));
    expect(renderChecks(checks, painter(false))).not.toContain("\x1b[");
  });
});
