/**
 * The local suite's stand-in images (local/workloads) as data: one for every pinned image a kind lab
 * pulls and for the flannel chart's images, each with the ENTRYPOINT and CMD recorded for the image it
 * stands for (IMAGE_FACTS, CHART_IMAGE_FACTS), and the check build-workload-images.sh runs on every
 * built tree (executables resolved inside the image).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CNI_PLUGINS } from "../../backends/types";
import { SpecError } from "../../labs/errors";
import { CHART_IMAGE_FACTS, missingExecutables, parseStandIns, resolveInTree } from "../../local/stand-ins";
import { FLANNEL_CHART, IMAGE_FACTS, IMAGES, type ImageKey } from "../../pins";
import { chartFacts, chartImageRef } from "../../pins/chart-facts";

const WORKLOADS = join(__dirname, "../../local/workloads");
const standIns = parseStandIns(readFileSync(join(WORKLOADS, "stand-ins"), "utf8"), "local/workloads/stand-ins");

/** The JSON array of a Dockerfile instruction, or null when the Dockerfile has none. */
function instruction(dockerfile: string, name: "ENTRYPOINT" | "CMD"): string[] | null {
  const m = new RegExp(`^${name} (\\[.*\\])$`, "m").exec(dockerfile);
  return m ? (JSON.parse(m[1]!) as string[]) : null;
}

describe("local/workloads/stand-ins", () => {
  it("has a stand-in for every pinned image but the node image", () => {
    // kindNode: the local cluster runs cnilab-local-node (local/build-images.sh); registry runs on a
    // workshop host's Docker (workshop/cache), never inside a kind lab.
    const without: ImageKey[] = ["kindNode", "registry"];
    const expected = (Object.keys(IMAGES) as ImageKey[]).filter((k) => !without.includes(k));
    expect(standIns.map((s) => s.key).filter((k) => k in IMAGES).sort()).toEqual(expected.sort());
  });

  it("has a stand-in for each image the flannel chart deploys, as pins/chart-facts.ts names them", () => {
    const deployed = chartFacts(FLANNEL_CHART.name, FLANNEL_CHART.version).images.map(chartImageRef);
    expect(deployed).toEqual(["ghcr.io/flannel-io/flannel:v0.28.9", "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3"]);
    expect(Object.keys(CHART_IMAGE_FACTS).sort()).toEqual([...deployed].sort());
    expect(standIns.filter((s) => !(s.key in IMAGES)).map((s) => [s.ref, s.name])).toEqual([
      ["ghcr.io/flannel-io/flannel:v0.28.9", "flannel"],
      ["ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3", "flannel-cni-plugin"],
    ]);
  });

  it("keeps the paths the flannel chart's pod spec runs (templates/daemonset.yaml at v0.28.9)", () => {
    expect(CHART_IMAGE_FACTS["ghcr.io/flannel-io/flannel:v0.28.9"]?.executables).toEqual(expect.arrayContaining(["/opt/bin/flanneld", "/opt/bin/install-conf"]));
    expect(CHART_IMAGE_FACTS["ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3"]?.executables).toEqual(["cp", "/flannel"]);
  });

  it("carries each pinned reference exactly as pins/images.ts spells it", () => {
    expect(standIns.find((s) => s.key === "agnhost")?.ref).toBe(IMAGES.agnhost);
  });

  it.each(standIns.map((s) => [s.name, s] as const))("%s starts as the image it stands for does (IMAGE_FACTS)", (_, s) => {
    const dockerfile = readFileSync(join(WORKLOADS, s.name, "Dockerfile"), "utf8");
    const facts = s.key in IMAGES ? IMAGE_FACTS[s.key as ImageKey] : CHART_IMAGE_FACTS[s.key]!;
    expect(s.facts).toBe(facts);
    // catatonit needs -P to be a pause process; the program that starts is still /pause.
    const extraArgs = s.key === "pause" ? ["-P"] : [];
    expect(instruction(dockerfile, "ENTRYPOINT")).toEqual(facts.entrypoint ? [...facts.entrypoint, ...extraArgs] : null);
    expect(instruction(dockerfile, "CMD")).toEqual(facts.cmd ? [...facts.cmd] : null);
  });

  it("has a build folder for the registry beside the stand-ins", () => {
    expect(existsSync(join(WORKLOADS, "registry", "Dockerfile"))).toBe(true);
  });

  it("builds the CNI plugins the plans copy, at the version of the pinned plugins image", () => {
    const tools = readFileSync(join(WORKLOADS, "../build-tools.sh"), "utf8");
    const built = [...tools.matchAll(/\$p\/(?:main|ipam|meta)\/([a-z-]+)/g)].map((m) => m[1]);
    // flannel's plugin comes from the flannel chart's own image, not from the reference plugins.
    expect(built.sort()).toEqual(CNI_PLUGINS.filter((p) => p !== "flannel").sort());
    const version = /^CNI_PLUGINS_WORKLOAD_VERSION=(\S+)$/m.exec(readFileSync(join(WORKLOADS, "../versions.sh"), "utf8"))?.[1];
    expect(IMAGES.cniPlugins).toContain(`:${version}-`);
  });

  it("builds Node at the version of the pinned Node image (local/versions.sh NODE_VERSION)", () => {
    const version = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(join(WORKLOADS, "../versions.sh"), "utf8"))?.[1];
    expect(IMAGES.node).toContain(`/node:${version}-`);
  });
});

