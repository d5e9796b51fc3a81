/**
 * The terminal container's entry: `node terminal-server.js` with its settings in the environment,
 * the names planTerminal (terminal/plan.ts) sets. The token is read from a file so it shows in no
 * `docker inspect` and no process list.
 */
import { readFileSync } from "node:fs";
import { loadAssets } from "./page";
import { confineAndDropRoot } from "./privileges";
import { createTerminalServer } from "./server";
import { TERMINAL_ENV } from "../env";

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`terminal server: ${name} is not set (the terminal plan sets it; see terminal/env.ts)`);
  return value;
}

async function main(): Promise<void> {
  const idleMinutes = Number(setting(TERMINAL_ENV.idleMinutes));
  if (!(idleMinutes > 0)) throw new Error(`terminal server: ${TERMINAL_ENV.idleMinutes} must be a positive number of minutes, got '${process.env[TERMINAL_ENV.idleMinutes]}'`);
  // Read as root: the token file is root's alone, so the participant's shell cannot read it either.
  const token = readFileSync(setting(TERMINAL_ENV.tokenFile), "utf8").trim();
  const assets = loadAssets(process.env[TERMINAL_ENV.assets]);
  confineAndDropRoot(setting(TERMINAL_ENV.egress), Number(setting(TERMINAL_ENV.uid)), setting("HOME"));
  const server = createTerminalServer({
    token,
    title: setting(TERMINAL_ENV.participant),
    command: setting(TERMINAL_ENV.shell),
    cwd: setting("HOME"),
    env: process.env,
    idleMs: idleMinutes * 60_000,
    assets,
  });
  const port = await server.listen(Number(setting(TERMINAL_ENV.port)), "0.0.0.0");
  console.log(`terminal for ${setting(TERMINAL_ENV.participant)} listening on port ${port}`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
