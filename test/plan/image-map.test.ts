import { describe, expect, it } from "vitest";
import { SpecError, parseStack, type Spec } from "../../labs";
import { planImages, planLab } from "../../plan";
import { parseImageRef } from "../../pins/image-ref";
import { imagesIn, mapImage, mapImagesIn } from "../../pins/image-map";
import { renderManifest } from "../../plan/manifest";
import { manifestFixtureText } from "../helpers/manifest-fixture";
import { CHART_FACTS, chartFacts, chartImageRef } from "../../pins/chart-facts";
import { renderedImage, withMappedImages } from "../../plan/chart-images";
import { clusterStackContainers, dockerStackContainers, dockerStackNames } from "../helpers/plan-containers";
import { clusterStackNames, loadStack } from "../helpers/stacks";

/**
 * A mirror reference for a pinned one, made here and not by the code under test: the same last path
 * component and tag/digest under mirror.example:5000/cnilab/ (the form a user's mirror script makes).
 */
function mirrorOf(pinned: string): string {
  const m = /^(.*?)((?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?)$/.exec(pinned.replace(/^.*\//, ""))!;
  return `mirror.example:5000/cnilab/${m[1]}${m[2]}`;
}

/** The stack's pinned images, as its plan without a map lists them (the keys the map takes). */
async function fullMap(name: string): Promise<Record<string, string>> {
  const pinned = planImages(planLab(await loadStack(name)));
  return Object.fromEntries(pinned.map((p) => [p, mirrorOf(p)]));
}

function withMap(spec: Spec, imageMap: Record<string, string>): Spec {
  return { ...spec, stack: { ...spec.stack, imageMap } };
}

async function specError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (err) {
    if (err instanceof SpecError) return err.message;
    throw err;
  }
  throw new Error("expected a SpecError");
}

describe("image references (distribution/reference v0.6.0 grammar)", () => {
  it.each([
    ["registry.k8s.io/pause:3.10", { name: "registry.k8s.io/pause", tag: "3.10" }],
    ["localhost:5000/a/b@sha256:" + "a".repeat(64), { name: "localhost:5000/a/b", digest: "sha256:" + "a".repeat(64) }],
    ["busybox", { name: "busybox" }],
    ["10.0.0.1:5001/x_y__z-w:v1@sha256:" + "0".repeat(64), { name: "10.0.0.1:5001/x_y__z-w", tag: "v1", digest: "sha256:" + "0".repeat(64) }],
  ])("%s parses", (ref, parts) => {
    expect(parseImageRef(ref)).toEqual(parts);
  });

  it.each(["upper/Case:v1", "a//b", "a:b:c", "host/img@sha256:short", "", "img:" + "t".repeat(129), "-lead/img"])("%j is refused with the grammar", (ref) => {
    expect(parseImageRef(ref)).toMatch(/is not an image reference: \[host\[:port\]\/\]path\[:tag\]\[@digest\]/);
  });

  it("a name over 255 characters is refused", () => {
    expect(parseImageRef(`r.example/${"a".repeat(250)}:v1`)).toMatch(/more than 255/);
  });
});

describe("mapImage / mapImagesIn", () => {
  it("maps exact references only, and every `image` string at any depth", () => {
    const map = { "a/b:1": "m/b:1" };
    expect(mapImage(map, "a/b:1")).toBe("m/b:1");
    expect(mapImage(map, "a/b:2")).toBe("a/b:2");
    const tree = { spec: { initContainers: [{ image: "a/b:1" }], containers: [{ image: "a/b:2", env: [{ name: "image", value: "a/b:1" }] }] }, image: { repository: "a/b" } };
    expect(mapImagesIn(tree, map)).toEqual({ ...tree, spec: { ...tree.spec, initContainers: [{ image: "m/b:1" }] } });
  });
});

describe.each(clusterStackNames())("stack %s with every pinned image mapped", (name) => {
  it("every container of every planner, the kind nodes and the image list run mapped references only", async () => {
    const map = await fullMap(name);
    const mirrors = new Set(Object.values(map));
    const containers = await clusterStackContainers(name, map);
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.filter((c) => !mirrors.has(c.image)).map((c) => `${c.where}: ${c.image}`)).toEqual([]);
    const plan = planLab(withMap(await loadStack(name), map));
    for (const n of plan.kindConfig.nodes) expect(mirrors.has(n.image)).toBe(true);
    expect(plan.kindConfigYaml).toContain(`image: ${map[Object.keys(map).find((k) => k.startsWith("kindest/node"))!]}`);
    expect(planImages(plan)).toEqual([...mirrors].sort());
    // An upstream manifest's containers, as `up` renders them, run mapped references too.
    const manifests = plan.cni.manifests ?? [];
    for (const m of manifests) expect(imagesIn(renderManifest(manifestFixtureText(m.pin), m)).filter((i) => !mirrors.has(i))).toEqual([]);
    // No pinned reference is left anywhere the plan hands on (the pinned list itself aside; a manifest's
    // images are keyed by the names its file gives them, which the rendering above replaced).
    const handedOn = JSON.stringify({ ...plan, images: undefined, imageMap: undefined, cni: { ...plan.cni, manifests: manifests.map((m) => Object.values(m.images)) } });
    expect(Object.keys(map).filter((pinned) => handedOn.includes(`"${pinned}"`) || handedOn.includes(`image: ${pinned}\n`))).toEqual([]);
  });
});

describe.each(CHART_FACTS.map((f) => [`${f.name} ${f.version}`, f] as const))("chart %s", (_, facts) => {
  const release = { releaseName: "r", namespace: "n", chart: facts.name, version: facts.version, repo: "https://charts.example", values: {}, wait: false };

  it("without a map, its values render every image as pinned (the facts agree with themselves)", () => {
    for (const i of facts.images) expect(renderedImage(i, {})).toBe(chartImageRef(i));
  });

  it("with every image mapped, the values it gets render each mapped reference: no chart image escapes the map", () => {
    const map = Object.fromEntries(facts.images.map((i) => [chartImageRef(i), mirrorOf(chartImageRef(i))]));
    const { release: mapped, problems } = withMappedImages(release, map);
    expect(problems).toEqual([]);
    for (const i of facts.images) expect(renderedImage(i, mapped.values)).toBe(map[chartImageRef(i)]);
  });
});

describe.each(clusterStackNames())("stack %s: chart values from a full map", (name) => {
  it("every image its charts deploy renders as the mapped reference with the values the plan gives", async () => {
    const map = await fullMap(name);
    const plan = planLab(withMap(await loadStack(name), map));
    for (const h of plan.cni.charts) {
      for (const i of chartFacts(h.chart, h.version).images) expect(renderedImage(i, h.values)).toBe(map[chartImageRef(i)]);
    }
  });
});

describe("chart values of a mapped image (facts read at the charts' tags)", () => {
  it("flannel: repository and tag of flannel.image and flannel.flannel_cni.image; the lab's own values kept", async () => {
    const spec = await loadStack("flannel-host-gw");
    const plan = planLab(withMap(spec, { "ghcr.io/flannel-io/flannel:v0.28.9": "m.example:5000/f/flannel:v0.28.9", "ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3": `m.example:5000/f/cni:v1@sha256:${"c".repeat(64)}` }));
    expect(plan.cni.charts[0]!.values).toMatchObject({
      flannel: {
        backend: "host-gw",
        image: { repository: "m.example:5000/f/flannel", tag: "v0.28.9" },
        flannel_cni: { image: { repository: "m.example:5000/f/cni", tag: `v1@sha256:${"c".repeat(64)}` } },
      },
    });
  });

  it("tigera-operator: tigeraOperator registry/image/version, and the Installation's registry, imagePath and imagePrefix", async () => {
    const names = ["node", "cni", "pod2daemon-flexvol", "typha", "kube-controllers"];
    const map = {
      "quay.io/tigera/operator:v1.42.3": "m.example:5000/tigera/operator:v1.42.3",
      ...Object.fromEntries(names.map((n) => [`quay.io/calico/${n}:v3.32.1`, `m.example:5000/mirror/calico/x-${n}:v3.32.1`])),
    };
    const plan = planLab(withMap(await loadStack("calico-ipip"), map));
    const values = plan.cni.charts.find((h) => h.chart === "tigera-operator")!.values;
    expect(values).toMatchObject({
      tigeraOperator: { registry: "", image: "m.example:5000/tigera/operator", version: "v1.42.3" },
      installation: { enabled: true, registry: "m.example:5000", imagePath: "mirror/calico", imagePrefix: "x-", calicoNetwork: { bgp: "Enabled" } },
    });
  });
});

describe.each(dockerStackNames())("Docker-only stack %s", (name) => {
  it("with every pinned image mapped, every container runs a mapped reference; an unused key names the stack file", () => {
    const pinned = [...new Set(dockerStackContainers(name).map((c) => c.image))];
    const map = Object.fromEntries(pinned.map((p) => [p, mirrorOf(p)]));
    const containers = dockerStackContainers(name, map);
    expect(containers.filter((c) => !Object.values(map).includes(c.image))).toEqual([]);
    expect(() => dockerStackContainers(name, { "quay.io/calico/node:v3.32.1": "m.example/node:v3.32.1" })).toThrow(
      new RegExp(`Pulumi\\.${name}\\.yaml: cnilab:imageMap\\["quay.io/calico/node:v3.32.1"\\]: 'quay.io/calico/node:v3.32.1' is not an image this stack runs`),
    );
  });
});

describe("cnilab:imageMap errors", () => {
  it("a key the plan does not pin names the key, the stack file and the references the plan uses", async () => {
    const spec = await loadStack("flannel-vxlan");
    const message = await specError(() => planLab(withMap(spec, { "quay.io/calico/node:v3.32.1": "m.example/node:v3.32.1" })));
    expect(message).toContain(`${spec.stack.source}: cnilab:imageMap["quay.io/calico/node:v3.32.1"]: 'quay.io/calico/node:v3.32.1' is not an image this stack runs`);
    expect(message).toContain("`cnilab plan flannel-vxlan --images`");
    expect(message).toContain("ghcr.io/flannel-io/flannel:v0.28.9");
  });

  it("a value that is not a reference names the field and the grammar", async () => {
    const message = await specError(() =>
      parseStack({ lab: "netpol", backend: "kindnet", imageMap: { "registry.k8s.io/pause:3.10": "Not A Ref" } }, "stacks/Pulumi.x.yaml"),
    );
    expect(message).toBe(
      "stacks/Pulumi.x.yaml: cnilab:imageMap[\"registry.k8s.io/pause:3.10\"]: 'Not A Ref' is not an image reference: [host[:port]/]path[:tag][@digest], path in lowercase letters, digits and . _ - separators (e.g. registry.example:5000/mirror/agnhost:2.53@sha256:<64 hex>); give the reference to run instead of 'registry.k8s.io/pause:3.10'",
    );
  });

  it("Pulumi hands an object setting over as JSON text; it is read as the object", () => {
    const s = parseStack({ lab: "netpol", backend: "kindnet", imageMap: JSON.stringify({ "a/b:1": "m/b:1" }), registryMirrors: '{"docker.io":"http://10.0.0.1:5000"}' }, "stacks/Pulumi.x.yaml");
    expect(s.imageMap).toEqual({ "a/b:1": "m/b:1" });
    expect(s.registryMirrors).toEqual({ "docker.io": "http://10.0.0.1:5000" });
  });

  it("a chart image the chart cannot render that way (digest only where the template writes repository:tag) names the chart and the form", async () => {
    const spec = await loadStack("flannel-vxlan");
    const digestOnly = `m.example/flannel@sha256:${"b".repeat(64)}`;
    const message = await specError(() => planLab(withMap(spec, { "ghcr.io/flannel-io/flannel:v0.28.9": digestOnly })));
    expect(message).toContain(`cnilab:imageMap["ghcr.io/flannel-io/flannel:v0.28.9"]: Helm chart flannel v0.28.9: the chart renders <name>:<tag>`);
    expect(message).toContain(`give '${digestOnly}' a tag (tag@digest pins it too)`);
  });

  it("calico's operator images: one registry, path and prefix for all, with the operator's version as tag", async () => {
    const spec = await loadStack("calico-vxlan");
    const partial = await specError(() => planLab(withMap(spec, { "quay.io/calico/node:v3.32.1": "m.example/calico/node:v3.32.1" })));
    expect(partial).toContain("the operator takes one registry for all its images; map quay.io/calico/cni:v3.32.1, quay.io/calico/pod2daemon-flexvol:v3.32.1, quay.io/calico/typha:v3.32.1, quay.io/calico/kube-controllers:v3.32.1 too");
    const names = ["node", "cni", "pod2daemon-flexvol", "typha", "kube-controllers"];
    const split = Object.fromEntries(names.map((n) => [`quay.io/calico/${n}:v3.32.1`, `m.example/${n === "typha" ? "other" : "calico"}/${n}:v3.32.1`]));
    expect(await specError(() => planLab(withMap(spec, split)))).toContain(
      `cnilab:imageMap["quay.io/calico/typha:v3.32.1"]: Helm chart tigera-operator v3.32.1: the operator takes one registry, path and prefix for all its images; 'm.example/other/typha:v3.32.1' differs from what 'quay.io/calico/node:v3.32.1' maps to`,
    );
    const retagged = await specError(() => planLab(withMap(spec, { "quay.io/calico/node:v3.32.1": "m.example/calico/node:latest" })));
    expect(retagged).toContain("the operator composes <registry>/<path>/<prefix>node:v3.32.1 (Installation registry, imagePath, imagePrefix); 'm.example/calico/node:latest' is not of that form");
  });
});
