/**
 * The local suite's stand-ins for the images pins/images.ts pins (local/workloads/stand-ins): which
 * folder builds the one for each pinned reference, and whether a built image tree has every
 * executable IMAGE_FACTS says the plans rely on. Read by local/build-workload-images.sh through
 * stand-ins-cli.ts; tested as data in test/local/stand-ins.test.ts.
 */
import { lstatSync, readlinkSync } from "node:fs";
import * as path from "node:path";
import { SpecError, type SpecProblem, closest } from "../labs/errors";
import { IMAGES, type ImageKey } from "../pins/images";

export interface StandIn {
  key: ImageKey;
  /** The folder under local/workloads/ that builds it; the image is cnilab-local/<name>:<recipe hash>. */
  name: string;
  /** The pinned reference it stands for, exactly as pins/images.ts spells it. */
  ref: string;
}

const KEYS = Object.keys(IMAGES) as ImageKey[];
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** `<IMAGES key> <folder>` per line; `#` comments and blank lines are skipped. Every problem is reported. */
export function parseStandIns(text: string, source: string): StandIn[] {
  const problems: SpecProblem[] = [];
  const rows: StandIn[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const at = `line ${i + 1}`;
    const [key, name, ...rest] = line.split(/\s+/);
    if (name === undefined || rest.length > 0) {
      problems.push({ source, path: at, message: `'${line}' is not '<IMAGES key> <folder>'` });
      return;
    }
    if (!KEYS.includes(key as ImageKey)) {
      const hint = closest(key!, KEYS);
      problems.push({ source, path: `${at}: key`, message: `'${key}' is not a key of pins/images.ts IMAGES${hint ? ` (did you mean '${hint}'?)` : ""}; allowed: ${KEYS.join(", ")}` });
    } else if (rows.some((r) => r.key === key)) {
      problems.push({ source, path: `${at}: key`, message: `'${key}' has a stand-in already; one per pinned image` });
    }
    if (!NAME.test(name)) problems.push({ source, path: `${at}: folder`, message: `'${name}' must be lowercase letters, digits and inner dashes (an image name)` });
    rows.push({ key: key as ImageKey, name, ref: IMAGES[key as ImageKey] });
  });
  if (problems.length > 0) throw new SpecError(problems);
  return rows;
}

/** containerd's default PATH for a Linux container whose image sets none (and ours set this one). */
export const IMAGE_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * Where `file` (absolute, inside the image) lands in the unpacked tree at `root`, following symlinks
 * as the container would see them: an absolute target is relative to the image's root, never the
 * host's. null when it does not exist or the links loop.
 */
export function resolveInTree(root: string, file: string): string | null {
  const parts = file.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let hops = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === "..") { done.pop(); continue; }
    const here = path.join(root, ...done, part);
    let stat;
    try { stat = lstatSync(here); } catch { return null; }
    if (!stat.isSymbolicLink()) { done.push(part); continue; }
    if (++hops > 40) return null;
    const target = readlinkSync(here);
    if (target.startsWith("/")) done.length = 0;
    parts.unshift(...target.split("/").filter((p) => p !== "" && p !== "."));
  }
  return path.join(root, ...done);
}

/** The executables (a path, or a bare name looked up on `searchPath`) the tree at `root` lacks. */
export function missingExecutables(root: string, executables: readonly string[], searchPath: readonly string[] = IMAGE_PATH): string[] {
  const isExecutable = (file: string) => {
    const found = resolveInTree(root, file);
    if (found === null) return false;
    const stat = lstatSync(found);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  };
  return executables.filter((e) => (e.includes("/") ? !isExecutable(e) : !searchPath.some((dir) => isExecutable(`${dir}/${e}`))));
}
