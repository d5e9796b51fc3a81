import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { describeTerminalHealth, readTerminalHealth } from "../../terminal/health";
import { terminalKubeconfig } from "../../terminal/kubeconfig";
import { loadAssets } from "../../terminal/server/page";
import { createTerminalServer, type TerminalServer } from "../../terminal/server/server";
import { IDLE_CLOSE } from "../../terminal/server/session";
import { participantRow } from "../../workshop/status";
import { chromiumMissing, handshake as handshakeAt, launchBrowser, typeInTerminal as typeAt, type Browser } from "./browser-fixture";
import { mergedKubeconfig } from "./kubeconfig-fixture";

/**
 * A participant's terminal server for real, on loopback (the server process itself; its container
 * is the workshop's), opened in headless Chromium: a command typed into the page runs on a pty and
 * its output shows in the page; kubectl there sees only the participant's cluster; without the
 * token there is neither a page nor a WebSocket.
 */
const noChromium = chromiumMissing();
if (noChromium) console.log(`skipping the terminal-in-a-browser check: ${noChromium}`);
const hasKubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].some(existsSync);

/** Two participants' clusters: the terminal keeps p1's only. */
const INSTRUCTOR_KUBECONFIG = mergedKubeconfig(["ws-p1", "ws-p2"]);

const token = randomBytes(32).toString("base64url");
let home: string;
let terminal: TerminalServer;
let base: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "cnilab-terminal-home-"));
  mkdirSync(join(home, ".kube"));
  writeFileSync(join(home, ".kube", "config"), terminalKubeconfig(INSTRUCTOR_KUBECONFIG, "ws-p1"), { mode: 0o600 });
  terminal = createTerminalServer({
    token,
    title: "p1",
    command: "bash --noprofile --norc -i",
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: join(home, ".kube", "config"), PS1: "p1$ " },
    idleMs: 60_000,
    assets: loadAssets(),
  });
  base = `http://127.0.0.1:${await terminal.listen(0, "127.0.0.1")}`;
});
afterAll(async () => {
  await terminal?.close();
  rmSync(home, { recursive: true, force: true });
});

const handshake = (path: string): Promise<string> => handshakeAt(`${base.replace("http", "ws")}${path}`);

describe("the terminal server refuses whoever lacks the participant's token", () => {
  it("no token: 401 for the page and the WebSocket; a path without it is a wrong token", async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect(await handshake("/")).toBe("401");
    // The first path segment is the token: "ws" is a wrong one.
    expect(await handshake("/ws")).toBe("403");
  });

  it("a wrong token (same length, one character off): 403 for the page, its assets and the WebSocket", async () => {
    const wrong = (token[0] === "a" ? "b" : "a") + token.slice(1);
    expect((await fetch(`${base}/${wrong}/`)).status).toBe(403);
    expect((await fetch(`${base}/${wrong}/xterm.js`)).status).toBe(403);
    expect(await handshake(`/${wrong}/ws`)).toBe("403");
    expect(await handshake(`/${token.slice(0, 10)}/ws`)).toBe("403");
  });

  it("the right token opens the WebSocket; health says up and never used, and carries no token", async () => {
    expect(await handshake(`/${token}/ws`)).toBe("open");
    const health = await fetch(`${base}/healthz`);
    const text = await health.text();
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toMatchObject({ up: true, lastUsed: null });
    expect(describeTerminalHealth(await readTerminalHealth(`${base}/`, 5_000))).toBe("up, never used");
  });

  it("workshop status shows a participant's terminal up even when their cluster is not", async () => {
    const row = await participantRow({ name: "p1", host: "local", backend: "kindnet", clusterName: "ws-p1", apiServer: "https://127.0.0.1:1", terminal: `${base}/${token}/` }, () => Promise.reject(new Error("not called")), () => undefined, undefined, 5_000);
    expect(row).toMatchObject({ participant: "p1", reachable: false, terminal: "up, never used" });
    const without = await participantRow({ name: "p2", host: "local", backend: "kindnet", clusterName: "ws-p2", apiServer: "https://127.0.0.1:1" }, () => Promise.reject(new Error("not called")), () => undefined, undefined, 5_000);
    expect(without.terminal).toBe("—");
  });

  it("a terminal nobody listens for is down, with the reason", async () => {
    const gone = createTerminalServer({ token, title: "gone", command: "cat", cwd: tmpdir(), env: {}, idleMs: 1000, assets: loadAssets() });
    const port = await gone.listen(0, "127.0.0.1");
    await gone.close();
    expect(describeTerminalHealth(await readTerminalHealth(`http://127.0.0.1:${port}/`, 5_000))).toBe("down: ECONNREFUSED");
  });
});

describe("a server whose idle time is short", () => {
  it("closes a session that sent no key with the idle code", async () => {
    const short = createTerminalServer({ token, title: "idle", command: "cat", cwd: tmpdir(), env: { PATH: process.env.PATH }, idleMs: 200, assets: loadAssets() });
    const port = await short.listen(0, "127.0.0.1");
    try {
      const code = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/${token}/ws`);
        ws.on("close", (c) => resolve(c));
        ws.on("error", reject);
      });
      expect(code).toBe(IDLE_CLOSE);
    } finally {
      await short.close();
    }
  });
});

describe.skipIf(noChromium !== undefined)("the terminal in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** The participant's page, once the shell's prompt shows, with a command typed and sent. */
  const typeInTerminal = (command: string) => typeAt(browser.context, `${base}/${token}/`, "p1$", command);

  it("runs a typed command on a pty and shows its output; health records the use", { timeout: 60_000 }, async () => {
    // The answer is computed by the shell, so it can only show up if the command ran; `tty` proves a
    // pty, and its size is the one the page's fit addon measured (the resize reached the pty).
    const { page, rows } = await typeInTerminal("echo answer-$((6*7)); tty; echo size-$(stty size)");
    await rows.getByText("answer-42").waitFor({ timeout: 20_000 });
    await rows.getByText("/dev/pts/").first().waitFor({ timeout: 20_000 });
    const size = (await page.evaluate("[term.rows, term.cols]")) as [number, number];
    expect(size[1]).toBeGreaterThan(80);
    await rows.getByText(`size-${size[0]} ${size[1]}`).waitFor({ timeout: 20_000 });
    const health = await readTerminalHealth(`${base}/`, 5_000);
    expect(health.up && health.lastUsed).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(health.up && health.sessions).toBeGreaterThanOrEqual(1);
    expect(describeTerminalHealth(health)).toMatch(/^up, last used \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    await page.close();
  });

  it.skipIf(!hasKubectl)("kubectl in the page names the participant's cluster alone", { timeout: 60_000 }, async () => {
    const { page, rows } = await typeInTerminal("kubectl config get-clusters | tr '\\n' ' '; echo; kubectl config view -o jsonpath='{.clusters[0].cluster.server}'; echo");
    await rows.getByText("https://ws-p1-control-plane:6443").waitFor({ timeout: 20_000 });
    const text = (await rows.textContent()) ?? "";
    expect(text).toContain("NAME kind-ws-p1");
    expect(text).not.toContain("ws-p2");
    await page.close();
  });

  it("a wrong token in the browser gets no terminal", { timeout: 30_000 }, async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${base}/${"x".repeat(token.length)}/`, { waitUntil: "load", timeout: 20_000 });
    expect(response?.status()).toBe(403);
    expect(await page.locator(".xterm").count()).toBe(0);
    await page.close();
  });
});
