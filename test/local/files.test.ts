/**
 * The local kind harness (local/) as data: its versions agree with the plan's pins, its kind
 * config is the gate's topology with disjoint ranges, and its CNI manifest keeps kind's contract.
 * The scripts themselves run only in sessions (`local/build.sh`), never in CI.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse } from "yaml";
import { type Cidr, overlaps, parseCidr } from "../../ip/cidr";
import { KIND_STORAGE, KIND_VERSION, KUBERNETES_VERSION } from "../../pins";
import { TOOLS } from "../../pins/tools";

const LOCAL = join(__dirname, "../../local");
const read = (file: string) => readFileSync(join(LOCAL, file), "utf8");

/** `NAME=value` lines of local/versions.sh (no expansion needed for the plain ones). */
function shellVars(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=([^\s$]+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("local/versions.sh", () => {
  const vars = shellVars(read("versions.sh"));

  it("builds the Kubernetes and kind versions the plan pins", () => {
    expect(vars.K8S_VERSION).toBe(`v${KUBERNETES_VERSION}`);
    expect(vars.KIND_VERSION).toBe(KIND_VERSION);
  });

  it("takes the staging modules at the same release (v1.x.y → v0.x.y)", () => {
    expect(vars.K8S_STAGING_VERSION).toBe(`v0.${KUBERNETES_VERSION.split(".").slice(1).join(".")}`);
  });

  it("builds the Pulumi CLI `cnilab setup` fetches", () => {
    expect(vars.PULUMI_VERSION).toBe(TOOLS.pulumi.version);
  });

  it("builds the kubernetes provider at a Go pseudo-version, never claiming the SDK's plugin version", () => {
    // The proxy's only provider/v4 build is a commit (pseudo-version vX.0.0-yyyymmddhhmmss-<12 hex>);
    // build-pulumi.sh stamps it, so the binary cannot pass for package-lock's 4.34.2.
    expect(vars.PULUMI_KUBERNETES_VERSION).toMatch(/^v4\.0\.0-\d{14}-[0-9a-f]{12}$/);
  });

  it("tags etcd's image as kubeadm does: the etcd version without its v, and a -0 build suffix", () => {
    expect(vars.ETCD_IMAGE_TAG).toBe(`${vars.ETCD_VERSION!.slice(1)}-0`);
  });
});

describe("local/kind-config.yaml", () => {
  const config = parse(read("kind-config.yaml"));

  it("is the gate's topology: one control plane and two workers", () => {
    expect(config.nodes.map((n: { role: string }) => n.role)).toEqual(["control-plane", "worker", "worker"]);
  });

  it("keeps pod and service ranges disjoint (kind does not check)", () => {
    const cidr = (text: string): Cidr => {
      const parsed = parseCidr(text);
      if (typeof parsed === "string") throw new Error(`local/kind-config.yaml: ${parsed}`);
      return parsed;
    };
    expect(overlaps(cidr(config.networking.podSubnet), cidr(config.networking.serviceSubnet))).toBe(false);
  });
});

describe("local/node/default-cni.yaml", () => {
  const text = read("node/default-cni.yaml");

  it("carries kind's two marker lines, so kind fills in the pod subnet and the API endpoint", () => {
    // kubernetes-sigs/kind v0.30.0 pkg/cluster/internal/create/actions/installcni/cni.go
    expect(text).toContain("would you kindly template this file");
    expect(text).toContain("would you kindly patch this file");
  });

  it("is valid YAML once kind has templated it, with kindnet as the first container", () => {
    const docs = parseAllDocuments(text.replace("{{ .PodSubnet }}", "10.244.0.0/16")).map((d) => d.toJS());
    const daemonSet = docs.find((d) => d?.kind === "DaemonSet");
    const container = daemonSet.spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: "POD_SUBNET", value: "10.244.0.0/16" });
    expect(container.image).toBe("cnilab.local/kindnetd:KINDNETD_TAG");
    expect(daemonSet.spec.template.spec.hostNetwork).toBe(true);
  });
});

describe("local/node/containerd.toml", () => {
  it("reads registry host files (hosts.toml) from /etc/containerd/certs.d, where cnilab:registryMirrors puts them", () => {
    const text = read("node/containerd.toml");
    const section = text.split(/^\s*\[/m).find((s) => s.startsWith('plugins."io.containerd.grpc.v1.cri".registry]'));
    expect(section).toMatch(/^\s*config_path = "\/etc\/containerd\/certs.d"$/m);
  });
});

describe("local/node/default-storage.yaml", () => {
  const vars = shellVars(read("versions.sh"));
  const docs = parseAllDocuments(read("node/default-storage.yaml")).map((d) => d.toJS());

  it("is kind's default class as the plans rely on it (pins/versions.ts KIND_STORAGE)", () => {
    const sc = docs.find((d) => d?.kind === "StorageClass");
    expect({ name: sc.metadata.name, provisioner: sc.provisioner, volumeBindingMode: sc.volumeBindingMode, reclaimPolicy: sc.reclaimPolicy }).toEqual({
      name: KIND_STORAGE.storageClass,
      provisioner: KIND_STORAGE.provisioner,
      volumeBindingMode: KIND_STORAGE.volumeBindingMode,
      reclaimPolicy: KIND_STORAGE.reclaimPolicy,
    });
    expect(sc.metadata.annotations).toEqual({ "storageclass.kubernetes.io/is-default-class": "true" });
    const config = JSON.parse(docs.find((d) => d?.kind === "ConfigMap").data["config.json"]);
    expect(config.nodePathMap).toEqual([{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [KIND_STORAGE.nodePath] }]);
  });

  it("runs the images kind names, which versions.sh preloads", () => {
    expect(vars.LOCAL_PATH_PROVISIONER_IMAGE).toBe(KIND_STORAGE.provisionerImage);
    expect(vars.LOCAL_PATH_HELPER_IMAGE).toBe(KIND_STORAGE.helperImage);
    const container = docs.find((d) => d?.kind === "Deployment").spec.template.spec.containers[0];
    expect(container.image).toBe("LOCAL_PATH_PROVISIONER_IMAGE");
    expect(container.command).toContain("LOCAL_PATH_HELPER_IMAGE");
  });
});
