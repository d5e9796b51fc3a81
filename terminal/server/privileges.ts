/**
 * The container starts the server as root for one thing: loading its egress rules into its own
 * network namespace (egress.ts). Then it becomes the image's `node` user (uid/gid 1000 in the Node
 * images: nodejs/docker-node 24/alpine3.23/Dockerfile, `adduser -u 1000 -G node`) before anything
 * of the participant's runs. A change of uid from root to another clears the effective and permitted
 * capabilities (capabilities(7), "Effect of user ID changes on capabilities"), and the container
 * runs with no-new-privileges, so the shell cannot take NET_ADMIN back to undo the rules.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const TERMINAL_UID = 1000;
export const TERMINAL_GID = 1000;

/**
 * The capabilities the container keeps (all others dropped), each for one step below. No NET_RAW:
 * Alpine's iptables-restore is iptables-nft (pins/terminal-facts.ts), which programs nf_tables over
 * netlink with CAP_NET_ADMIN alone; only iptables-legacy opens the raw socket NET_RAW is for.
 */
export const TERMINAL_CAPABILITIES = {
  NET_ADMIN: "iptables-restore loads the egress rules",
  SETGID: "setgroups([]) and setgid to the node group",
  SETUID: "setuid to the node user",
} as const;

/** Fails closed: a terminal whose rules did not load does not start. */
export function confineAndDropRoot(egressFile: string): void {
  if (process.getuid?.() !== 0) return;
  if (!existsSync(egressFile)) throw new Error(`terminal server: egress rules ${egressFile} are missing; refusing to start as root without them`);
  execFileSync("iptables-restore", [egressFile], { stdio: ["ignore", "inherit", "inherit"] });
  process.setgroups?.([]);
  process.setgid?.(TERMINAL_GID);
  process.setuid?.(TERMINAL_UID);
  if (process.getuid?.() !== TERMINAL_UID) throw new Error(`terminal server: still uid ${process.getuid?.()} after dropping root`);
}
