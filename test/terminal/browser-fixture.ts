/**
 * What the terminal tests do from the participant's side, whichever way the server runs (the
 * process on loopback, or its container): a WebSocket handshake's answer, headless Chromium, and a
 * command typed into the page.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import WebSocket from "ws";

export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser checks cannot run here, or undefined. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium; .ci/setup.sh does)`;
}

/** The answer to a WebSocket handshake at `url` (ws://…): "open", or the HTTP status the server gave. */
export function handshake(url: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: 5_000 });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_request, response) => resolve(String(response.statusCode)));
    ws.on("error", (error) => resolve(`error: ${error.message}`));
  });
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a throwaway profile; nothing of it reaches the network on its own. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "cnilab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1000, height: 600 },
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface TerminalPage {
  page: Page;
  /** The terminal's rows as xterm.js draws them. */
  rows: Locator;
  /** Types a command and Enter. */
  type(command: string): Promise<void>;
}

/** Opens the participant's link, waits until the shell shows `ready` (its prompt), then types `command`. */
export async function typeInTerminal(context: BrowserContext, url: string, ready: string, command: string): Promise<TerminalPage> {
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: "load", timeout: 20_000 });
  expect(response?.status()).toBe(200);
  const rows = page.locator(".xterm-rows");
  await rows.getByText(ready).first().waitFor({ timeout: 20_000 });
  await page.locator(".xterm").click();
  const type = async (line: string): Promise<void> => {
    await page.keyboard.type(line);
    await page.keyboard.press("Enter");
  };
  await type(command);
  return { page, rows, type };
}
