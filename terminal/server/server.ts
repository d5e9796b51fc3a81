/**
 * The terminal server: one participant's token guards everything but a health line.
 *
 *   GET /healthz              → 200 {"up":true,"lastUsed":<ISO time of the last key, or null>,"sessions":n}
 *   GET /<token>/             → the terminal page (and its xterm.js assets under /<token>/)
 *   WebSocket /<token>/ws     → a shell on a pty (session.ts)
 *   no token                  → 401; a wrong token → 403; neither upgrades to a WebSocket.
 *
 * The token is in the path, not a query string or a cookie, so the handout's link is the whole key
 * and the page's relative addresses carry it along. It is compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { ASSET_TYPES, pageHtml, type AssetName, type PageAssets } from "./page";
import { runSession } from "./session";

export interface TerminalServerOptions {
  readonly token: string;
  /** Shown as the page's title (the participant's name). */
  readonly title: string;
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly idleMs: number;
  readonly assets: PageAssets;
}

export interface TerminalServer {
  readonly server: Server;
  /** Resolves with the port once listening (0 asks the kernel for a free one). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

/** A token a participant gets: what `planTerminalToken` draws (token.ts) and nothing shorter. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,}$/;

type Access = { readonly ok: true; readonly rest: string } | { readonly ok: false; readonly status: 401 | 403 };

export function createTerminalServer(options: TerminalServerOptions): TerminalServer {
  if (!TOKEN_SHAPE.test(options.token)) throw new Error("terminal server: the token must be at least 32 URL-safe characters (A-Z a-z 0-9 _ -)");
  const expected = Buffer.from(options.token);
  let lastUsed: Date | undefined;
  const sockets = new WebSocketServer({ noServer: true });

  const access = (url: string | undefined): Access => {
    const path = new URL(url ?? "/", "http://terminal").pathname;
    const [, first = "", ...rest] = path.split("/");
    if (first === "") return { ok: false, status: 401 };
    const given = Buffer.from(decodeURIComponent(first));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403 };
    return { ok: true, rest: rest.join("/") };
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://terminal").pathname;
    if (request.method === "GET" && path === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ up: true, lastUsed: lastUsed?.toISOString() ?? null, sessions: sockets.clients.size }));
      return;
    }
    const allowed = access(request.url);
    if (!allowed.ok) return deny(response, allowed.status);
    if (allowed.rest === "" || allowed.rest === "index.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" });
      response.end(pageHtml(`${options.title} — cnilab terminal`));
    } else if (allowed.rest in ASSET_TYPES) {
      response.writeHead(200, { "content-type": ASSET_TYPES[allowed.rest as AssetName] });
      response.end(options.assets[allowed.rest as AssetName]);
    } else {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
    }
  });

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const allowed = access(request.url);
    if (!allowed.ok || allowed.rest !== "ws") {
      const status = allowed.ok ? 404 : allowed.status;
      socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) =>
      runSession(ws, { command: options.command, cwd: options.cwd, env: options.env, idleMs: options.idleMs, onInput: () => (lastUsed = new Date()) }),
    );
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        for (const client of sockets.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const STATUS_TEXT = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found" } as const;

function deny(response: import("node:http").ServerResponse, status: 401 | 403): void {
  response.writeHead(status, { "content-type": "text/plain" });
  response.end(status === 401 ? "this terminal needs the address from your handout\n" : "this is not your terminal's address\n");
}
