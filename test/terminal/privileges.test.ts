import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chownTree, egressFileProblem } from "../../terminal/server/privileges";

/**
 * What the terminal server does as root before it drops to the participant's uid, on real files:
 * the home tree handed over without following a symbolic link or a second name of a root file, and
 * a rules file refused unless root alone could have written it. Root is needed to chown.
 */
const notRoot = process.getuid?.() !== 0 ? "not root: chown to another uid needs CAP_CHOWN" : undefined;
if (notRoot) console.warn(`[skip] terminal privileges tests: ${notRoot}`);

const UID = 700_000_003;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cnilab-terminal-privileges-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(notRoot !== undefined)("the home tree handed to the participant", () => {
  it("every folder and single-named file becomes theirs; a symbolic link is changed itself, a hard-linked root file is left root's", () => {
    const run = join(dir, "run");
    const home = join(dir, "home");
    mkdirSync(run);
    mkdirSync(join(home, ".kube"), { recursive: true });
    writeFileSync(join(run, "egress.rules"), "*filter\nCOMMIT\n", { mode: 0o400 });
    writeFileSync(join(home, ".kube", "config"), "kubeconfig", { mode: 0o600 });
    writeFileSync(join(home, "handout.md"), "handout");
    // What a participant could leave behind for the next start as root (on a host without fs.protected_hardlinks).
    symlinkSync(join(run, "egress.rules"), join(home, "rules-by-symlink"));
    linkSync(join(run, "egress.rules"), join(home, "rules-by-hardlink"));
    chownTree(home, UID);
    const owner = (p: string) => lstatSync(p).uid;
    expect([home, join(home, ".kube"), join(home, ".kube", "config"), join(home, "handout.md"), join(home, "rules-by-symlink")].map(owner)).toEqual([UID, UID, UID, UID, UID]);
    expect(owner(join(run, "egress.rules"))).toBe(0);
    expect(owner(join(home, "rules-by-hardlink"))).toBe(0);
  });
});

describe.skipIf(notRoot !== undefined)("the rules file root loads", () => {
  const rules = (name: string, mode: number, uid = 0): string => {
    const file = join(dir, name);
    writeFileSync(file, "*filter\nCOMMIT\n");
    chmodSync(file, mode);
    chownSync(file, uid, uid);
    return file;
  };

  it("root's file, written by root alone, one name: trusted", () => {
    expect(egressFileProblem(rules("ok.rules", 0o400))).toBeUndefined();
    expect(egressFileProblem(rules("ok-readable.rules", 0o644))).toBeUndefined();
  });

  it("missing, another owner's, writable by others, a second name, or not a file: refused, each saying why", () => {
    expect(egressFileProblem(join(dir, "absent.rules"))).toBe("are missing");
    expect(egressFileProblem(rules("theirs.rules", 0o400, UID))).toBe(`belong to uid ${UID}, not root`);
    expect(egressFileProblem(rules("open.rules", 0o666))).toBe("are writable by others than root (mode 666)");
    const linked = rules("linked.rules", 0o400);
    linkSync(linked, join(dir, "second-name"));
    expect(egressFileProblem(linked)).toBe("have 2 names (a hard link elsewhere)");
    mkdirSync(join(dir, "folder.rules"));
    expect(egressFileProblem(join(dir, "folder.rules"))).toBe("are not a regular file");
  });
});
