/**
 * `cnilab doctor` on the machine the tests run on must tell the truth about it. What the kernel
 * has is asked of the kernel itself (making each device in a throwaway namespace, as root) before
 * the doctor reads its files; Pulumi and kind are looked for where a user would have them. Each
 * assertion is skipped, saying why, when the machine cannot show the fact it rests on.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, type Backend } from "../../backends";
import { runChecks, type DoctorReport } from "../../host/lab-checks";
import { systemHost } from "../../host/host";
import { featurePresent, kernelFeatures, type FeatureEvidence, type KernelFeature } from "../../host/kernel";
import { toolTarget } from "../../host/tool-install";

const onPath = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).status === 0;
const readable = (path: string) => {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
};

/** The kernel tells about its modules through at least one of these. */
const kernelEvidence = readable("/proc/modules") || readable("/proc/config.gz") || existsSync("/sys/module");
/** Making a device in a namespace of our own is the kernel's own answer; that needs root and `ip netns`. */
const askKernel = process.getuid?.() === 0 && spawnSync("ip", ["netns", "list"], { timeout: 10_000 }).status === 0;
const machineHost = systemHost(process.env, process.cwd());
const pulumiInstalled = onPath("pulumi") || existsSync(`${process.env.HOME}/.pulumi/bin/pulumi`) || existsSync(toolTarget(machineHost.tools!, "pulumi"));
const kindOnlyInOpt = !process.env.CNILAB_KIND && !onPath("kind") && existsSync("/opt/kind/usr/bin/kind");

if (!kernelEvidence || !askKernel) console.log("doctor-machine: skipping kernel assertions: they need the kernel's files (/proc/modules, /proc/config.gz or /sys/module) and root with `ip netns` to ask the kernel");
if (pulumiInstalled) console.log("doctor-machine: skipping 'no pulumi': this machine has a Pulumi CLI");
if (!kindOnlyInOpt) console.log("doctor-machine: skipping the /opt/kind assertion: kind is on PATH, in CNILAB_KIND, or not in /opt/kind");

describe("cnilab doctor on this machine", () => {
  let report: DoctorReport;
  const check = (id: string) => {
    const c = report.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no check '${id}' in ${report.checks.map((x) => x.id).join(", ")}`);
    return c;
  };

  /** The kernel's answer, asked first: making a device autoloads its module, which the doctor then sees loaded. */
  let kernel: Record<KernelFeature, FeatureEvidence> | undefined;

  beforeAll(async () => {
    if (kernelEvidence && askKernel) kernel = kernelFeatures({ root: "/" }, { tryInNamespace: `cnilab-dp-doctortest.${process.pid}` });
    report = await runChecks(machineHost, { backends: BACKENDS, workers: 2, kubernetesMinor: 34 });
  });

  it("runs every check", () => {
    expect(report.checks.map((c) => c.id)).toEqual(expect.arrayContaining(["docker", "docker-cgroup", "kind", "pulumi", "ip-forward", "inotify", "memory", "disk"]));
  });

  it.skipIf(pulumiInstalled)("reports no Pulumi CLI, as a warning saying what `cnilab setup` would fetch", () => {
    expect(check("pulumi")).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/^the Pulumi CLI is not on PATH, in ~\/.pulumi\/bin or the tools folder; `cnilab setup` would fetch Pulumi v3.259.0 \(\w+-\w+\) from https:\/\/github.com\/pulumi\/pulumi\/releases\/download\/v3.259.0\//),
      fix: "cnilab setup (up, down and verify run it themselves when a tool is missing)",
    });
  });

  // Which backends need each feature, from backends/*: prerequisites.kernelModules.
  it.skipIf(!kernelEvidence || !askKernel).each<[KernelFeature, string, Backend]>([
    ["vxlan", "flannel-vxlan, flannel-vxlan-directrouting, flannel-host-gw, calico-vxlan, canal", "calico-vxlan"],
    ["macvlan", "macvlan", "macvlan"],
    ["ipvlan", "ipvlan-l2, ipvlan-l3", "ipvlan-l3"],
    ["ipip", "calico-ipip", "calico-ipip"],
  ])("reports %s as the kernel answers: present passes; missing warns naming %s, and stops a %s stack", async (feature, who, backend) => {
    const made = featurePresent(kernel![feature]);
    const all = check(`kernel-${feature}`);
    const alone = (await runChecks(machineHost, { backends: [backend], workers: 2, kubernetesMinor: 34 })).checks.find((c) => c.id === `kernel-${feature}`)!;
    expect(all.message.startsWith(`${feature} (for ${who}): `), all.message).toBe(true);
    if (made) {
      expect([all.status, alone.status], kernel![feature].evidence).toEqual(["pass", "pass"]);
    } else {
      expect(all.status, `${all.message}; the kernel: ${kernel![feature].evidence}`).toBe("warn");
      // Files that list a module the kernel cannot load (booted with nomodule) leave the doctor at "modprobe it".
      expect(alone.status === "fail" || (alone.status === "warn" && alone.fix?.startsWith("sudo modprobe")), JSON.stringify(alone)).toBe(true);
    }
  });

  it.skipIf(!kindOnlyInOpt)("finds kind in /opt/kind and says cnilab passes it on", () => {
    expect(check("kind").message).toMatch(/^kind v\d+\.\d+\.\d+ at \/opt\/kind\/usr\/bin\/kind \(not on PATH; cnilab passes it on as CNILAB_KIND\)/);
  });

  it("reports Docker as it is: reachable only when `docker info` answers", () => {
    const answers = onPath("docker") && spawnSync("docker", ["info"], { timeout: 20_000 }).status === 0;
    expect(check("docker").status).toBe(answers ? "pass" : "fail");
  });
});
