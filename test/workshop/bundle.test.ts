/**
 * The bundle's parts as data and against a loopback registry that asks for a bearer token: what a
 * workshop needs from its plans, the registry's storage layout, the token dance, platform choice,
 * chart URLs and the --platform option.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePlatforms } from "../../cli/workshop-bundle";
import { UsageError } from "../../cli/command";
import { planLab } from "../../plan";
import { CALICO_CHART, CALICO_CRDS_CHART, CANAL_MANIFEST, FLANNEL_CHART, IMAGES } from "../../pins";
import { BlobFolder, bearerChallenge, chartUrl, RegistryClient, sha256, storageEntries, workshopContents } from "../../workshop/bundle";
import { loadStack } from "../helpers/stacks";

describe("workshopContents", () => {
  it("the union of the participants' pinned images, charts and manifests, each once", async () => {
    const flannel = planLab(await loadStack("flannel-vxlan"));
    const calico = planLab(await loadStack("calico-ipip"));
    const canal = planLab(await loadStack("canal"));
    const c = workshopContents([flannel, flannel, calico, canal, canal]);
    expect(c.manifests).toEqual([CANAL_MANIFEST]);
    expect(c.images).toContain("docker.io/flannel/flannel:v0.24.4");
    expect(c.charts).toEqual([
      { name: CALICO_CRDS_CHART.name, version: CALICO_CRDS_CHART.version, repo: CALICO_CRDS_CHART.repo },
      { name: FLANNEL_CHART.name, version: FLANNEL_CHART.version, repo: FLANNEL_CHART.repo },
      { name: CALICO_CHART.name, version: CALICO_CHART.version, repo: CALICO_CHART.repo },
    ]);
    expect(c.images).toContain(IMAGES.kindNode);
    expect(c.images).toContain("ghcr.io/flannel-io/flannel:v0.28.9");
    expect(c.images.some((i) => i.startsWith("quay.io/tigera/operator:"))).toBe(true);
    expect(new Set(c.images).size).toBe(c.images.length);
  });
});

describe("storageEntries (distribution registry/storage/paths.go)", () => {
  const d = (ch: string) => `sha256:${ch.repeat(64)}`;
  it("blobs once, revision links for manifests, layer links for blobs, the tag's current and index links", () => {
    const entries = storageEntries([{ ref: "busybox:1", domain: "docker.io", path: "library/busybox", tag: "1", digest: d("a"), manifests: [d("a"), d("b")], blobs: [d("c")] }]);
    const v2 = "docker/registry/v2";
    expect(entries).toEqual([
      { path: `${v2}/blobs/sha256/aa/${"a".repeat(64)}/data`, blob: d("a") },
      { path: `${v2}/blobs/sha256/bb/${"b".repeat(64)}/data`, blob: d("b") },
      { path: `${v2}/blobs/sha256/cc/${"c".repeat(64)}/data`, blob: d("c") },
      { path: `${v2}/repositories/library/busybox/_layers/sha256/${"c".repeat(64)}/link`, link: d("c") },
      { path: `${v2}/repositories/library/busybox/_manifests/revisions/sha256/${"a".repeat(64)}/link`, link: d("a") },
      { path: `${v2}/repositories/library/busybox/_manifests/revisions/sha256/${"b".repeat(64)}/link`, link: d("b") },
      { path: `${v2}/repositories/library/busybox/_manifests/tags/1/current/link`, link: d("a") },
      { path: `${v2}/repositories/library/busybox/_manifests/tags/1/index/sha256/${"a".repeat(64)}/link`, link: d("a") },
    ]);
  });
});

describe("RegistryClient against a registry that asks for a token", () => {
  const dir = mkdtempSync(join(tmpdir(), "cnilab-registry-client-"));
  const layer = Buffer.from("layer bytes\n");
  const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
  const image = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config: { digest: sha256(config), size: config.length }, layers: [{ digest: sha256(layer), size: layer.length }] }));
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [{ digest: sha256(image), size: image.length, platform: { os: "linux", architecture: "amd64" } }, { digest: `sha256:${"9".repeat(64)}`, size: 1, platform: { os: "linux", architecture: "s390x" } }] }));
  const seen: string[] = [];
  let server: Server;
  let base = "";

  beforeAll(async () => {
    const blobs = new Map([[sha256(layer), layer], [sha256(config), config], [sha256(image), image], [sha256(index), index]]);
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? "-"}`);
      if (req.url?.startsWith("/token?")) return res.end(JSON.stringify({ token: "t0k" }));
      if (req.headers.authorization !== "Bearer t0k") {
        return res.writeHead(401, { "www-authenticate": `Bearer realm="${base}/token",service="test",scope="repository:x:pull"` }).end();
      }
      const m = /^\/v2\/team\/app\/(manifests|blobs)\/(.+)$/.exec(req.url ?? "");
      const body = m ? blobs.get(m[2] === "v1" ? sha256(index) : m[2]!) : undefined;
      return body ? res.end(body) : res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers the challenge once per repository and keeps only the asked platform", async () => {
    const client = new RegistryClient({ endpoint: () => base, platforms: ["linux/amd64"], timeoutMs: 5000 });
    const got = await client.pull("quay.io/team/app:v1", new BlobFolder(dir));
    expect(got).toEqual({ ref: "quay.io/team/app:v1", domain: "quay.io", path: "team/app", tag: "v1", digest: sha256(index), manifests: [sha256(index), sha256(image)], blobs: [sha256(config), sha256(layer)] });
    expect(seen.filter((s) => s.startsWith("/token?"))).toEqual(["/token?service=test&scope=repository%3Ateam%2Fapp%3Apull -"]);
  });

  it("a pinned digest the registry does not serve is refused", async () => {
    const client = new RegistryClient({ endpoint: () => base, platforms: ["linux/amd64"], timeoutMs: 5000 });
    await expect(client.pull(`quay.io/team/app@${sha256(image).replace(/.$/, "0")}`, new BlobFolder(dir))).rejects.toThrow(/404/);
  });

  it("an index without the asked platform names what it offers", async () => {
    const client = new RegistryClient({ endpoint: () => base, platforms: ["linux/arm64"], timeoutMs: 5000 });
    await expect(client.pull("quay.io/team/app:v1", new BlobFolder(dir))).rejects.toThrow("quay.io/team/app:v1: the index offers linux/amd64, linux/s390x; none of linux/arm64 (--platform)");
  });

  it("bearerChallenge reads realm, service and scope; another scheme is none", () => {
    expect(bearerChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"')).toEqual({ realm: "https://auth.docker.io/token", service: "registry.docker.io" });
    expect(bearerChallenge('Basic realm="x"')).toBeUndefined();
  });
});

describe("chart URLs (Helm's ResolveReferenceURL)", () => {
  it.each([
    ["https://flannel-io.github.io/flannel/", "flannel-v0.28.9.tgz", "https://flannel-io.github.io/flannel/flannel-v0.28.9.tgz"],
    ["https://docs.tigera.io/calico/charts", "tigera-operator-v3.32.1.tgz", "https://docs.tigera.io/calico/charts/tigera-operator-v3.32.1.tgz"],
    ["https://docs.tigera.io/calico/charts", "https://github.com/x/y.tgz", "https://github.com/x/y.tgz"],
  ])("%s + %s", (repo, url, expected) => {
    expect(chartUrl(repo, url)).toBe(expected);
  });
});

describe("--platform", () => {
  it("defaults to linux/amd64 and takes a comma list", () => {
    expect(parsePlatforms(undefined)).toEqual(["linux/amd64"]);
    expect(parsePlatforms("linux/amd64,linux/arm/v7")).toEqual(["linux/amd64", "linux/arm/v7"]);
  });
  it("a bad entry is usage naming the form", () => {
    expect(() => parsePlatforms("linux/amd64,amd64")).toThrow(UsageError);
    expect(() => parsePlatforms("amd64")).toThrow("--platform 'amd64' is not os/arch[/variant]");
  });
});
