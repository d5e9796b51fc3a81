/** The recorded `ip -j` outputs and the crictl fixtures, and the readings explain pod builds from them. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseInspectp } from "../../pod-net/crictl";
import type { NodeReadings } from "../../pod-net/explain";
import { parseIpAddr, parseIpRoute } from "../../ip/iproute2";
import type { PodView } from "../../pod-net/pod";
import { POD_IP, type Attachment } from "./netns-pods";

export const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

export interface IpOutputs {
  podAddr: string;
  podRoute: string;
  nodeAddr: string;
  nodeRoute: string;
}

export const recorded = (a: Attachment): IpOutputs => ({
  podAddr: fixture(`${a}/pod-addr.json`),
  podRoute: fixture(`${a}/pod-route.json`),
  nodeAddr: fixture(`${a}/node-addr.json`),
  nodeRoute: fixture(`${a}/node-route.json`),
});

/** The crictl fixture's sandbox, with the pod IP of the attachment's namespaces. */
export function readings(a: Attachment, ip: IpOutputs = recorded(a)): NodeReadings {
  const sandbox = { ...parseInspectp(fixture("crictl-inspectp.json")), ip: POD_IP[a] };
  return {
    sandbox,
    entered: `nsenter --net=${sandbox.netnsPath}`,
    podLinks: parseIpAddr(ip.podAddr),
    podRoutes: parseIpRoute(ip.podRoute),
    nodeLinks: parseIpAddr(ip.nodeAddr),
    nodeRoutes: parseIpRoute(ip.nodeRoute),
  };
}

export const pod = (a: Attachment, over: Partial<PodView> = {}): PodView => ({
  namespace: "default",
  name: "client",
  uid: "0d3c7f52-4a8e-4f1b-9c26-7e5d1a2b3c4d",
  node: "lab-worker",
  phase: "Running",
  ip: POD_IP[a],
  hostNetwork: false,
  containers: ["app", "sidecar"],
  ...over,
});
