/**
 * fast-check generators for valid universes over x/y/z × a/b/c: random labels, IPs known or not,
 * a per-pod "http" port, and policies using every v1 feature (both selector kinds, the four
 * operators, AND/OR peers, ipBlock with except, numeric/named/range/protocol-only ports,
 * policyTypes written or inferred, empty and absent rule lists).
 */
import fc from "fast-check";
import type { NetworkPolicy, PodInput, PolicyUniverse, PortQuery } from "../../policy";
import { ALL_PODS, NAMESPACES, pod, podIp } from "./universe";

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const selector = fc.record(
  {
    matchLabels: fc.constantFrom({}, { pod: "a" }, { pod: "b" }, { tier: "web" }, { ns: "y" }, { env: "prod" }),
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key: fc.constantFrom("pod", "tier", "env", "ns"), operator: fc.constantFrom("In", "NotIn"), values: fc.subarray(["a", "b", "web", "db", "prod", "x", "y"], { minLength: 1 }) }),
        fc.record({ key: fc.constantFrom("pod", "tier", "env"), operator: fc.constantFrom("Exists", "DoesNotExist") }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

const ipBlock = fc.constantFrom(
  { cidr: "10.0.0.0/16" },
  { cidr: "10.0.0.0/16", except: ["10.0.1.0/24"] },
  { cidr: "10.0.0.0/16", except: [`${podIp("y/b")}/32`, "10.0.3.0/24"] },
  { cidr: "10.0.2.0/24" },
  { cidr: `${podIp("x/a")}/32` },
  { cidr: "0.0.0.0/0", except: ["10.0.2.0/24"] },
  { cidr: "fd00::/8" },
);

const peer = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  fc.record({ ipBlock }),
);

const port = fc.oneof(
  fc.record({ protocol: fc.constantFrom("TCP", "UDP", "SCTP") }, { requiredKeys: [] }),
  fc.record({ port: fc.constantFrom(80, 81, 8080), protocol: optional(fc.constantFrom("TCP", "UDP", "SCTP")) }, { requiredKeys: ["port"] }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(80, 81, 9000) }),
  fc.record({ port: fc.constantFrom("serve-80-tcp", "serve-81-udp", "http", "nope"), protocol: optional(fc.constantFrom("TCP", "UDP")) }, { requiredKeys: ["port"] }),
);

const rules = (peerField: "from" | "to") =>
  optional(fc.array(fc.record({ [peerField]: optional(fc.array(peer, { maxLength: 2 })), ports: optional(fc.array(port, { maxLength: 2 })) }, { requiredKeys: [] }), { maxLength: 2 }));

export const policyArb = (name: string): fc.Arbitrary<NetworkPolicy> =>
  fc
    .record({
      namespace: fc.constantFrom(...NAMESPACES),
      podSelector: selector,
      policyTypes: optional(fc.constantFrom([], ["Ingress"], ["Egress"], ["Ingress", "Egress"])),
      ingress: rules("from"),
      egress: rules("to"),
    })
    .map(({ namespace, ...spec }) => JSON.parse(JSON.stringify({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { namespace, name }, spec })) as NetworkPolicy);

const podArb = (key: string): fc.Arbitrary<PodInput> =>
  fc.record({ tier: optional(fc.constantFrom("web", "db")), hasIp: fc.boolean(), http: optional(fc.constantFrom(80, 81, 8080)) }).map(({ tier, hasIp, http }) => {
    const base = pod(key, { ip: hasIp, labels: { pod: key.split("/")[1]!, ...(tier ? { tier } : {}) } });
    return { ...base, ports: [...(base.ports ?? []), ...(http ? [{ name: "http", containerPort: http }] : [])] };
  });

export const universeArb: fc.Arbitrary<PolicyUniverse> = fc
  .record({
    pods: fc.subarray(ALL_PODS, { minLength: 1 }).chain((keys) => fc.tuple(...keys.map(podArb))),
    envOfY: optional(fc.constantFrom("prod", "dev")),
    policies: fc.integer({ min: 0, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => policyArb(`p${i}`)))),
  })
  .map(({ pods, envOfY, policies }) => ({
    namespaces: NAMESPACES.map((ns) => ({ name: ns, labels: { ns, ...(ns === "y" && envOfY ? { env: envOfY } : {}), ...(ns === "x" ? { env: "prod" } : {}) } })),
    pods,
    policies,
  }));

export const QUERIES: readonly PortQuery[] = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "UDP" },
  { port: 80, protocol: "SCTP" },
  { port: 8080, protocol: "TCP" },
  { port: "http", protocol: "TCP" },
  { port: "serve-81-tcp", protocol: "TCP" },
];
