import { execFileSync } from "node:child_process";
import { createServer, type AddressInfo, type Server } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleProbe } from "../../probe/bundle";
import { parseProbeLog } from "../../probe/parse";
import type { TerminalContext } from "../../terminal/context";
import { readTerminalHealth } from "../../terminal/health";
import { planTerminals } from "../../terminal/plan";
import { terminalsSchema } from "../../terminal/settings";
import { newTerminalToken } from "../../terminal/token";
import { installMocks, settled } from "../helpers/mocks";
import { freePort } from "../helpers/ports";
import { chromiumMissing, handshake, launchBrowser, typeInTerminal, type Browser } from "./browser-fixture";
import { dockerCreateArgs, uploadsArchive } from "./container-args";
import { mergedKubeconfig } from "./kubeconfig-fixture";
import { buildTerminalImage, standInUnavailable } from "./stand-in";
import { createTestNetwork, type TestNetwork } from "./test-network";

/**
 * A participant's terminal as its container, for real: the image built from the real context on
 * stand-in bases (stand-in.ts), the container created with exactly the docker.Container inputs the
 * component registers under Pulumi mocks (container-args.ts), on a Docker network of the test's own
 * beside a second container standing for the participant's node, with a listener on the network's
 * gateway standing for the host's services. Headless Chromium is the participant.
 */
const unavailable = standInUnavailable();
if (unavailable) console.warn(`[skip] terminal container tests: ${unavailable}`);
const noChromium = chromiumMissing();
if (!unavailable && noChromium) console.warn(`[skip] terminal container tests in the browser: ${noChromium}`);

const RUN = `cnilab-tc-${process.pid}`;
const IMAGE = `cnilab-test-terminal/terminal:${process.pid}`;
const PEER = `${RUN}-peer`;
const LISTEN = 8080;
/** The first participant's own uid: TERMINAL_UID_BASE (terminal/plan.ts) + 0. */
const PARTICIPANT_UID = 700_000_000;
const docker = (...args: string[]): string => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 }).trim();
const quietly = (f: () => unknown): void => {
  try {
    f();
  } catch {
    // Cleanup of what may not exist.
  }
};

/** Participant p1's lab as `workshop up` hands it to the terminal's cnilab (terminal/context.ts). */
const CONTEXT: TerminalContext = { workshop: "demo", participant: "p1", backend: "kindnet", lab: "netpol", assertions: { probes: [], skipped: [], jobs: [] } };

let network: TestNetwork | undefined;
let gatewayListener: Server | undefined;
let gatewayPort: number;
let inputs: Record<string, any>;
let url: string;
let base: string;

