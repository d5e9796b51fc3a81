/**
 * The container starts the server as root for three things: loading its egress rules into its own
 * network namespace (egress.ts), handing the home folder to the participant's user id, and becoming
 * that user (terminal/plan.ts TERMINAL_UID_BASE: one id per participant, so each has a process
 * budget of their own) before anything of the participant's runs. A change of uid from root to
 * another clears the effective and permitted capabilities (capabilities(7), "Effect of user ID
 * changes on capabilities"), and the container runs with no-new-privileges, so the shell cannot take
 * NET_ADMIN back to undo the rules. The id needs no /etc/passwd entry: the shell, kubectl and the
 * server go by $HOME.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lchownSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The capabilities the container keeps (all others dropped), each for one step below. No NET_RAW:
 * Alpine's iptables-restore is iptables-nft (pins/terminal-facts.ts), which programs nf_tables over
 * netlink with CAP_NET_ADMIN alone; only iptables-legacy opens the raw socket NET_RAW is for.
 */
export const TERMINAL_CAPABILITIES = {
  NET_ADMIN: "iptables-restore loads the egress rules",
  CHOWN: "the home folder (the image's node user's) becomes the participant's",
  SETGID: "setgroups([]) and setgid to the participant's id",
  SETUID: "setuid to the participant's id",
} as const;

/** Fails closed: a terminal whose rules did not load does not start. */
export function confineAndDropRoot(egressFile: string, uid: number, home: string): void {
  if (process.getuid?.() !== 0) return;
  if (!Number.isInteger(uid) || uid <= 0) throw new Error(`terminal server: the participant's uid must be a positive integer, got '${uid}'`);
  if (!existsSync(egressFile)) throw new Error(`terminal server: egress rules ${egressFile} are missing; refusing to start as root without them`);
  execFileSync("iptables-restore", [egressFile], { stdio: ["ignore", "inherit", "inherit"] });
  // The whole home tree, uploads included: whatever owner the Docker provider gave the kubeconfig and
  // handout (kreuzwerker's upload at 83c00e0 writes no owner into its tar: root's), they are the participant's.
  chownTree(home, uid);
  process.setgroups?.([]);
  process.setgid?.(uid);
  process.setuid?.(uid);
  if (process.getuid?.() !== uid) throw new Error(`terminal server: still uid ${process.getuid?.()} after dropping root`);
}

/** The folder and everything in it, links themselves (not what they point at). */
function chownTree(path: string, uid: number): void {
  lchownSync(path, uid, uid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory()) chownTree(join(path, entry.name), uid);
    else lchownSync(join(path, entry.name), uid, uid);
  }
}
