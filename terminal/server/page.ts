/**
 * The terminal page: xterm.js (the terminal emulator VS Code and JupyterLab embed) and its fit
 * addon, served by our server from the pinned npm packages, so the browser needs nothing else.
 * Every address in it is relative to the page's own, which carries the participant's token.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The files the page loads, by the name it asks for. */
export interface PageAssets {
  readonly "xterm.js": string;
  readonly "xterm.css": string;
  readonly "addon-fit.js": string;
}
export type AssetName = keyof PageAssets;
export const ASSET_TYPES: Readonly<Record<AssetName, string>> = {
  "xterm.js": "text/javascript; charset=utf-8",
  "xterm.css": "text/css; charset=utf-8",
  "addon-fit.js": "text/javascript; charset=utf-8",
};

/**
 * The assets from a folder (the terminal image copies them there) or, by default, from the npm
 * packages this checkout installed.
 */
export function loadAssets(folder?: string): PageAssets {
  const require = createRequire(__filename);
  const xterm = folder ?? dirname(require.resolve("@xterm/xterm/package.json"));
  const fit = folder ?? dirname(require.resolve("@xterm/addon-fit/package.json"));
  const read = (base: string, file: string, inFolder: string): string => readFileSync(folder ? join(folder, inFolder) : join(base, file), "utf8");
  return {
    "xterm.js": read(xterm, "lib/xterm.js", "xterm.js"),
    "xterm.css": read(xterm, "css/xterm.css", "xterm.css"),
    "addon-fit.js": read(fit, "lib/addon-fit.js", "addon-fit.js"),
  };
}

export function pageHtml(title: string): string {
  const safeTitle = title.replace(/[<>&"]/g, "");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${safeTitle}</title>
<link rel="stylesheet" href="xterm.css">
<style>html,body{margin:0;height:100%;background:#111}#terminal{height:100%}</style>
</head><body><div id="terminal"></div>
<script src="xterm.js"></script><script src="addon-fit.js"></script>
<script>
const Term = window.Terminal.Terminal || window.Terminal;
const Fit = window.FitAddon.FitAddon || window.FitAddon;
const term = new Term({ cursorBlink: true, convertEol: false });
const fit = new Fit();
term.loadAddon(fit);
term.open(document.getElementById("terminal"));
fit.fit();
const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + base + "ws");
const sendSize = () => ws.send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
ws.onopen = () => { sendSize(); term.focus(); };
ws.onmessage = (event) => term.write(event.data);
ws.onclose = (event) => term.write("\\r\\n[" + (event.code === 4000 ? "closed after being idle: reload to start again" : "disconnected: " + (event.reason || event.code)) + "]\\r\\n");
term.onData((data) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "input", data })); });
window.addEventListener("resize", () => { fit.fit(); if (ws.readyState === WebSocket.OPEN) sendSize(); });
</script></body></html>
`;
}
