/**
 * The terminal image's build context, written by `cnilab workshop up` and built on each host by the
 * Docker there (components/workshop/terminal.ts): the pinned Node image with kubectl copied from the
 * pinned kubectl image (its minor version is the node image's: pins/images.ts), bash, util-linux
 * (`script`, the server's pty) and iptables (the egress rules), and our server as one bundled file
 * with the xterm.js assets beside it. Nothing is fetched at run time; the Alpine packages come from
 * the base image's own release branch when the image is built.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IMAGE_FACTS, IMAGES } from "../pins";
import { bundleEntry } from "../probe/bundle";
import { loadAssets } from "./server/page";
import { TERMINAL_CONTAINER_PORT, TERMINAL_PATHS } from "./plan";

/** The local name every host's build is tagged with; containers run the built image by its ID. */
export const TERMINAL_IMAGE_NAME = "cnilab/terminal:local";

/** Where the server goes inside the image. */
const SERVER_FILE = "/opt/cnilab/terminal-server.js";

export function terminalDockerfile(): string {
  const kubectl = IMAGE_FACTS.kubectl.executables[0];
  return [
    `FROM ${IMAGES.kubectl} AS kubectl`,
    `FROM ${IMAGES.node}`,
    "RUN apk add --no-cache bash util-linux iptables",
    `COPY --from=kubectl ${kubectl} /usr/local/bin/kubectl`,
    `COPY terminal-server.js ${SERVER_FILE}`,
    `COPY assets/ ${TERMINAL_PATHS.assets}/`,
    `RUN mkdir -p ${TERMINAL_PATHS.home}/.kube /run/cnilab && chown -R 1000:1000 ${TERMINAL_PATHS.home}`,
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
  };
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
  mkdirSync(join(folder, "assets"), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}
