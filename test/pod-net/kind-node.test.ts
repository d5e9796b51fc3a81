/**
 * explain pod on what a real kind node printed: the local kindnet cluster (local/, Kubernetes v1.34.0,
 * Debian's containerd 1.6, crictl v1.34.0, iproute2 6.1), pod deny-nginx/deny-nginx-nginx-… on
 * cnilab-local-kindnet-worker2, recorded on 2026-11-30 with the commands cli/explain-pod.ts runs
 * (fixtures/README.md). Expected values are read off the recordings by hand.
 */
import { describe, expect, it } from "vitest";
import { parseIpAddr, parseIpRoute } from "../../ip/iproute2";
import { parseCrictlPods, parseInspectp, pickSandbox } from "../../pod-net/crictl";
import { explainPod } from "../../pod-net/explain";
import { fixture } from "./fixtures";

const UID = "14e91f30-c695-4ae7-b145-3a59a1273c9d";
const SANDBOX = "60c91a221dbfd15fe5b1c63fb1b4f4944f3132bb9a20f6c2148a6e006e205023";
const at = (name: string) => fixture(`kind-kindnet/${name}`);

describe("explain pod on a real kind node's output (kindnet)", () => {
  it("finds the pod's ready sandbox by uid and reads the pause container from inspectp", () => {
    expect(pickSandbox(parseCrictlPods(at("crictl-pods.json")), UID)?.id).toBe(SANDBOX);
    expect(parseInspectp(at("crictl-inspectp.json"))).toEqual({
      id: SANDBOX,
      ready: true,
      ip: "10.244.2.3",
      pid: 1019,
      processStatus: "running",
      image: "registry.k8s.io/pause:3.10.1",
      netnsPath: "/var/run/netns/cni-d3d4c949-6fc0-abe9-f4bb-dd1f732e6b40",
      netnsClosed: false,
    });
  });

  it("follows eth0 to its veth peer on the node: ptp, no bridge, a /32 host route", () => {
    const sandbox = parseInspectp(at("crictl-inspectp.json"));
    const x = explainPod(
      { namespace: "deny-nginx", name: "deny-nginx-nginx-79b9657fbc-54t7q", uid: UID, node: "cnilab-local-kindnet-worker2", phase: "Running", ip: "10.244.2.3", hostNetwork: false, containers: ["nginx"] },
      "cnilab-local-kindnet-worker2",
      "ptp",
      {
        sandbox,
        entered: `nsenter --net=${sandbox.netnsPath}`,
        podLinks: parseIpAddr(at("pod-addr.json")),
        podRoutes: parseIpRoute(at("pod-route.json")),
        nodeLinks: parseIpAddr(at("node-addr.json")),
        nodeRoutes: parseIpRoute(at("node-route.json")),
      },
    );
    expect(x.problems).toEqual([]);
    expect([x.attachment, x.podInterface?.name, x.podInterface?.mtu, x.nodeInterface?.name, x.nodeInterface?.master, x.nodeInterface?.addresses]).toEqual(["veth", "eth0", 1500, "vethe8a27fb1", undefined, ["10.244.2.1/32"]]);
    expect(x.nodeRoutes).toEqual(["10.244.2.3 dev vethe8a27fb1 scope host"]);
  });
});
