/**
 * `cnilab doctor` on the machine the tests run on must tell the truth about it. Our machines
 * (ENVIRONMENT.md) have no Pulumi CLI, a kernel without ipvlan and ipip, with vxlan and macvlan
 * (built in), and kind only where .ci/install-kind.sh put it. Each assertion is skipped, saying
 * why, when the machine cannot show the fact it rests on.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../../backends";
import { runChecks, type DoctorReport } from "../../cli/doctor";
import { systemHost } from "../../cli/doctor-host";
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
const machineHost = systemHost(process.env, process.cwd());
const pulumiInstalled = onPath("pulumi") || existsSync(`${process.env.HOME}/.pulumi/bin/pulumi`) || existsSync(toolTarget(machineHost.tools!, "pulumi"));
const kindOnlyInOpt = !process.env.CNILAB_KIND && !onPath("kind") && existsSync("/opt/kind/usr/bin/kind");

if (!kernelEvidence) console.log("doctor-machine: skipping kernel assertions: neither /proc/modules, /proc/config.gz nor /sys/module is readable here");
if (pulumiInstalled) console.log("doctor-machine: skipping 'no pulumi': this machine has a Pulumi CLI");
if (!kindOnlyInOpt) console.log("doctor-machine: skipping the /opt/kind assertion: kind is on PATH, in CNILAB_KIND, or not in /opt/kind");

describe("cnilab doctor on this machine", () => {
  let report: DoctorReport;
  const check = (id: string) => {
    const c = report.checks.find((x) => x.id === id);
    if (!c) throw new Error(`no check '${id}' in ${report.checks.map((x) => x.id).join(", ")}`);
    return c;
  };

  beforeAll(async () => {
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

  it.skipIf(!kernelEvidence)("reports vxlan and macvlan present", () => {
    expect(check("kernel-vxlan").status).toBe("pass");
    expect(check("kernel-macvlan").status).toBe("pass");
  });

  it.skipIf(!kernelEvidence)("reports ipvlan and ipip absent: a warning naming their backends here, a failure for an ipvlan stack", async () => {
    expect(check("kernel-ipvlan")).toMatchObject({ status: "warn", message: expect.stringMatching(/^ipvlan \(for ipvlan-l2, ipvlan-l3\): not in this kernel/) });
    expect(check("kernel-ipip")).toMatchObject({ status: "warn", message: expect.stringMatching(/^ipip \(for calico-ipip\): not in this kernel/) });
    const ipvlan = await runChecks(systemHost(process.env, process.cwd()), { backends: ["ipvlan-l3"], workers: 2, kubernetesMinor: 34 });
    expect(ipvlan.checks.find((c) => c.id === "kernel-ipvlan")?.status).toBe("fail");
  });

  it.skipIf(!kindOnlyInOpt)("finds kind in /opt/kind and says cnilab passes it on", () => {
    expect(check("kind").message).toMatch(/^kind v\d+\.\d+\.\d+ at \/opt\/kind\/usr\/bin\/kind \(not on PATH; cnilab passes it on as CNILAB_KIND\)/);
  });

  it("reports Docker as it is: reachable only when `docker info` answers", () => {
    const answers = onPath("docker") && spawnSync("docker", ["info"], { timeout: 20_000 }).status === 0;
    expect(check("docker").status).toBe(answers ? "pass" : "fail");
  });
});
