/**
 * What every `explain` verb shares: the <namespace/name> argument, reaching the lab's cluster (the
 * kubeconfig kind writes, or --kubeconfig) and the first line of an error with its cause.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { hostTools } from "../perf/host";
import { UsageError, type Io } from "./command";
import { systemHost } from "../host/host";
import { kindCluster, type LabCluster } from "./explain-cluster";
import { locateTool } from "../host/tools";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Pod names are DNS-1123 subdomains: labels joined by dots, at most 253 characters. */
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const NAME_RULES = {
  Service: { test: DNS1123_LABEL, says: "a DNS-1123 label (lower-case letters, digits and '-', at most 63, starting and ending alphanumeric)", example: "kube-system/kube-dns" },
  Pod: { test: DNS1123_SUBDOMAIN, says: "a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253, each part starting and ending alphanumeric)", example: "kube-system/coredns-7db6d8ff4d-abcde" },
} as const;

/** "<namespace/name>" or "<name>" (namespace default): the namespace a DNS-1123 label, the name as the API requires for the kind. */
export function parseObjectRef(arg: string, kind: keyof typeof NAME_RULES): { namespace: string; name: string } {
  const rule = NAME_RULES[kind];
  const parts = arg.split("/");
  const [namespace, name] = parts.length === 1 ? ["default", parts[0]!] : parts;
  if (parts.length > 2 || !namespace || !name) throw new UsageError(`<namespace/name> '${arg}' is not a ${kind} reference: expected namespace/name, e.g. ${rule.example}`);
  if (!DNS1123_LABEL.test(namespace)) throw new UsageError(`<namespace/name> '${arg}': the namespace '${namespace}' is ${NAME_RULES.Service.says.replace("a DNS", "not a DNS")}`);
  if (!rule.test.test(name)) throw new UsageError(`<namespace/name> '${arg}': the name '${name}' is ${rule.says.replace("a DNS", "not a DNS")}`);
  return { namespace, name };
}

/** An error's first line, with what caused it: Node's fetch says only "fetch failed" and keeps the reason in `cause`. */
export function reason(err: unknown): string {
  const first = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  const cause = (err as { cause?: unknown }).cause;
  return cause === undefined ? first(err) : `${first(err)}: ${first(cause)}`;
}

export interface ExplainDeps {
  root: string;
  /** The lab's cluster, or why it cannot be reached; tests hand a fake. */
  cluster(clusterName: string, kubeconfigFile: string | undefined, io: Io): Promise<LabCluster | string>;
}

export async function defaultCluster(clusterName: string, kubeconfigFile: string | undefined, io: Io): Promise<LabCluster | string> {
  let kubeconfig: string;
  if (kubeconfigFile !== undefined) {
    try {
      kubeconfig = readFileSync(resolve(io.cwd, kubeconfigFile), "utf8");
    } catch (err) {
      return `cannot read --kubeconfig ${kubeconfigFile}: ${(err as Error).message}`;
    }
  } else {
    // kind as every command finds it (the tools folder included).
    const kind = await locateTool(systemHost(io.env, io.cwd), "kind");
    try {
      kubeconfig = await hostTools(kind.use ? { ...io.env, CNILAB_KIND: kind.use.path } : io.env).kubeconfig(clusterName);
    } catch (err) {
      return `no kubeconfig for kind cluster '${clusterName}' (${(err as Error).message.split("\n")[0]}): is the lab up? Or pass --kubeconfig`;
    }
  }
  return kindCluster(kubeconfig, io.env);
}
