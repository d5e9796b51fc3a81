import type { Container } from "./schema";

/**
 * Pods every kind cluster runs by itself, which an exercise's goal may name as a target (egress to
 * DNS): what NetworkPolicies select them by, and their ports. Not the lab's to deploy.
 */
export interface ClusterPod {
  name: string;
  namespace: string;
  /** The labels a policy selects the pods by; also how a live check finds them. */
  labels: Record<string, string>;
  ports: Container["ports"];
  /** Why a live check judges this pod's cells by the engine alone, when it does. */
  engineOnly: string;
}

/**
 * CoreDNS as kubeadm (which kind runs) deploys it: pods labelled k8s-app=kube-dns in kube-system,
 * container ports dns 53/UDP, dns-tcp 53/TCP, metrics 9153/TCP
 * (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go @008b365, CoreDNSDeployment).
 */
export const CLUSTER_PODS: Readonly<Record<string, ClusterPod>> = {
  "kube-dns": {
    name: "kube-dns",
    namespace: "kube-system",
    labels: { "k8s-app": "kube-dns" },
    ports: [
      { name: "dns", containerPort: 53, protocol: "UDP" },
      { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
      { name: "metrics", containerPort: 9153, protocol: "TCP" },
    ],
    // The probe's UDP request is agnhost's echo ("hostname", probe/attempt.ts), which a DNS server
    // does not answer, and a TCP connect to a live cluster's DNS would say nothing a lab pod does not.
    engineOnly: "kube-dns is the cluster's own CoreDNS, not a lab workload: its cells are judged by the engine alone",
  },
};
