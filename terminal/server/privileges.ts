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
import { existsSync, lchownSync, lstatSync, readdirSync } from "node:fs";
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
  const unsafe = egressFileProblem(egressFile);
  if (unsafe) throw new Error(`terminal server: egress rules ${egressFile} ${unsafe}; refusing to start as root without them`);
  execFileSync("iptables-restore", [egressFile], { stdio: ["ignore", "inherit", "inherit"] });
  // The whole home tree, uploads included: whatever owner the Docker provider gave the kubeconfig and
  // handout (kreuzwerker's upload at 83c00e0 writes no owner into its tar: root's), they are the participant's.
  chownTree(home, uid);
  process.setgroups?.([]);
  process.setgid?.(uid);
  process.setuid?.(uid);
  if (process.getuid?.() !== uid) throw new Error(`terminal server: still uid ${process.getuid?.()} after dropping root`);
}

/**
 * Why the rules file cannot be trusted, or undefined when it can: it must be root's regular file,
 * writable by root alone, with no second name. The server starts as root again whenever the
 * container restarts (restart: unless-stopped), after the participant has had a shell: a file they
 * could write, or a hard link they made to it, must not decide what root loads.
 */
export function egressFileProblem(path: string): string | undefined {
  if (!existsSync(path)) return "are missing";
  const stat = lstatSync(path);
  if (!stat.isFile()) return "are not a regular file";
  if (stat.uid !== 0) return `belong to uid ${stat.uid}, not root`;
  if ((stat.mode & 0o022) !== 0) return `are writable by others than root (mode ${(stat.mode & 0o777).toString(8)})`;
  if (stat.nlink !== 1) return `have ${stat.nlink} names (a hard link elsewhere)`;
  return undefined;
}

/**
 * The folder and everything in it to `uid`, links themselves (lchown: never what a symbolic link
 * points at). A file with more than one name is left as it is: on a restart the participant has had
 * a shell, and a hard link in their home may name a file of root's (the rules, the token) — where
 * the host does not forbid such links (fs.protected_hardlinks=0), chowning it would hand it over.
 */
export function chownTree(path: string, uid: number): void {
  lchownSync(path, uid, uid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownTree(child, uid);
    else if (lstatSync(child).nlink === 1) lchownSync(child, uid, uid);
  }
}
