/**
 * The terminal image's build context, written by `cnilab workshop up` and built on each host by the
 * Docker there (components/workshop/terminal.ts): the pinned Node image with kubectl copied from the
 * pinned kubectl image (its minor version is the node image's: pins/images.ts), the Alpine packages
 * pins/terminal-facts.ts lists (bash, `script` for the pty, iptables-restore for the egress rules),
 * and our server as one bundled file with the xterm.js assets beside it. Nothing is fetched at run time; the Alpine packages come from
 * the base image's own release branch when the image is built.
 *
 * Beside them the terminal's read-only cnilab (cli/terminal-main.ts: verify, check, policy matrix),
 * bundled with the exercises WITHOUT their reference solutions (a participant can read every file in
 * their container), the labs they run on WITHOUT their policy scenarios (an exercise is a lab
 * scenario graded on its own, so a scenario's policies are an exercise's solution; the exercises
 * need the lab's namespaces, workloads and clients alone), and the bundled probe program its live
 * check's Jobs run. The entry is bundled by its path: terminal/ imports nothing of cli/ (cli/
 * imports terminal/).
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseDocument } from "yaml";
import { EXERCISES_DIR, listExercises } from "../labs/exercise";
import { labFile, listLabs } from "../labs/lab";
import { IMAGE_FACTS, IMAGES, TERMINAL_KUBECTL_PATH, terminalApkPackages } from "../pins";
import { bundleEntry, bundleProbe } from "../probe/bundle";
import { loadAssets } from "./server/page";
import { TERMINAL_CLI_FILES, TERMINAL_CONTAINER_PORT, TERMINAL_PATHS } from "./plan";

/** The local name every host's build is tagged with; containers run the built image by its ID. */
export const TERMINAL_IMAGE_NAME = "cnilab/terminal:local";

/** Where the server goes inside the image. */
const SERVER_FILE = "/opt/cnilab/terminal-server.js";

/** The terminal cnilab's folder and its wrapper in the context (TERMINAL_PATHS.cli and .cnilab in the image). */
const CLI_DIR = "cli";
const WRAPPER = "cnilab";
/** Context files that are programs: written executable, which COPY keeps. */
const EXECUTABLES: readonly string[] = [WRAPPER];

/**
 * What the build starts from and adds. Production: the pinned images and one `apk add` of the
 * packages pins/terminal-facts.ts lists. The container test (test/terminal/container.test.ts) swaps
 * the two bases for stand-ins it assembles from this machine's own files, which already carry those
 * executables, and leaves the install step out: with no registry and no Alpine mirror reachable,
 * the bases and the package download are the only parts it cannot run, while every later step
 * (kubectl copied, our server and assets, the home folder, the entrypoint) is built for real.
 */
export interface TerminalImageBases {
  node: string;
  kubectl: string;
  /** The step that adds the Alpine packages; null when the node base carries them already. */
  install: string | null;
}

export const TERMINAL_IMAGE_BASES: TerminalImageBases = {
  node: IMAGES.node,
  kubectl: IMAGES.kubectl,
  install: `RUN apk add --no-cache ${terminalApkPackages().join(" ")}`,
};

export function terminalDockerfile(bases: TerminalImageBases = TERMINAL_IMAGE_BASES): string {
  return [
    `FROM ${bases.kubectl} AS kubectl`,
    `FROM ${bases.node}`,
    ...(bases.install === null ? [] : [bases.install]),
    `COPY --from=kubectl ${IMAGE_FACTS.kubectl.executables[0]} ${TERMINAL_KUBECTL_PATH}`,
    `COPY terminal-server.js ${SERVER_FILE}`,
    `COPY assets/ ${TERMINAL_PATHS.assets}/`,
    `COPY ${CLI_DIR}/ ${TERMINAL_PATHS.cli}/`,
    `COPY ${WRAPPER} ${TERMINAL_PATHS.cnilab}`,
    // The folders the uploads go into; the server hands the home tree to the participant's uid at start.
    `RUN mkdir -p ${TERMINAL_PATHS.home}/.kube /run/cnilab`,
    `WORKDIR ${TERMINAL_PATHS.home}`,
    `EXPOSE ${TERMINAL_CONTAINER_PORT}`,
    // The Node image's docker-entrypoint.sh would run `node` anyway; named, so nothing else is read.
    `ENTRYPOINT ["node", "${SERVER_FILE}"]`,
    "",
  ].join("\n");
}

/** The context's files by their path in it. */
export function terminalImageFiles(): Record<string, string> {
  return {
    Dockerfile: terminalDockerfile(),
    "terminal-server.js": bundleEntry(join(__dirname, "server", "main.ts")).code,
    ...Object.fromEntries(Object.entries(loadAssets()).map(([name, text]) => [join("assets", name), text])),
    [WRAPPER]: `#!/bin/sh\nexec node ${TERMINAL_PATHS.cli}/${TERMINAL_CLI_FILES.bundle} "$@"\n`,
    ...terminalCliFiles(),
  };
}

/** The terminal cnilab's folder (TERMINAL_CLI_FILES), by path in the context. */
function terminalCliFiles(): Record<string, string> {
  const at = (path: string) => join(CLI_DIR, path);
  return {
    // Minified: 5.0 MB instead of 19.9 MB (most of it @kubernetes/client-node), and `cnilab --version`
    // peaks at 95 MB resident instead of 119 MB (measured: /usr/bin/time -f %M, Node 24) inside a
    // container whose memory limit also holds the server, the shell and kubectl (settings.ts).
    [at(TERMINAL_CLI_FILES.bundle)]: bundleEntry(join(__dirname, "..", "cli", "terminal-main.ts"), { minify: true }).code,
    [at(TERMINAL_CLI_FILES.probe)]: bundleProbe(),
    ...Object.fromEntries(listLabs().map((lab) => [at(join(TERMINAL_CLI_FILES.labs, `${lab}.yaml`)), withoutKey(readFileSync(labFile(lab), "utf8"), "scenarios")])),
    ...Object.fromEntries(
      listExercises().map((ex) => [at(join(TERMINAL_CLI_FILES.exercises, `${ex}.yaml`)), withoutKey(readFileSync(join(EXERCISES_DIR, `${ex}.yaml`), "utf8"), "solution")]),
    ),
  };
}

/** A YAML file's text without one top-level key (comments and the rest as written). */
function withoutKey(text: string, key: string): string {
  const doc = parseDocument(text);
  doc.delete(key);
  return doc.toString();
}

/**
 * Writes the context and returns its folder. By default the folder is named by the content's hash,
 * so the image's build input (the path) changes exactly when the content does: an unchanged
 * terminal is not rebuilt, nor its containers replaced, on the next up.
 */
export function writeTerminalImageContext(dir?: string): string {
  const files = terminalImageFiles();
  const hash = createHash("sha256");
  for (const name of Object.keys(files).sort()) hash.update(`${name}\0${files[name]}\0`);
  const folder = dir ?? join(tmpdir(), `cnilab-terminal-image-${hash.digest("hex").slice(0, 16)}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), text);
    if (EXECUTABLES.includes(name)) chmodSync(join(folder, name), 0o755);
  }
  return folder;
}