describe("parseStandIns", () => {
  it("reports every bad line at once, with the line, the value and what is allowed", () => {
    const text = ["# comment", "agnost agnhost", "nginx Nginx", "nginx nginx", "busybox", ""].join("\n");
    let error: unknown;
    try {
      parseStandIns(text, "stand-ins");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const lines = (error as SpecError).message.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^stand-ins: line 2: key: 'agnost' is not a key of pins\/images.ts IMAGES nor a chart image of CHART_IMAGE_FACTS \(did you mean 'agnhost'\?\); allowed: kindNode, .*, ghcr.io\/flannel-io\/flannel:v0.28.9, /);
    expect(lines[1]).toBe("stand-ins: line 3: folder: 'Nginx' must be lowercase letters, digits and inner dashes (an image name)");
    expect(lines[2]).toBe("stand-ins: line 4: key: 'nginx' has a stand-in already; one per pinned image");
    expect(lines[3]).toBe("stand-ins: line 5: 'busybox' is not '<IMAGES key or chart image> <folder>'");
  });
});

describe("missingExecutables on an unpacked image tree", () => {
  const root = mkdtempSync(join(tmpdir(), "cnilab-stand-in-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const file = (p: string, mode: number) => {
    mkdirSync(join(root, p, ".."), { recursive: true });
    writeFileSync(join(root, p), "#!/bin/sh\n");
    chmodSync(join(root, p), mode);
  };
  file("usr/bin/dash", 0o755);
  file("usr/bin/readme", 0o644);
  file("usr/local/bin/docker-entrypoint.sh", 0o755);
  symlinkSync("usr/bin", join(root, "bin")); // usr-merged Debian
  symlinkSync("/usr/bin/dash", join(root, "usr/bin/sh")); // absolute: inside the image, not the host
  symlinkSync("/etc/hostname", join(root, "usr/bin/hostlink")); // exists on the host, not in the image
  symlinkSync("loop", join(root, "usr/bin/loop"));

  it("follows absolute links and linked folders inside the tree", () => {
    expect(resolveInTree(root, "/bin/sh")).toBe(join(root, "usr/bin/dash"));
    expect(missingExecutables(root, ["/bin/sh", "sh", "docker-entrypoint.sh"])).toEqual([]);
  });

  it("names what is absent, not executable, outside the image or a loop", () => {
    expect(missingExecutables(root, ["/bin/bash", "readme", "hostlink", "loop", "nginx"])).toEqual(["/bin/bash", "readme", "hostlink", "loop", "nginx"]);
  });
});
