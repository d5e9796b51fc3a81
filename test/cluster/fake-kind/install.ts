/**
 * Puts the fake `kind` and `docker` (fake-cli.js) first on PATH in a temp dir and gives the test
 * a handle on what they recorded and on the failures they can simulate.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface FakeCall {
  tool: "kind" | "docker";
  argv: string[];
  KIND_EXPERIMENTAL_DOCKER_NETWORK: string | null;
  /** The config file's content, recorded by `kind create cluster` while the file existed. */
  config?: string;
}

export interface FakeKind {
  /** Recorded calls since the last `clearCalls()`, in order. */
  calls(): FakeCall[];
  clearCalls(): void;
  /** The clusters the fake holds, as `kind get clusters` would list them. */
  clusters(): string[];
  /** Makes the next `kind create cluster` fail after "Ensuring node image", nodes left behind. */
  failNextCreate(): void;
  /** Removes a cluster the way `docker rm -f` by hand would: kind no longer lists it. */
  deleteByHand(name: string): void;
  /** A node's containerd hosts folder as `docker exec` left it: `<host>` → hosts.toml text. */
  certsDir(node: string): Record<string, string>;
  /** Restores PATH and removes the temp dir. */
  uninstall(): void;
}

export function installFakeKind(): FakeKind {
  const root = mkdtempSync(join(tmpdir(), "cnilab-fake-kind-"));
  const bin = join(root, "bin");
  const state = join(root, "state");
  mkdirSync(bin);
  mkdirSync(join(state, "clusters"), { recursive: true });
  // fake-cli.js finds its state as <bin>/../state, so run a copy that lives in <root>/bin.
  const script = join(bin, "fake-cli.js");
  writeFileSync(script, readFileSync(join(__dirname, "fake-cli.js")));
  for (const tool of ["kind", "docker"] as const) {
    // The very node running the tests, so the fake works whatever `node` PATH would find.
    writeFileSync(join(bin, tool), `#!/bin/sh\nexec '${process.execPath}' '${script}' ${tool} "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }
  const savedPath = process.env.PATH;
  const savedKind = process.env.CNILAB_KIND;
  process.env.PATH = `${bin}${delimiter}${savedPath ?? ""}`;
  delete process.env.CNILAB_KIND;
  const log = join(state, "calls.jsonl");

  return {
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as FakeCall)
        : [],
    clearCalls: () => rmSync(log, { force: true }),
    clusters: () =>
      readdirSync(join(state, "clusters"))
        .map((file) => file.replace(/\.json$/, ""))
        .sort(),
    failNextCreate: () => writeFileSync(join(state, "fail-create"), ""),
    deleteByHand: (name) => {
      rmSync(join(state, "clusters", `${name}.json`));
      rmSync(join(state, "nodes"), { recursive: true, force: true });
    },
    certsDir: (node) => {
      const dir = join(state, "nodes", node, "etc/containerd/certs.d");
      if (!existsSync(dir)) return {};
      return Object.fromEntries(readdirSync(dir).map((host) => [host, readFileSync(join(dir, host, "hosts.toml"), "utf8")]));
    },
    uninstall: () => {
      process.env.PATH = savedPath;
      if (savedKind !== undefined) process.env.CNILAB_KIND = savedKind;
      rmSync(root, { recursive: true, force: true });
    },
  };
}
