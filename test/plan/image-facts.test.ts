import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BACKEND_FACTS, BACKENDS } from "../../backends";
import { loadLab } from "../../labs";
import { IMAGE_FACTS, IMAGES, KIND_NODE_CNI, resolveImage } from "../../pins";
import { prerequisitesObjects } from "../../backends/prerequisites";
import { l3RoutesScript } from "../../backends/multiplex";
import { planLab } from "../../plan";
import { imageFactsMarkdown, imageProblems, shellCommands, type RunSpec } from "../helpers/image-check";
import { clusterStackContainers, dockerStackContainers, dockerStackNames } from "../helpers/plan-containers";
import { clusterStackNames, loadStack, ROOT } from "../helpers/stacks";
import { iperfClientScript } from "../../perf/script";
import { PERF_SETTINGS } from "../../perf/settings";

/** The ipvlan L3 route script for a cluster of one node: one line of commands, then `ip route`. */
const l3RoutesScriptForTest = l3RoutesScript({ "c-control-plane": "10.244.0.0/24" });

const k8s = (image: string, command?: string[], args?: string[]): RunSpec => ({ where: "case", image, command, args, runtime: "kubernetes" });

describe("the image facts table", () => {
  it("has one row per pinned image, each pinned by digest and read from an upstream source", () => {
    expect(Object.keys(IMAGE_FACTS).sort()).toEqual(Object.keys(IMAGES).sort());
    for (const [key, f] of Object.entries(IMAGE_FACTS)) {
      expect(f.ref, key).toBe(IMAGES[key as keyof typeof IMAGES]);
      expect(f.ref, key).toMatch(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+(:[\w.-]+)?@sha256:[0-9a-f]{64}$/);
      expect(f.build.length, key).toBeGreaterThan(0);
      for (const s of f.build) expect(s.repository, key).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(f.digestFrom, key).not.toBe("");
      // What the image starts by default is there; a shell is what `sh -c` needs, and an image without one lists none.
      const start = f.entrypoint?.[0] ?? f.cmd?.[0];
      if (start) expect(f.executables.some((e) => e === start || e.endsWith(`/${start}`)), key).toBe(true);
      expect(f.executables.some((e) => /(^|\/)(ba|a|da)?sh$/.test(e)), key).toBe(f.shell !== null);
    }
  });
});

describe("what the checker catches (the defects the table was made for)", () => {
  it.each([
    ["a shell script in the distroless kubectl image", k8s(IMAGES.kubectl, ["/bin/bash", "-c", "kubectl wait nodes --all"]), /runs \/bin\/bash, which the image lacks/],
    ["sh in the scratch pause image", k8s(IMAGES.pause, ["sh", "-c", "sleep 1"]), /runs sh, which the image lacks/],
    ["a tag-only image", k8s("docker.io/library/nginx:1.28.0"), /not pinned by digest/],
    ["seed 002's frontend", k8s("docker.io/kubeguide/guestbook-php-frontend:latest"), /no row in IMAGE_FACTS/],
    ["a script calling what busybox's row lacks", k8s(IMAGES.busybox, ["/bin/sh", "-c", "x=$(wget -qO- http://a) && echo $x"]), /its script calls wget/],
  ])("%s", (_what, spec, problem) => {
    expect(imageProblems(spec).join("\n")).toMatch(problem);
  });

  it("passes an image's own entrypoint with args, and a shell script of builtins and the image's executables", () => {
    expect(imageProblems(k8s(IMAGES.agnhost, undefined, ["netexec", "--http-port=8080"]))).toEqual([]);
    expect(imageProblems(k8s(IMAGES.busybox, ["/bin/sh", "-c", 'set -e\n[ -n "$A" ] || { echo "no"; exit 1; }\ncp -f /a /b']))).toEqual([]);
  });
});

describe("shell scripts: the commands they execute", () => {
  it("the ipvlan L3 route script: nslookup inside $( ), awk after a pipe, ip; builtins and assignments too", () => {
    expect(shellCommands(l3RoutesScriptForTest).commands).toEqual(["set", "[", "nslookup", "awk", "[", "echo", "exit", "ip", "ip"]);
  });

  it("perf's iperf3 client script: its own function run, iperf3, the shell's read and echo", () => {
    const { commands, functions } = shellCommands(iperfClientScript(PERF_SETTINGS.quick));
    expect(functions).toEqual(["run"]);
    expect(new Set(commands)).toEqual(new Set(["read", "echo", "iperf3", "run", "exit"]));
  });
});

