/** Malformed NetworkPolicies are refused as the API server would refuse them, naming the field. */
import { describe, expect, it } from "vitest";
import { evaluatePolicies, PolicyInputError } from "../../policy";
import { parseNetworkPolicy } from "../../policy/parse-policy";
import { universe } from "./universe";

const withSpec = (spec: unknown) => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "x" }, spec });
const problemsOf = (value: unknown) => {
  const parsed = parseNetworkPolicy(value);
  return "problems" in parsed ? parsed.problems : [];
};

describe("NetworkPolicy validation", () => {
  it.each([
    ["endPort with a named port", { ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }, "spec.ingress[0].ports[0].endPort: may not be specified when port is a name"],
    ["endPort without port", { ingress: [{ ports: [{ endPort: 90 }] }] }, "spec.ingress[0].ports[0].endPort: may not be specified when port is not specified"],
    ["endPort below port", { egress: [{ ports: [{ port: 90, endPort: 80 }] }] }, "spec.egress[0].ports[0].endPort: 80 must be greater than or equal to port 90"],
    ["port out of range", { ingress: [{ ports: [{ port: 70000 }] }] }, "spec.ingress[0].ports[0].port: 70000 is not a port number 1..65535"],
    ["a quoted number as port", { ingress: [{ ports: [{ port: "80" }] }] }, 'spec.ingress[0].ports[0].port: "80" is a string; write 80 without quotes for a port number'],
    ["an unknown protocol", { ingress: [{ ports: [{ protocol: "ICMP" }] }] }, 'spec.ingress[0].ports[0].protocol: "ICMP" is not one of TCP, UDP, SCTP'],
    ["an empty peer", { ingress: [{ from: [{}] }] }, "spec.ingress[0].from[0]: must specify a peer (podSelector, namespaceSelector or ipBlock)"],
    ["ipBlock with a selector", { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }, "spec.egress[0].to[0]: may not combine ipBlock with podSelector or namespaceSelector"],
    ["an invalid CIDR", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.300/8" } }] }] }, 'spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.300/8" does not start with an IPv4 or IPv6 address'],
    ["an address without prefix", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.1" } }] }] }, 'spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.1" is not a CIDR (write an address with a prefix length, e.g. 10.0.0.1/32)'],
    ["except outside cidr", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] } }] }] }, 'spec.ingress[0].from[0].ipBlock.except[0]: "10.1.0.0/24" must be a strict subset of cidr 10.0.0.0/16'],
    ["except equal to cidr", { ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.0.0/16"] } }] }] }, 'spec.ingress[0].from[0].ipBlock.except[0]: "10.0.0.0/16" must be a strict subset of cidr 10.0.0.0/16'],
    ["an unknown operator", { podSelector: { matchExpressions: [{ key: "a", operator: "Equals", values: ["b"] }] } }, 'spec.podSelector.matchExpressions[0].operator: "Equals" is not one of In, NotIn, Exists, DoesNotExist'],
    ["In without values", { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: "a", operator: "In" }] } }] }] }, "spec.ingress[0].from[0].podSelector.matchExpressions[0].values: must be non-empty when operator is In"],
    ["Exists with values", { ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["b"] }] } }] }] }, "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values: must be empty when operator is Exists"],
    ["a number as label value", { podSelector: { matchLabels: { tier: 1 } } }, "spec.podSelector.matchLabels.tier: must be a string, got 1 (quote it)"],
    ["an unknown policy type", { policyTypes: ["Inbound"] }, 'spec.policyTypes[0]: "Inbound" is not one of Ingress, Egress'],
    ["a rule that is not a mapping", { ingress: ["all"] }, "spec.ingress[0]: must be a mapping (write {} for a rule that allows everything)"],
  ])("refuses %s", (_, spec, problem) => {
    expect(problemsOf(withSpec(spec))).toEqual([problem]);
  });

  it("collects every problem, not just the first", () => {
    const problems = problemsOf(withSpec({ ingress: [{ from: [{}], ports: [{ port: 0 }, { protocol: "tcp" }] }] }));
    expect(problems).toHaveLength(3);
  });

  it("requires metadata.name", () => {
    expect(problemsOf({ kind: "NetworkPolicy", metadata: {}, spec: {} })).toEqual(["metadata.name: required"]);
  });

  it("accepts IPv6 blocks and a host-bits-set CIDR, as the legacy CIDR fields do", () => {
    expect(problemsOf(withSpec({ egress: [{ to: [{ ipBlock: { cidr: "fd00::/48", except: ["fd00::1/128"] } }, { ipBlock: { cidr: "10.0.0.7/8" } }] }] }))).toEqual([]);
  });

  it("evaluatePolicies throws PolicyInputError naming the policy and field", () => {
    const bad = withSpec({ ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }) as never;
    expect(() => evaluatePolicies(universe([bad]), [{ port: 80, protocol: "TCP" }])).toThrow(PolicyInputError);
    expect(() => evaluatePolicies(universe([bad]), [{ port: 80, protocol: "TCP" }])).toThrow(
      "NetworkPolicy x/p:\n  spec.ingress[0].ports[0].endPort: may not be specified when port is a name",
    );
  });

  it("refuses a pod that appears twice and a policy that appears twice", () => {
    const u = universe([]);
    expect(() => evaluatePolicies({ ...u, pods: [...u.pods, u.pods[0]!] }, [])).toThrow("pod x/a appears twice");
    const p = withSpec({}) as never;
    expect(() => evaluatePolicies(universe([p, p]), [])).toThrow("NetworkPolicy x/p appears twice");
  });
});
