/**
 * local/derive-stack.sh with a made-up image map and chart folder: the derived stack keeps only the
 * keys its plan pins (cnilab:imageMap refuses any other), names the cached folder of each chart it
 * installs, and what it writes loads and plans as a stack file; with an exercise, the stack runs that
 * exercise's starting state and its map keeps only what that plan pins.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadSpec, parseStack } from "../../labs";
import { planLab } from "../../plan";
import { IMAGES } from "../../pins";
import { loadStack, ROOT } from "../helpers/stacks";

const run = promisify(execFile);
const cache = mkdtempSync(join(tmpdir(), "cnilab-derive-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("local/derive-stack.sh", () => {
  it("keeps the map's entries the stack pins, drops calico's and the replaced node image's, and the result plans", async () => {
    const dir = join(cache, "k8s-v1.34.0-kind-v0.30.0", "registry");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "image-map.yaml"),
      [
        `"${IMAGES.pause}": "cnilab-local-registry:5000/pause:3.10"`,
        "ghcr.io/flannel-io/flannel:v0.28.9: cnilab-local-registry:5000/flannel:v0.28.9",
        "quay.io/calico/node:v3.32.1: cnilab-local-registry:5000/calico-node:v3.32.1",
        `${IMAGES.kindNode}: cnilab-local-registry:5000/node:v1.34.0`,
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "registry-mirrors.yaml"), '"cnilab-local-registry:5000": "http://172.17.0.1:5000"\n');
    const derive = () =>
      run("bash", [join(ROOT, "local", "derive-stack.sh"), "flannel-vxlan", "172.16.201.0/24"], { env: { ...process.env, CNILAB_LOCAL_CACHE: cache }, timeout: 60_000 });
    const chart = join(cache, "k8s-v1.34.0-kind-v0.30.0", "charts", "flannel-v0.28.9");
    await expect(derive()).rejects.toMatchObject({ stderr: expect.stringContaining(`derive-stack: no chart flannel v0.28.9 in ${chart}`) });
    mkdirSync(chart, { recursive: true });
    writeFileSync(join(chart, "Chart.yaml"), "apiVersion: v1\nname: flannel\nversion: v0.28.9\n");
    const { stdout } = await run("bash", [join(ROOT, "local", "derive-stack.sh"), "flannel-vxlan", "172.16.201.0/24"], {
      env: { ...process.env, CNILAB_LOCAL_CACHE: cache },
      timeout: 60_000,
    });
    const config = (parse(stdout) as { config: Record<string, unknown> }).config;
    expect(config["cnilab:imageMap"]).toEqual({
      [IMAGES.pause]: "cnilab-local-registry:5000/pause:3.10",
      "ghcr.io/flannel-io/flannel:v0.28.9": "cnilab-local-registry:5000/flannel:v0.28.9",
    });
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("cnilab:")).map(([k, v]) => [k.slice("cnilab:".length), v]));
    const stack = parseStack(raw, "stacks/Pulumi.local-flannel-vxlan.yaml");
    const plan = planLab({ ...(await loadStack("flannel-vxlan")), stack });
    expect(plan.images.filter((i) => i.run !== i.pinned).map((i) => i.run).sort()).toEqual(["cnilab-local-registry:5000/flannel:v0.28.9", "cnilab-local-registry:5000/pause:3.10"]);
    expect(config["cnilab:registryMirrors"]).toEqual({ "cnilab-local-registry:5000": "http://172.17.0.1:5000" });
    expect(config["cnilab:chartDirs"]).toEqual({ flannel: chart });
    expect(plan.cni.charts.map((h) => h.localDir)).toEqual([chart]);
    expect(plan.registryHosts.map((f) => f.host)).toEqual(["cnilab-local-registry:5000"]);
  }, 150_000);

  it("with an exercise: sets cnilab:exercise and drops the keys only the full lab pins (netpol's guestbook frontend)", async () => {
    const dir = join(cache, "exercise", "k8s-v1.34.0-kind-v0.30.0", "registry");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "image-map.yaml"),
      [`"${IMAGES.nginx}": "cnilab-local-registry:5000/nginx:local"`, `"${IMAGES.guestbookFrontend}": "cnilab-local-registry:5000/gb:local"`, ""].join("\n"),
    );
    writeFileSync(join(dir, "registry-mirrors.yaml"), '"cnilab-local-registry:5000": "http://172.17.0.1:5000"\n');
    const derive = (...extra: string[]) =>
      run("bash", [join(ROOT, "local", "derive-stack.sh"), "kindnet", "172.16.240.0/24", ...extra], { env: { ...process.env, CNILAB_LOCAL_CACHE: join(cache, "exercise") }, timeout: 60_000 });
    const configOf = (stdout: string) => (parse(stdout) as { config: Record<string, unknown> }).config;
    // Without the exercise the full lab runs, guestbook included: both keys stay.
    expect(Object.keys(configOf((await derive()).stdout)["cnilab:imageMap"] as object).sort()).toEqual([IMAGES.nginx, IMAGES.guestbookFrontend].sort());
    const config = configOf((await derive("deny-nginx")).stdout);
    expect(config["cnilab:exercise"]).toBe("deny-nginx");
    expect(config["cnilab:imageMap"]).toEqual({ [IMAGES.nginx]: "cnilab-local-registry:5000/nginx:local" });
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith("cnilab:")).map(([k, v]) => [k.slice("cnilab:".length), v]));
    const plan = planLab(await loadSpec(raw, "stacks/Pulumi.local-kindnet-deny-nginx.yaml"));
    expect(plan.images.filter((i) => i.run !== i.pinned).map((i) => i.run)).toEqual(["cnilab-local-registry:5000/nginx:local"]);
  }, 150_000);
});
