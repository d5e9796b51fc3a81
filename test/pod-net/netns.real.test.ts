/**
 * explain pod on real kernel objects: netns-pods.ts wires a pod the way ptp (kindnet), bridge
 * (flannel) and macvlan do, in network namespaces this test creates; `ip -j` is read there and
 * explained, and the explanation equals the one made from the recorded fixtures. With
 * CNILAB_RECORD_POD_FIXTURES=1 it rewrites the fixtures instead. Needs root. No packet is sent.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { explainPod } from "../../pod-net/explain";
import { pod, readings, recorded } from "./fixtures";
import { ATTACHMENTS, build, readIp, remove, type Attachment } from "./netns-pods";

const PREFIX = `cnpod${process.pid}`;
const EXPECTED = { ptp: "ptp", bridge: "bridge", macvlan: "macvlan" } as const;

function unavailable(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create network namespaces";
  try {
    execFileSync("ip", ["-V"], { stdio: "pipe", timeout: 5_000 });
  } catch (err) {
    return `iproute2's ip is not usable: ${(err as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

const skip = unavailable();
if (skip) console.warn(`[skip] explain pod in network namespaces: ${skip}`);
afterAll(() => {
  if (!skip) for (const a of ATTACHMENTS) remove(PREFIX, a);
});

describe.skipIf(skip !== undefined)("explain pod on pod-like network namespaces", () => {
  it.each(ATTACHMENTS)("%s: the live explanation equals the recorded one", { timeout: 30_000 }, (a: Attachment) => {
    const live = readIp(build(PREFIX, a));
    if (process.env.CNILAB_RECORD_POD_FIXTURES === "1") {
      const dir = join(__dirname, "fixtures", a);
      mkdirSync(dir, { recursive: true });
      for (const [key, text] of Object.entries(live)) writeFileSync(join(dir, `${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`), text);
    }
    const explainWith = (outputs: typeof live) => explainPod(pod(a), "lab-worker", EXPECTED[a], readings(a, outputs));
    const fromLive = explainWith(live);
    expect(fromLive.problems).toEqual([]);
    expect(fromLive).toEqual(explainWith(recorded(a)));
  });
});
