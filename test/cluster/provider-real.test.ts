/**
 * The provider against the real kind binary and a real dockerd, as far as a machine without
 * registry access and without privileged containers allows:
 * - create: real kind parses the config, fails pulling the node image, and the provider reports
 *   kind's own error and deletes what is left;
 * - read / delete: "node" containers made by hand from busybox with kind's labels, on a network
 *   of the test's own with fixed addresses, so real `kind get clusters|nodes`, real
 *   `docker inspect` and real `kind delete cluster` run. Only `kind get kubeconfig` is answered by
 *   a wrapper: kind reads it with `docker exec --privileged`, which this kernel refuses.
 * Needs kind (.ci/install-kind.sh), dockerd and busybox-static; skips, saying which is missing.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kindClusterProvider as provider } from "../../components/cluster/provider";
import type { KindClusterOutputs } from "../../components/cluster/types";
import { dockerdReachable, findKind } from "./kind-binary";

const kind = findKind();
const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((file) => existsSync(file));
const missing = !kind
  ? "no kind binary (run .ci/install-kind.sh or set CNILAB_KIND)"
  : !dockerdReachable()
    ? "no running dockerd"
    : !busybox
      ? "no static busybox to build node containers from (apt-get install busybox-static)"
      : undefined;
if (missing) console.warn(`provider-real tests skipped: ${missing}`);

const NAME = `cnilab-rt-${process.pid}`;
const NETWORK = `${NAME}-net`;
const IMAGE = `cnilab-test-cluster/busybox:${process.pid}`;
const ADDRESSES = { "control-plane": "172.31.251.10", worker: "172.31.251.11" } as const;
const KUBECONFIG = `apiVersion: v1\nkind: Config\ncurrent-context: kind-${NAME}\n`;

const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const clusterContainers = () => docker("ps", "-a", "--filter", `label=io.x-k8s.kind.cluster=${NAME}`, "--format", "{{.Names}}").trim();

describe.skipIf(missing !== undefined)("kind provider with real kind and Docker", () => {
  let work: string;
  const savedKind = process.env.CNILAB_KIND;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "cnilab-rt-"));
    const root = join(work, "image");
    mkdirSync(join(root, "bin"), { recursive: true });
    execFileSync("cp", [busybox!, join(root, "bin", "busybox")]);
    symlinkSync("busybox", join(root, "bin", "sleep"));
    execFileSync("sh", ["-c", `tar -C '${root}' -c . | docker import - '${IMAGE}'`], { stdio: "ignore" });
    docker("network", "create", "--subnet", "172.31.251.0/24", "--gateway", "172.31.251.1", NETWORK);
    for (const [role, ip] of Object.entries(ADDRESSES)) {
      const name = `${NAME}-${role}`;
      const labels = ["--label", `io.x-k8s.kind.cluster=${NAME}`, "--label", `io.x-k8s.kind.role=${role}`];
      docker("run", "-d", "--name", name, "--hostname", name, ...labels, "--net", NETWORK, "--ip", ip, IMAGE, "sleep", "900");
    }
    // Everything but `get kubeconfig` goes to the real kind.
    const wrapper = join(work, "kind");
    writeFileSync(join(work, "kubeconfig"), KUBECONFIG);
    writeFileSync(
      wrapper,
      `#!/bin/sh\nif [ "$1 $2" = "get kubeconfig" ]; then exec cat '${join(work, "kubeconfig")}'; fi\nexec '${kind}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    process.env.CNILAB_KIND = wrapper;
  }, 60_000);

  afterAll(() => {
    if (savedKind === undefined) delete process.env.CNILAB_KIND;
    else process.env.CNILAB_KIND = savedKind;
    const leftovers = clusterContainers();
    if (leftovers) docker("rm", "-f", ...leftovers.split("\n"));
    docker("network", "rm", NETWORK);
    docker("rmi", IMAGE);
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const state = (): KindClusterOutputs => ({ clusterName: NAME, config: "kind: Cluster\n", network: NETWORK, kubeconfig: "", nodes: [] });

  it("create: reports kind's own failure with the command line and leaves no cluster", async () => {
    const name = `${NAME}-new`;
    const config = `kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  image: cnilab-test/no-such-node:v0\n`;
    const message = await provider.create({ clusterName: name, config, network: NETWORK }).then(
      () => "created",
      (err: Error) => err.message,
    );
    expect(message).toMatch(new RegExp(`^creating kind cluster "${name}" failed: \`\\S+ create cluster --name ${name} --config \\S+kind-config\\.yaml\` exited with 1`));
    expect(message).toContain('failed to pull image "cnilab-test/no-such-node:v0"');
    expect(message).toContain(`The half-created cluster was deleted (\`kind delete cluster --name ${name}\`).`);
    expect(docker("ps", "-a", "--filter", `label=io.x-k8s.kind.cluster=${name}`, "--format", "{{.Names}}").trim()).toBe("");
  }, 90_000);

  it("read: lists the nodes with their roles and addresses on the lab network", async () => {
    const result = await provider.read!(NAME, state());
    expect(result).toEqual({
      id: NAME,
      props: {
        ...state(),
        kubeconfig: KUBECONFIG,
        nodes: [
          { name: `${NAME}-control-plane`, role: "control-plane", internalIP: ADDRESSES["control-plane"] },
          { name: `${NAME}-worker`, role: "worker", internalIP: ADDRESSES.worker },
        ],
      },
    });
  });

  it("read: names the network when the nodes are not on it", async () => {
    // Whichever node kind lists first (real kind lists the worker first) is the one named.
    await expect(provider.read!(NAME, { ...state(), network: "bridge" })).rejects.toThrow(
      new RegExp(`^node "${NAME}-(control-plane|worker)" has no address on Docker network "bridge" \\(it is on: ${NETWORK}\\)`),
    );
  });

  it("delete: real kind removes the node containers, and a second delete still succeeds", async () => {
    await provider.delete!(NAME, state());
    expect(clusterContainers()).toBe("");
    await provider.delete!(NAME, state());
    expect(await provider.read!(NAME, state())).toEqual({ id: "" });
  }, 60_000);
});
