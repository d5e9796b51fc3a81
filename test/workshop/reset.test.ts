/**
 * What `workshop reset <participant>` touches, as data: only that participant's resources in the
 * stack's state (by parent links, so "ana" never takes "ana-b"'s), and in the lab's namespaces only
 * what the participant added.
 */
import { describe, expect, it } from "vitest";
import { kindClusterUrn, resetNamespaces, participantAdded, participantResources, type ListedObject, type StateResource } from "../../workshop/reset";

const U = "urn:pulumi:workshop-demo::cnilab::";
const W = `${U}cnilab:workshop:Workshop::workshop`;
const lab = (p: string) => `${U}cnilab:workshop:Workshop$cnilab:lab:Lab::lab-${p}`;
const state: StateResource[] = [
  { urn: W, type: "cnilab:workshop:Workshop" },
  { urn: `${U}cnilab:workshop:Workshop$cnilab:workshop:RegistryCache::cache-local`, type: "cnilab:workshop:RegistryCache", parent: W },
  ...["ana", "ana-b"].flatMap((p): StateResource[] => [
    { urn: lab(p), type: "cnilab:lab:Lab", parent: W },
    { urn: `${lab(p)}$cnilab:cluster:KindCluster::lab-${p}-cluster`, type: "cnilab:cluster:KindCluster", parent: lab(p) },
    { urn: `${lab(p)}-kind`, type: "pulumi-nodejs:dynamic/cnilab:KindCluster", parent: `${lab(p)}$cnilab:cluster:KindCluster::lab-${p}-cluster` },
    { urn: `${lab(p)}-policy`, type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", parent: lab(p), outputs: { kind: "NetworkPolicy", metadata: { name: "deny-nginx", namespace: "default" } } },
    { urn: `${lab(p)}-deploy`, type: "kubernetes:apps/v1:Deployment", parent: lab(p), outputs: { kind: "Deployment", metadata: { name: "nginx-abc12", namespace: "default" } } },
  ]),
];

describe("reset touches one participant", () => {
  it("their Lab and its descendants, nobody else's (not a neighbour whose name shares a prefix, not the cache)", () => {
    const mine = participantResources(state, "ana").map((r) => r.urn);
    expect(mine).toEqual([lab("ana"), `${lab("ana")}$cnilab:cluster:KindCluster::lab-ana-cluster`, `${lab("ana")}-kind`, `${lab("ana")}-policy`, `${lab("ana")}-deploy`]);
    expect(participantResources(state, "nobody")).toEqual([]);
    expect(kindClusterUrn(participantResources(state, "ana-b"))).toBe(`${lab("ana-b")}-kind`);
  });

  it("in the lab's namespaces, what the lab did not make and no controller owns", () => {
    const o = (kind: ListedObject["kind"], namespace: string, name: string, owned = false): ListedObject => ({ kind, namespace, name, owned });
    const listed = [
      o("NetworkPolicy", "default", "deny-nginx"), // the lab's
      o("NetworkPolicy", "default", "my-allow"), // added
      o("Deployment", "default", "nginx-abc12"), // the lab's
      o("ReplicaSet", "default", "nginx-abc12-5d9", true), // the Deployment's
      o("Pod", "default", "nginx-abc12-5d9-x", true),
      o("Pod", "prod", "debug"), // added, a bare pod
      o("ConfigMap", "prod", "kube-root-ca.crt"), // Kubernetes' own, in every namespace
      o("NetworkPolicy", "kube-system", "x"), // not a lab namespace
    ];
    const namespaces = resetNamespaces({ namespaces: [{ name: "prod" }, { name: "dev" }], workloads: [], clients: [] });
    expect(namespaces).toEqual(["default", "dev", "prod"]);
    expect(participantAdded(listed, participantResources(state, "ana"), namespaces)).toEqual([o("NetworkPolicy", "default", "my-allow"), o("Pod", "prod", "debug")]);
  });
});