beforeAll(async () => {
  if (unavailable) return;
  const imageId = buildTerminalImage(IMAGE);
  network = createTestNetwork(`${RUN}-net`, process.pid);
  const recorded = await installMocks({
    outputs: (a) => (a.type === "pulumi-nodejs:dynamic/cnilab:TerminalToken" ? { token: newTerminalToken() } : a.type === "docker:index/remoteImage:RemoteImage" ? { imageId } : {}),
  });
  const { Terminal, TerminalImage } = await import("../../components/workshop/terminal.js");
  const image = new TerminalImage("terminal-image", { context: "/unused", imageName: IMAGE });
  const [plan] = planTerminals("demo", "workshop-demo", [{ name: "p1", index: 0, clusterName: "ws-p1", host: { id: "local", address: "127.0.0.1" }, network }], terminalsSchema.parse({ portBase: await freePort() }));
  // The one change to the plan: a container name of this run's own, so two runs cannot collide.
  const terminal = new Terminal("terminal-p1", { plan: { ...plan!, containerName: RUN }, imageId: image.imageId, kubeconfig: pulumi.secret(mergedKubeconfig(["ws-p1", "ws-p2"])), handout: (link) => `# p1\n${link}\n`, context: pulumi.output(CONTEXT) });
  url = await settled(terminal.url);
  await settled(terminal.containerName);
  base = new URL(url).origin;
  inputs = recorded.find((r) => r.type === "docker:index/container:Container")!.inputs;
  const uploads = inputs.uploads[specialSigKey] ? inputs.uploads.value : inputs.uploads;

  // The participant's node (a listener of plain TCP), and the host's services on the gateway.
  docker("run", "--detach", "--name", PEER, "--network", network.name, "--ip", network.address(2), "--entrypoint", "node", IMAGE, "-e", `require("net").createServer((s) => s.end()).listen(${LISTEN})`);
  // Any free port on the bridge's own address: something of the host may hold LISTEN on all addresses.
  gatewayListener = createServer((s) => s.end()).listen(0, network.gateway);
  await new Promise((resolve, reject) => gatewayListener!.once("listening", resolve).once("error", reject));
  gatewayPort = (gatewayListener.address() as AddressInfo).port;

  docker("create", ...dockerCreateArgs(inputs, { hostIp: "127.0.0.1" }));
  execFileSync("docker", ["cp", "--archive", "-", `${RUN}:/`], { input: uploadsArchive(uploads), stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
  docker("start", RUN);
  for (let i = 0; i < 60 && !(await readTerminalHealth(`${base}/`, 1_000)).up; i++) await new Promise((r) => setTimeout(r, 500));
  const health = await readTerminalHealth(`${base}/`, 5_000);
  if (!health.up) throw new Error(`the terminal container did not come up (${health.reason}); its log:\n${execFileSync("sh", ["-c", `docker logs ${RUN} 2>&1`], { encoding: "utf8", timeout: 30_000 })}`);
}, 300_000);

afterAll(() => {
  gatewayListener?.close();
  for (const name of [RUN, PEER]) quietly(() => docker("rm", "--force", name));
  quietly(() => network?.remove());
  quietly(() => docker("rmi", "--force", IMAGE));
});

describe.skipIf(unavailable !== undefined)("a participant's terminal container, for real", () => {
  it("runs with the component's limits: half a CPU, 512 MiB and no swap, 256 processes, every capability dropped but four, no new privileges", () => {
    const host = JSON.parse(docker("inspect", "--format", "{{json .HostConfig}}", RUN));
    // The Engine keeps added capabilities in their CAP_ form (Docker 20.10 does).
    expect({ cpus: host.NanoCpus, memory: host.Memory, swap: host.MemorySwap, ulimits: host.Ulimits, drop: host.CapDrop, add: host.CapAdd.map((c: string) => c.replace(/^CAP_/, "")).sort(), opts: host.SecurityOpt, restart: host.RestartPolicy.Name }).toEqual({
      cpus: 500_000_000,
      memory: 512 * 1024 * 1024,
      swap: 512 * 1024 * 1024,
      ulimits: [{ Name: "nproc", Soft: 256, Hard: 256 }],
      drop: ["ALL"],
      add: ["CHOWN", "NET_ADMIN", "SETGID", "SETUID"],
      opts: ["no-new-privileges"],
      restart: "unless-stopped",
    });
    expect(docker("inspect", "--format", `{{(index .NetworkSettings.Networks "${network!.name}").IPAddress}}`, RUN)).toBe(network!.address(254));
  });

  it("its server became the participant's own uid after loading the rules; the files have the owners and modes the component gave", () => {
    const status = docker("exec", RUN, "cat", "/proc/1/status");
    expect(status).toMatch(new RegExp(`^Uid:\\s+${PARTICIPANT_UID}\\s+${PARTICIPANT_UID}\\s+${PARTICIPANT_UID}\\s+${PARTICIPANT_UID}$`, "m"));
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    const files = ["/home/node/.kube/config", "/home/node/handout.md", "/run/cnilab/lab.json", "/run/cnilab/token", "/run/cnilab/egress.rules"];
    const owner = `${PARTICIPANT_UID}:${PARTICIPANT_UID}`;
    expect(docker("exec", RUN, "stat", "-c", "%n %u:%g %a", "/home/node", "/home/node/.kube", ...files).split("\n")).toEqual([
      `/home/node ${owner} 755`,
      `/home/node/.kube ${owner} 755`,
      `/home/node/.kube/config ${owner} 600`,
      `/home/node/handout.md ${owner} 644`,
      `/run/cnilab/lab.json ${owner} 644`,
      "/run/cnilab/token 0:0 400",
      "/run/cnilab/egress.rules 0:0 400",
    ]);
  });

  it("without the token nothing: 401, a wrong one 403, and neither upgrades to a WebSocket", async () => {
    const token = new URL(url).pathname.split("/")[1]!;
    const wrong = (token[0] === "a" ? "b" : "a") + token.slice(1);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/${wrong}/`)).status).toBe(403);
    expect(await handshake(`${base.replace("http", "ws")}/`)).toBe("401");
    expect(await handshake(`${base.replace("http", "ws")}/${wrong}/ws`)).toBe("403");
    expect(await handshake(`${base.replace("http", "ws")}/${token}/ws`)).toBe("open");
  });

  describe.skipIf(noChromium !== undefined)("in headless Chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it("a typed command runs as the participant's uid, and kubectl sees the participant's context alone", { timeout: 60_000 }, async () => {
      const { page, rows } = await typeInTerminal(browser.context, url, "$", "echo uid-$(id -u); kubectl config get-contexts");
      await rows.getByText(`uid-${PARTICIPANT_UID}`).waitFor({ timeout: 20_000 });
      // kubectl's table: the current context's row, marked *, with its cluster and user.
      await rows.getByText(/\*\s+kind-ws-p1\s+kind-ws-p1\s+kind-ws-p1/).waitFor({ timeout: 20_000 });
      const text = (await rows.textContent()) ?? "";
      expect(text).toContain("CURRENT");
      expect(text).not.toContain("ws-p2");
      await page.close();
    });

    it("the terminal's cnilab runs there as the participant, within the limits: its read-only help, and an exercise graded from their own file", { timeout: 90_000 }, async () => {
      // Nothing may connect to nginx (exercise deny-nginx's goal): a policy selecting app=nginx for ingress with no rule.
      const mine = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: mine, namespace: default }\nspec:\n  podSelector: { matchLabels: { app: nginx } }\n  policyTypes: [Ingress]\n";
      execFileSync("docker", ["exec", "-i", "--user", String(PARTICIPANT_UID), RUN, "sh", "-c", "cat > /home/node/mine.yaml"], { input: mine, timeout: 30_000 });
      const typed = "cnilab --help > /tmp/help.out 2>&1; echo help-rc-$?; cnilab check deny-nginx -f ~/mine.yaml > /tmp/check.out 2>&1; echo check-rc-$?";
      const { page, rows } = await typeInTerminal(browser.context, url, "$", typed);
      await rows.getByText(/check-rc-\d/).waitFor({ timeout: 60_000 });
      const text = (await rows.textContent()) ?? "";
      expect(text).toContain("help-rc-0");
      expect(text).toContain("check-rc-0");
      expect(docker("exec", RUN, "cat", "/tmp/help.out")).toMatch(/read-only/);
      expect(docker("exec", RUN, "cat", "/tmp/check.out")).toContain("exercise deny-nginx: all 2 goal cells met");
      // Not killed for memory on the way (the cgroup's OOM kills would show in the container's state).
      expect(docker("inspect", "--format", "{{.State.OOMKilled}}", RUN)).toBe("false");
      await page.close();
    });

    it("as the participant: the token unreadable, the rules unchangeable, the gateway refused, their own network reached", { timeout: 90_000 }, async () => {
      const targets = [
        { id: "gateway", to: network!.gateway, port: gatewayPort },
        { id: "node", to: network!.address(2), port: LISTEN },
      ];
      const plan = { probes: targets.map((t) => ({ ...t, protocol: "tcp", timeoutMs: 2000, attempts: 1 })) };
      for (const name of [RUN, PEER]) {
        execFileSync("docker", ["exec", "-i", name, "sh", "-c", "cat > /tmp/probe.js"], { input: bundleProbe(), timeout: 30_000 });
        execFileSync("docker", ["exec", "-i", name, "sh", "-c", "cat > /tmp/plan.json"], { input: JSON.stringify(plan), timeout: 30_000 });
      }
      const attempts = [
        "cat /run/cnilab/token >/dev/null 2>&1; echo token-rc=$?",
        "iptables -S >/dev/null 2>&1; echo list-rc=$?",
        "printf '*filter\\n:OUTPUT ACCEPT [0:0]\\nCOMMIT\\n' | iptables-restore >/dev/null 2>&1; echo restore-rc=$?",
        // The marker is computed by the shell, so the echo of the typed line cannot match it.
        "node /tmp/probe.js --plan /tmp/plan.json > /tmp/egress.out 2>&1; echo probed-$((40 + 2))",
      ];
      const { page, rows } = await typeInTerminal(browser.context, url, "$", attempts.join("; "));
      await rows.getByText("probed-42").waitFor({ timeout: 30_000 });
      const text = (await rows.textContent()) ?? "";
      expect(text).toContain("token-rc=1");
      expect(text).toMatch(/list-rc=[1-9]/);
      expect(text).toMatch(/restore-rc=[1-9]/);
      const outcomes = (out: string) => Object.fromEntries(parseProbeLog(out, ["gateway", "node"]).map((r) => [r.id, r.outcome]));
      // REJECT with icmp-admin-prohibited fails the connect at once (EHOSTUNREACH): no-route, not a timeout.
      expect(outcomes(docker("exec", RUN, "cat", "/tmp/egress.out"))).toEqual({ gateway: "no-route", node: "connected" });
      // The same network without the rules (the participant's node) reaches the gateway: the rules made the difference.
      expect(outcomes(docker("exec", PEER, "node", "/tmp/probe.js", "--plan", "/tmp/plan.json"))).toEqual({ gateway: "connected", node: "connected" });
      await page.close();
    });

    it("a fork loop as the participant stops at the process bound; the server keeps answering and opens a new shell after", { timeout: 90_000 }, async () => {
      // Children until the kernel refuses one (RLIMIT_NPROC: EAGAIN), held until Enter, then released.
      const forks = `const { spawn } = require("child_process"); const kids = [];
const next = () => { const c = spawn("sleep", ["60"]);
  c.once("error", (e) => { console.log("stopped-at-" + kids.length + "-" + e.code); process.stdin.once("data", () => { for (const k of kids) k.kill(); console.log("released-" + (6 * 7)); process.exit(0); }); });
  c.once("spawn", () => { kids.push(c); if (kids.length < 2000) next(); else { console.log("no-bound"); process.exit(1); } }); };
next();`;
      execFileSync("docker", ["exec", "-i", RUN, "sh", "-c", "cat > /tmp/forks.js"], { input: forks, timeout: 30_000 });
      const { page, rows, type } = await typeInTerminal(browser.context, url, "$", "node /tmp/forks.js");
      const stopped = rows.getByText(/stopped-at-\d+-\w+/);
      await stopped.waitFor({ timeout: 60_000 });
      const [, count, code] = /stopped-at-(\d+)-(\w+)/.exec((await stopped.textContent()) ?? "")!;
      expect(code).toBe("EAGAIN");
      // The server, bash and this node count too: fewer children than the bound, but most of it.
      expect(Number(count)).toBeLessThan(256);
      expect(Number(count)).toBeGreaterThan(128);
      // While the participant's budget is spent, the server still answers (it forks nothing for that).
      expect((await readTerminalHealth(`${base}/`, 5_000)).up).toBe(true);
      await type("");
      await rows.getByText("released-42").waitFor({ timeout: 20_000 });
      await page.close();
      const again = await typeInTerminal(browser.context, url, "$", "echo again-$((3 * 3))");
      await again.rows.getByText("again-9").waitFor({ timeout: 20_000 });
      await again.page.close();
    });
  });
});
