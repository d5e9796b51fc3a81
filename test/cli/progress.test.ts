/** Progress from engine events: what counts as a resource, the TTY line and the plain lines. */
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { formatElapsed, Progress } from "../../cli/progress";

const urn = (type: string, name: string) => `urn:pulumi:lab::cnilab::${type}::${name}`;
function step(kind: "pre" | "post", op: OpType, type: string, name: string, custom = true): EngineEvent {
  const metadata = { op, urn: urn(type, name), type, provider: "", new: { type, urn: urn(type, name), custom, id: "", parent: "", inputs: {}, outputs: {}, provider: "" } };
  return { sequence: 0, timestamp: 0, ...(kind === "pre" ? { resourcePreEvent: { metadata } } : { resOutputsEvent: { metadata } }) };
}
const both = (op: OpType, type: string, name: string, custom = true) => [step("pre", op, type, name, custom), step("post", op, type, name, custom)];

function recorder(tty: boolean) {
  let t = 0;
  let out = "";
  const progress = new Progress({ write: (s) => void (out += s), tty, now: () => t });
  return { progress, out: () => out, advance: (ms: number) => void (t += ms) };
}

describe("Progress", () => {
  it("plain output: a line per step and per finished resource, with done/total and elapsed", () => {
    const r = recorder(false);
    r.progress.step("creating lab kindnet", 3);
    r.advance(1500);
    [...both("create", "docker:index/network:Network", "net"), ...both("create", "pulumi:providers:kubernetes", "k8s"), ...both("create", "cnilab:lab:Lab", "lab", false)].forEach(r.progress.onEvent);
    r.advance(63_000);
    both("same", "kubernetes:core/v1:Namespace", "x").forEach(r.progress.onEvent);
    r.progress.finish();
    expect(r.out()).toBe(
      "[0s] creating lab kindnet (3 resources)\n" +
        "[1s] 1/3 created docker:index/network:Network net\n" +
        "[1m04s] 2/3 unchanged kubernetes:core/v1:Namespace x\n",
    );
    expect(r.progress.resourcesDone).toBe(2);
  });

  it("counts a replaced resource once, however many steps its replacement takes", () => {
    const r = recorder(false);
    r.progress.step("up", 1);
    for (const op of ["create-replacement", "replace", "delete-replaced"] as OpType[]) both(op, "batch/v1:Job", "ready").forEach(r.progress.onEvent);
    expect(r.progress.resourcesDone).toBe(1);
  });

  it("grows the total when more resources show up than planned, never shows done > total", () => {
    const r = recorder(false);
    r.progress.step("up", 1);
    both("create", "a:b:C", "one").forEach(r.progress.onEvent);
    both("create", "a:b:C", "two").forEach(r.progress.onEvent);
    expect(r.out()).toContain("] 2/2 created a:b:C two\n");
  });

  it("terminal: one line redrawn in place, ended by a newline on finish; failures stay as their own lines", () => {
    const r = recorder(true);
    r.progress.step("creating lab calico-bgp", 2);
    both("create", "a:b:C", "one").forEach(r.progress.onEvent);
    r.advance(2000);
    r.progress.onEvent({ sequence: 0, timestamp: 0, resOpFailedEvent: { metadata: step("pre", "create", "a:b:C", "two").resourcePreEvent!.metadata, status: 1, steps: 1 } });
    r.progress.finish();
    const frames = r.out().split("\r\x1b[2K").filter((f) => f !== "");
    expect(frames[0]).toBe("creating lab calico-bgp · resources 0/2 · 0s");
    expect(frames).toContain("creating lab calico-bgp · resources 1/2 · 0s");
    expect(frames).toContain("failed: a:b:C two\n");
    expect(frames.at(-1)).toBe("creating lab calico-bgp · resources 1/2 · 2s\n");
  });

  it("keeps the engine's error diagnostics without colour codes, for the failure report", () => {
    const r = recorder(false);
    r.progress.onEvent({ sequence: 0, timestamp: 0, diagnosticEvent: { urn: urn("a:b:C", "kind"), message: "<{%fg 1%}>kind create failed\x1b[31m!\x1b[0m", color: "raw", severity: "error" } });
    r.progress.onEvent({ sequence: 0, timestamp: 0, diagnosticEvent: { message: "just a warning", color: "raw", severity: "warning" } });
    expect(r.progress.errors).toEqual(["kind: kind create failed!"]);
  });

  it("formats elapsed time as s, then m and zero-padded s", () => {
    expect([0, 59_999, 60_000, 754_000].map(formatElapsed)).toEqual(["0s", "59s", "1m00s", "12m34s"]);
  });
});
