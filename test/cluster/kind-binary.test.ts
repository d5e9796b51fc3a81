/**
 * Proves the real-kind harness: a good config is accepted, a typo'd field is refused with kind's
 * message naming it, and nothing is left behind in Docker. Needs the kind binary
 * (.ci/install-kind.sh) and a running dockerd; skips, saying which is missing, without them.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerdReachable, findKind, kindAcceptsConfig } from "./kind-binary";

const kind = findKind();
const dockerd = dockerdReachable();
const missing = !kind ? "no kind binary (run .ci/install-kind.sh or set CNILAB_KIND)" : !dockerd ? "no running dockerd" : undefined;
if (missing) console.warn(`kind-binary tests skipped: ${missing}`);

const GOOD = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
- role: worker
- role: worker
networking:
  disableDefaultCNI: true
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/16
  kubeProxyMode: iptables
`;

/** Docker objects whose names say they came from the harness. */
function harnessLeftovers(): string[] {
  const list = (args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).split("\n");
  return [
    ...list(["ps", "-a", "--format", "{{.Names}}"]),
    ...list(["network", "ls", "--format", "{{.Name}}"]),
  ].filter((name) => name.startsWith("cnilab-accept-"));
}

describe.skipIf(missing !== undefined)("kindAcceptsConfig with the real kind binary", () => {
  let before: string[];
  beforeAll(() => {
    before = harnessLeftovers();
  });
  afterAll(() => {
    expect(harnessLeftovers(), "no container or network left behind").toEqual(before);
  });

  it("accepts a valid multi-node config", async () => {
    const verdict = await kindAcceptsConfig(GOOD);
    expect(verdict.output).toContain("Creating cluster");
    expect(verdict.accepted).toBe(true);
  }, 90_000);

  it("refuses a typo'd field and kind's message names it", async () => {
    const verdict = await kindAcceptsConfig(GOOD.replace("disableDefaultCNI", "disableDefaultCNl"));
    expect(verdict.accepted).toBe(false);
    expect(verdict.output).toMatch(/line 8: field disableDefaultCNl not found in type v1alpha4\.Networking/);
  }, 90_000);

  it("refuses what kind's validation rejects after parsing (a bad kubeProxyMode)", async () => {
    const verdict = await kindAcceptsConfig(GOOD.replace("kubeProxyMode: iptables", "kubeProxyMode: ebpf"));
    expect(verdict.accepted).toBe(false);
    expect(verdict.output).toContain("invalid kubeProxyMode: ebpf");
  }, 90_000);
});
