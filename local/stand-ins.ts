/**
 * The local suite's stand-ins for the images the plans run (local/workloads/stand-ins): those
 * pins/images.ts pins, and those a pinned Helm chart deploys (pins/chart-facts.ts); which folder
 * builds the one for each reference, and whether a built image tree has every executable the plans
 * (or the chart's pod spec) run in it. Read by local/build-workload-images.sh through
 * stand-ins-cli.ts; tested as data in test/local/stand-ins.test.ts.
 */
import { lstatSync, readlinkSync } from "node:fs";
import * as path from "node:path";
import { SpecError, type SpecProblem, closest } from "../labs/errors";
import { IMAGE_FACTS } from "../pins/image-facts";
import { IMAGES, type ImageKey } from "../pins/images";

/** What a stand-in must keep of the image it stands for. */
export interface StartFacts {
  entrypoint: readonly string[] | null;
  cmd: readonly string[] | null;
  /** Executables run in it: a path, or a bare name looked up on the image's PATH. */
  executables: readonly string[];
}

/**
 * The images a pinned chart deploys that have a stand-in: how each starts and what the chart's pod
 * spec runs in it (pins/image-facts.ts covers only the images cnilab pins itself).
 */
export const CHART_IMAGE_FACTS: Readonly<Record<string, StartFacts & { source: string }>> = {
  "ghcr.io/flannel-io/flannel:v0.28.9": {
    entrypoint: ["/opt/bin/flanneld"],
    cmd: null,
    // templates/daemonset.yaml: kube-flannel runs /opt/bin/flanneld, install-cni /opt/bin/install-conf;
    // flanneld programs iptables with iptables and iptables-restore (Alpine's, through iptables-wrapper).
    executables: ["/opt/bin/flanneld", "/opt/bin/install-conf", "iptables", "iptables-restore", "/bin/sh"],
    source: "flannel-io/flannel images/Dockerfile and chart/kube-flannel/templates/daemonset.yaml at v0.28.9",
  },
  "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3": {
    // FROM alpine (CMD /bin/sh), the plugin COPYed to /flannel, no ENTRYPOINT.
    entrypoint: null,
    cmd: ["/bin/sh"],
    // templates/daemonset.yaml install-cni-plugin: command cp, args -f /flannel /opt/cni/bin/flannel.
    executables: ["cp", "/flannel"],
    source: "flannel-io/cni-plugin Dockerfile.image; flannel-io/flannel chart/kube-flannel/templates/daemonset.yaml at v0.28.9",
  },
};

export interface StandIn {
  /** An IMAGES key, or the reference a chart deploys (a key of CHART_IMAGE_FACTS). */
  key: string;
  /** The folder under local/workloads/ that builds it; the image is cnilab-local/<name>:<recipe hash>. */
  name: string;
  /** The reference it stands for, exactly as pins/images.ts (or the chart) spells it. */
  ref: string;
  facts: StartFacts;
}

const KEYS = [...Object.keys(IMAGES), ...Object.keys(CHART_IMAGE_FACTS)];
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** `<IMAGES key or chart image reference> <folder>` per line; `#` comments and blank lines are skipped. Every problem is reported. */
export function parseStandIns(text: string, source: string): StandIn[] {
  const problems: SpecProblem[] = [];
  const rows: StandIn[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") return;
    const at = `line ${i + 1}`;
    const [key, name, ...rest] = line.split(/\s+/);
    if (name === undefined || rest.length > 0) {
      problems.push({ source, path: at, message: `'${line}' is not '<IMAGES key or chart image> <folder>'` });
      return;
    }
    if (!KEYS.includes(key!)) {
      const hint = closest(key!, KEYS);
      problems.push({ source, path: `${at}: key`, message: `'${key}' is not a key of pins/images.ts IMAGES nor a chart image of CHART_IMAGE_FACTS${hint ? ` (did you mean '${hint}'?)` : ""}; allowed: ${KEYS.join(", ")}` });
    } else if (rows.some((r) => r.key === key)) {
      problems.push({ source, path: `${at}: key`, message: `'${key}' has a stand-in already; one per pinned image` });
    }
    if (!NAME.test(name)) problems.push({ source, path: `${at}: folder`, message: `'${name}' must be lowercase letters, digits and inner dashes (an image name)` });
    const chart = CHART_IMAGE_FACTS[key!];
    if (chart) rows.push({ key: key!, name, ref: key!, facts: chart });
    else if (key! in IMAGES) rows.push({ key: key!, name, ref: IMAGES[key as ImageKey], facts: IMAGE_FACTS[key as ImageKey] });
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