describe.each(clusterStackNames())("every container of cluster stack %s", (stack) => {
  it("runs an image pinned by digest, with a facts row, whose executables its command calls", async () => {
    const containers = await clusterStackContainers(stack);
    expect(containers.flatMap(imageProblems)).toEqual([]);
    // The walk reached every planner: readiness, workloads, health and assertion Jobs, perf.
    const images = new Set(containers.map((c) => c.image));
    for (const image of [IMAGES.kubectl, IMAGES.agnhost, IMAGES.node, IMAGES.networkPerf]) expect(images).toContain(image);
  });
});

describe.each(dockerStackNames())("every container of Docker-only stack %s", (stack) => {
  it("runs an image pinned by digest, with a facts row, whose executables its command calls", () => {
    const containers = dockerStackContainers(stack);
    expect(containers.length).toBeGreaterThan(0);
    expect(containers.flatMap(imageProblems)).toEqual([]);
  });
});

describe("the prerequisites DaemonSet", () => {
  it("runs clean for every backend's plugin set, with and without conflists and a node script", () => {
    for (const backend of BACKENDS) {
      const objects = prerequisitesObjects({ plugins: BACKEND_FACTS[backend].prerequisites.cniPlugins, conflists: { n: "{}" }, nodeScript: l3RoutesScriptForTest });
      const spec = (objects.at(-1) as unknown as { spec: { template: { spec: { initContainers: { name: string; image: string; command: string[] }[] } } } }).spec.template.spec;
      for (const c of spec.initContainers) expect(imageProblems({ where: c.name, image: c.image, command: c.command, runtime: "kubernetes" })).toEqual([]);
    }
  });

  it("every plugin a node's conflist calls is in kind's node image (CNI plugins v1.7.1) or copied onto the nodes", async () => {
    expect(KIND_NODE_CNI).toEqual({ version: "v1.7.1", plugins: ["host-local", "loopback", "ptp", "portmap"] });
    for (const stack of ["macvlan", "ipvlan-l2", "ipvlan-l3"]) {
      const plan = planLab(await loadStack(stack));
      const copied = plan.backend.prerequisites.cniPlugins;
      const conflists = plan.cni.objects.find((o) => o.kind === "ConfigMap") as unknown as { data: Record<string, string> };
      for (const text of Object.values(conflists.data)) {
        const conf = JSON.parse(text) as { plugins: { type: string; ipam?: { type: string } }[] };
        const types = conf.plugins.flatMap((p) => [p.type, ...(p.ipam ? [p.ipam.type] : [])]);
        for (const t of types) expect([...KIND_NODE_CNI.plugins, ...copied], `${stack}: ${t}`).toContain(t);
      }
    }
  });
});

describe("the guestbook frontend of labs/netpol.yaml", () => {
  it("keeps seed 002's shape: ReplicationController frontend, name=frontend, GET_HOSTS_FROM=env, hostPort 80, Service on 80", async () => {
    const lab = await loadLab("netpol");
    const w = lab.workloads.find((x) => x.name === "frontend")!;
    expect(w.kind).toBe("ReplicationController");
    expect(w.labels).toEqual({ name: "frontend" });
    const [c] = w.containers;
    expect(resolveImage(c!.image)).toBe(IMAGES.guestbookFrontend);
    expect(c!.env).toEqual({ GET_HOSTS_FROM: "env" });
    expect(c!.ports.map((p) => [p.containerPort, p.hostPort])).toEqual([[80, 80]]);
    expect(w.service?.ports.map((p) => p.port)).toEqual([80]);
  });

  it("every workload port of an image with known ports is one the image serves, and every probe aims at one", async () => {
    for (const name of ["netpol", "netpol-universe"]) {
      const lab = await loadLab(name);
      for (const w of lab.workloads) {
        for (const c of w.containers) {
          const listens = Object.values(IMAGE_FACTS).find((f) => f.ref === resolveImage(c.image))?.listens;
          if (!listens) continue;
          for (const p of c.ports) expect(listens, `${name} ${w.name}`).toContain(p.containerPort);
          for (const t of lab.scenarios.flatMap((s) => s.traffic).filter((t) => t.to === w.name)) expect(listens, `${name} → ${w.name}`).toContain(t.port);
        }
      }
    }
  });
});

describe("README", () => {
  it("shows the image facts table as pins/image-facts.ts has it", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain(`${imageFactsMarkdown()}\n`);
  });
});
