import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { egressRules } from "../../terminal/egress";
import { terminalKubeconfig } from "../../terminal/kubeconfig";
import { planTerminals, terminalUrl, type TerminalParticipant } from "../../terminal/plan";
import { terminalsSchema } from "../../terminal/settings";
import { newTerminalToken } from "../../terminal/token";
import { mergedKubeconfig } from "./kubeconfig-fixture";

const participant = (name: string, index: number, hostId = "local", address = "127.0.0.1"): TerminalParticipant => ({
  name,
  index,
  clusterName: `ws-${name}`,
  host: { id: hostId, address },
  network: { name: `cnilab-ws-${name}`, subnet: `172.16.${128 + index}.0/24`, gateway: `172.16.${128 + index}.1` },
});

describe("the terminals' plan", () => {
  const settings = terminalsSchema.parse({});
  const plans = planTerminals("demo", "workshop-demo", [participant("ada", 0), participant("bob", 1), participant("cy", 2, "big", "10.0.0.5")], settings);

  it("defaults: port 7700 + position, 30 idle minutes, half a CPU, 512 MiB, 256 processes", () => {
    expect(settings).toEqual({ portBase: 7700, idleMinutes: 30, cpus: 0.5, memoryMiB: 512, processes: 256 });
    expect(plans.map((p) => [p.participant, p.host, p.hostPort, p.address])).toEqual([
      ["ada", "local", 7700, "http://127.0.0.1:7700/"],
      ["bob", "local", 7701, "http://127.0.0.1:7701/"],
      ["cy", "big", 7702, "http://10.0.0.5:7702/"],
    ]);
    expect(plans[0]!.limits).toEqual({ cpus: 0.5, memoryBytes: 536_870_912, processes: 256 });
  });

  it("each participant runs as a user id of their own, above every range a host hands out", () => {
    // RLIMIT_NPROC counts per real uid host-wide: one id each makes one process budget each.
    expect(plans.map((p) => p.uid)).toEqual([700_000_000, 700_000_001, 700_000_002]);
    expect(plans[2]!.env).toContain("CNILAB_TERMINAL_UID=700000002");
  });

  it("each on its own node network at its last address, its kubeconfig pointing at its own control plane", () => {
    expect(plans.map((p) => [p.containerName, p.network, p.apiServer])).toEqual([
      ["ws-ada-terminal", { name: "cnilab-ws-ada", ipv4Address: "172.16.128.254" }, "https://ws-ada-control-plane:6443"],
      ["ws-bob-terminal", { name: "cnilab-ws-bob", ipv4Address: "172.16.129.254" }, "https://ws-bob-control-plane:6443"],
      ["ws-cy-terminal", { name: "cnilab-ws-cy", ipv4Address: "172.16.130.254" }, "https://ws-cy-control-plane:6443"],
    ]);
    expect(plans[1]!.egress).toBe(egressRules("172.16.129.0/24", "172.16.129.1"));
    expect(plans[1]!.egress).toContain("-A OUTPUT -d 172.16.129.1/32 -j REJECT");
    expect(plans[1]!.labels).toContainEqual({ label: "io.cnilab.participant", value: "bob" });
    expect(plans[1]!.labels).toContainEqual({ label: "io.cnilab.stack", value: "workshop-demo" });
  });

  it("sets the server's and the terminal cnilab's environment: idle minutes, shell, files, the lab context, the state under $HOME", () => {
    expect(plans[0]!.env).toEqual([
      "HOME=/home/node",
      "KUBECONFIG=/home/node/.kube/config",
      "CNILAB_TERMINAL_TOKEN_FILE=/run/cnilab/token",
      "CNILAB_TERMINAL_PARTICIPANT=ada",
      "CNILAB_TERMINAL_PORT=7681",
      "CNILAB_TERMINAL_IDLE_MINUTES=30",
      "CNILAB_TERMINAL_SHELL=bash --login",
      "CNILAB_TERMINAL_ASSETS=/opt/cnilab/assets",
      "CNILAB_TERMINAL_EGRESS_FILE=/run/cnilab/egress.rules",
      "CNILAB_TERMINAL_CONTEXT=/run/cnilab/lab.json",
      "CNILAB_STATE=/home/node/.cnilab",
      "CNILAB_TERMINAL_UID=700000000",
    ]);
  });

  it("the workshop file's terminals key is strict, with bounds", () => {
    expect(terminalsSchema.safeParse({ idleMinuts: 5 }).success).toBe(false);
    expect(terminalsSchema.safeParse({ idleMinutes: 0 }).success).toBe(false);
    expect(terminalsSchema.safeParse({ memoryMiB: 32 }).success).toBe(false);
    expect(terminalsSchema.safeParse({ processes: 16 }).success).toBe(false);
    expect(terminalsSchema.parse({ idleMinutes: 5, portBase: 9000 })).toMatchObject({ idleMinutes: 5, portBase: 9000 });
  });

  it("a link is the address, the token, a slash; tokens are 43 URL-safe characters and differ", () => {
    const tokens = Array.from({ length: 50 }, newTerminalToken);
    expect(new Set(tokens).size).toBe(50);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(terminalUrl(plans[0]!, "abc")).toBe("http://127.0.0.1:7700/abc/");
  });
});

describe("a terminal's kubeconfig", () => {
  const merged = mergedKubeconfig(["ws-ada", "ws-bob"]);

  it("keeps the participant's cluster, context and user alone, pointed at their control plane", () => {
    const config = parse(terminalKubeconfig(merged, "ws-ada"));
    expect(config.clusters).toEqual([{ name: "kind-ws-ada", cluster: { server: "https://ws-ada-control-plane:6443", "certificate-authority-data": "Q0==" } }]);
    expect(config.contexts).toEqual([{ name: "kind-ws-ada", context: { cluster: "kind-ws-ada", user: "kind-ws-ada" } }]);
    expect(config.users).toEqual([{ name: "kind-ws-ada", user: { token: "ws-ada-secret" } }]);
    expect(config["current-context"]).toBe("kind-ws-ada");
    expect(JSON.stringify(config)).not.toContain("bob");
  });

  it("a kubeconfig without the participant's context is an error naming the cluster and what is there", () => {
    expect(() => terminalKubeconfig(merged, "ws-cy")).toThrow("no complete context 'kind-ws-cy' (its cluster and user) in the kubeconfig of cluster 'ws-cy'; contexts there: kind-ws-ada, kind-ws-bob");
  });
});
