/**
 * `cnilab workshop`: help, usage errors, and `workshop plan` against a fake machine (its /proc files,
 * `docker info`, free disk): fits, and does not fit with how many do (exit 2).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { resolveWorkshop } from "../../cli/services/workshop-ref";
import { runWorkshopPlan } from "../../cli/workshop-plan";
import type { Host } from "../../host/host";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "../cli/io";

const GIB = 2 ** 30;

/** A machine with this much memory available and free disk, 8 CPUs, low inotify limits. */
function fakeHost(availableGiB: number, freeDiskGiB: number): Host {
  const root = mkdtempSync(join(tmpdir(), "cnilab-ws-host-"));
  mkdirSync(join(root, "proc/sys/fs/inotify"), { recursive: true });
  writeFileSync(join(root, "proc/meminfo"), `MemTotal: 33554432 kB\nMemAvailable: ${availableGiB * 1024 * 1024} kB\n`);
  writeFileSync(join(root, "proc/sys/fs/inotify/max_user_instances"), "128\n");
  writeFileSync(join(root, "proc/sys/fs/inotify/max_user_watches"), "524288\n");
  return {
    root,
    env: {},
    cwd: root,
    run: async (file, args) =>
      file === "docker" && args[0] === "info"
        ? { code: 0, signal: null, stdout: JSON.stringify({ NCPU: 8, MemTotal: 32 * GIB, DockerRootDir: "/var/lib/docker" }), stderr: "" }
        : { code: 1, signal: null, stdout: "", stderr: "not faked" },
    statfs: async () => ({ freeBytes: freeDiskGiB * GIB, totalBytes: 500 * GIB }),
  } as Host;
}

async function cli(...argv: string[]) {
  const io = captureIo({ PATH: "/nonexistent" }, ROOT);
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("cnilab workshop", () => {
  it("--help: usage, every verb, exit status, examples", async () => {
    const { code, out } = await cli("workshop", "--help");
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: cnilab workshop <verb> <workshop>/);
    for (const verb of ["plan", "up", "status", "reset", "down", "bundle"]) expect(out).toMatch(new RegExp(`\\n  ${verb} <workshop>`));
    expect(out).toContain("Exit status: 0");
    expect(out).toMatch(/\nExamples\n {2}cnilab workshop plan demo/);
  });

  it("a mistyped verb or workshop, an option of another verb: exit 2 with what is allowed", async () => {
    expect(await cli("workshop", "stauts", "demo")).toMatchObject({ code: 2, err: expect.stringContaining("unknown verb 'stauts' (did you mean 'status'?); verbs: plan, up, status, reset, down, bundle") });
    expect(await cli("workshop", "plan", "dmo")).toMatchObject({ code: 2, err: expect.stringContaining("no workshop 'dmo' (no stacks/Pulumi.workshop-dmo.yaml) (did you mean 'demo'?); workshops: demo") });
    expect(await cli("workshop", "plan", "demo", "--hard")).toMatchObject({ code: 2, err: expect.stringContaining("--hard is not an option of 'workshop plan'") });
    expect(await cli("workshop", "status", "demo", "--interval", "0")).toMatchObject({ code: 2, err: expect.stringContaining("--interval takes seconds") });
    expect(await cli("workshop", "bundle", "demo")).toMatchObject({ code: 2, err: expect.stringContaining("workshop bundle needs --out <file>") });
    expect(await cli("workshop", "up", "demo", "--out", "x")).toMatchObject({ code: 2, err: expect.stringContaining("--out is not an option of 'workshop up'; it takes --from-bundle") });
  });

  it("plan: three participants fit a machine with 16 GiB available", async () => {
    const io = captureIo({}, ROOT);
    const code = await runWorkshopPlan(resolveWorkshop("demo", ROOT, ROOT), io, { host: fakeHost(16, 100) });
    expect([code, io.err()]).toEqual([0, ""]);
    // 3 × 2.3 GiB of 16; 3 × 1.25 CPUs of 8; 1 + 3 × 1.5 GiB of 100; 16 / 2.3 → 6 fit.
    expect(io.out()).toMatch(/\nlocal +3 +9 +6\.9 \/ 16 GiB +3\.75 \/ 8 +5\.5 \/ 100 GiB +128\/524288 LOW +6 \(by memory\)\n/);
    expect(io.out()).toMatch(/\np2 +local +kindnet +demo-p2 +172\.16\.129\.0\/24 +https:\/\/127\.0\.0\.1:20444\n/);
    expect(io.out()).toContain("sudo sysctl -w fs.inotify.max_user_instances=512");
    expect(io.out()).toContain("Fits: 3 participants (the hosts fit 6).");
  });

  it("plan: with 5 GiB available it does not fit, and says how many do (exit 2)", async () => {
    const io = captureIo({}, ROOT);
    const code = await runWorkshopPlan(resolveWorkshop("demo", ROOT, ROOT), io, { host: fakeHost(5, 100) });
    expect(code).toBe(2);
    expect(io.err()).toBe("cnilab workshop plan: does not fit: local holds 2 of its 3. The hosts fit 2 participants. Fewer participants or workers, another host, or more memory/disk.\n");
  });
});
