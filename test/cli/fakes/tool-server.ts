/**
 * A loopback HTTP server standing in for the kind and Pulumi release downloads: each asset under
 * the file name `setup` asks for (kind-linux-amd64, pulumi-v3.259.0-linux-x64.tar.gz, …). The
 * stand-ins run the fake machine's kind and pulumi (test/cli/fakes), saying their pinned versions.
 * `pins` are pins/tools.ts's with each sum replaced by the stand-in's own, computed here.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { PLATFORMS, TOOLS, type Platform, type ToolName, type ToolPin } from "../../../pins/tools";
import { REPO_ROOT, type FakeMachine } from "./install";

export interface ToolServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The real pins with the stand-ins' sums. */
  pins: Record<ToolName, ToolPin>;
  /** The stand-in files' bytes by asset name, for tests that hash them themselves. */
  files: Map<string, Buffer>;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** The stand-in bytes for every platform's asset of both tools (the same script whatever the platform). */
function standIns(m: FakeMachine): Map<string, Buffer> {
  const node = process.execPath;
  const kind = Buffer.from(`#!/bin/sh\nFAKE_KIND_VERSION=${TOOLS.kind.version.slice(1)} exec '${node}' '${join(m.bin, "tools.js")}' kind "$@"\n`);
  const work = mkdtempSync(join(tmpdir(), "cnilab-tool-asset-"));
  try {
    mkdirSync(join(work, "pulumi"));
    const pulumi = `#!/bin/sh\nFAKE_PULUMI_VERSION=${TOOLS.pulumi.version.slice(1)} NODE_PATH='${join(REPO_ROOT, "node_modules")}' exec '${node}' '${join(m.bin, "pulumi.js")}' "$@"\n`;
    writeFileSync(join(work, "pulumi", "pulumi"), pulumi);
    // A language host ships beside the CLI in the real archive; it must land beside it too.
    writeFileSync(join(work, "pulumi", "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n");
    for (const f of ["pulumi", "pulumi-language-nodejs"]) chmodSync(join(work, "pulumi", f), 0o755);
    execFileSync("tar", ["-czf", join(work, "pulumi.tar.gz"), "-C", work, "pulumi"]);
    const archive = readFileSync(join(work, "pulumi.tar.gz"));
    const files = new Map<string, Buffer>();
    for (const p of PLATFORMS) {
      files.set(basename(TOOLS.kind.assets[p].url), kind);
      files.set(basename(TOOLS.pulumi.assets[p].url), archive);
    }
    return files;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function startToolServer(m: FakeMachine): Promise<ToolServer> {
  const files = standIns(m);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const body = files.get((req.url ?? "").slice(1));
    if (!body) {
      res.writeHead(404).end("Not Found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const pin = (tool: ToolName): ToolPin => ({
    ...TOOLS[tool],
    assets: Object.fromEntries(PLATFORMS.map((p) => [p, { url: TOOLS[tool].assets[p].url, sha256: sha256(files.get(basename(TOOLS[tool].assets[p].url))!) }])) as Record<Platform, { url: string; sha256: string }>,
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pins: { kind: pin("kind"), pulumi: pin("pulumi") },
    files,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on: a server that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
