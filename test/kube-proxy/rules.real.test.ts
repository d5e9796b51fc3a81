/**
 * The recorded fixtures are what real tools print: cluster.ts's kube-proxy rules are loaded into a
 * network namespace this test creates (iptables-restore, nft -f), read back with iptables-save and
 * `nft list table ip kube-proxy`, and compared with fixtures/ — text for text where the tool is the
 * version that recorded them (iptables 1.8.9 and nftables 1.0.6, Debian bookworm's, as on kind's
 * node image), explanation for explanation on any version. No packet is sent. Needs root.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { explainService } from "../../kube-proxy/explain";
import { iptablesRestore, nftInput, SERVICES } from "./cluster";
import { fixture, view } from "./fixtures";

const NETNS = `cnilab-kp-${process.pid}`;
const run = (argv: string[], input?: string) =>
  execFileSync("ip", ["netns", "exec", NETNS, ...argv], { input, encoding: "utf8", timeout: 20_000, stdio: ["pipe", "pipe", "pipe"] });
const version = (tool: string) => execFileSync(tool, ["--version"], { encoding: "utf8", timeout: 5_000 }).trim();

function unavailable(): string | undefined {
  if (process.platform !== "linux") return `needs Linux network namespaces, this is ${process.platform}`;
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_ADMIN) to create a network namespace";
  try {
    version("iptables");
    version("nft");
    execFileSync("ip", ["netns", "add", NETNS], { stdio: "pipe", timeout: 10_000 });
  } catch (err) {
    return `ip netns / iptables / nft unusable: ${(err as Error).message.split("\n")[0]}`;
  }
  return undefined;
}

const skip = unavailable();
if (skip) console.warn(`[skip] kube-proxy rules in a network namespace: ${skip}`);
afterAll(() => {
  if (!skip) execFileSync("ip", ["netns", "del", NETNS], { stdio: "pipe", timeout: 10_000 });
});

const withoutComments = (text: string) => text.split("\n").filter((l) => !l.startsWith("#")).join("\n");
const everyService = (mode: "iptables" | "nftables", text: string) =>
  SERVICES.map((s) => explainService(view(s.namespace, s.name), mode, "lab-worker", "live", text));

describe.skipIf(skip !== undefined)("kube-proxy rules read back from a network namespace", () => {
  it("iptables-save prints the recorded fixture, and explains the same", { timeout: 30_000 }, () => {
    run(["iptables-restore"], iptablesRestore());
    const saved = run(["iptables-save"]);
    if (version("iptables").startsWith("iptables v1.8.9 ")) expect(withoutComments(saved)).toBe(withoutComments(fixture("iptables-save.txt")));
    expect(everyService("iptables", saved)).toEqual(everyService("iptables", fixture("iptables-save.txt")));
  });

  it("nft list table ip kube-proxy prints the recorded fixture, and explains the same", { timeout: 30_000 }, () => {
    run(["nft", "-f", "-"], nftInput());
    const listed = run(["nft", "list", "table", "ip", "kube-proxy"]);
    if (version("nft").startsWith("nftables v1.0.6 ")) expect(listed).toBe(fixture("nft-list-table.txt"));
    expect(everyService("nftables", listed)).toEqual(everyService("nftables", fixture("nft-list-table.txt")));
  });
});
