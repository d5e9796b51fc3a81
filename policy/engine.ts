/**
 * The reachability matrix: for every (source pod, destination pod, port query), whether the
 * destination's ingress policies and the source's egress policies both let the connection through.
 *
 * Semantics (k8s docs "Network Policies", and upstream e2e test/e2e/network/netpol @008b365):
 * a pod selected by no policy of a direction is not isolated for it; a selected pod admits the
 * union of what its policies' rules allow (policies are additive, "should enforce multiple, stacked
 * policies with overlapping podSelectors"); a connection needs BOTH the source's egress and the
 * destination's ingress ("should support denying of egress traffic on the client side (even if the
 * server explicitly allows this traffic)").
 *
 * Traffic from a pod to itself is kept and evaluated by the same rules; it is flagged `loopback`
 * in explanations because upstream e2e does not judge it (see VerdictExplanation.loopback).
 *
 * Results are one byte per cell; reasons are built only when `explain` asks for one.
 */
import { hasBit, orMaskedRow, orRow, setBit } from "./bitset";
import { compileUniverse, type CompiledRule, type CompiledUniverse } from "./compile";
import { explainCell } from "./explain";
import { dependsOnDestination, matchingPortEntry, resolveQuery } from "./ports";
import type { PolicyUniverse, PortQuery, Verdict, VerdictExplanation } from "./types";

const ALLOWED = 1;
const INGRESS_PASSES = 2;
const EGRESS_PASSES = 4;
const NO_SUCH_PORT = 8;

export interface MatrixOptions {
  /**
   * Whether ipBlock peers match pods. false models a dataplane that does not program ipBlock
   * rules: those peers then allow nothing. @default true
   */
  ipBlockPeers?: boolean;
}

interface PortCells {
  cells: Uint8Array;
  /** Port number per destination; -1 where a named query port is not declared. */
  resolved: Int32Array;
}

export class PolicyMatrix {
  /** "ns/name" of every pod, in input order; indices below refer to this list. */
  readonly pods: readonly string[];
  readonly impliedNamespaces: readonly string[];
  private readonly tables: readonly PortCells[];

  constructor(
    private readonly universe: CompiledUniverse,
    readonly ports: readonly PortQuery[],
    readonly ipBlockPeers: boolean,
  ) {
    this.pods = universe.pods.map((p) => p.key);
    this.impliedNamespaces = universe.impliedNamespaces;
    this.tables = ports.map((q) => buildPortCells(universe, q, ipBlockPeers));
  }

  podIndex(key: string): number {
    const i = this.universe.podIndex.get(key);
    if (i === undefined) throw new Error(`no pod ${key} in the matrix (pods: ${this.pods.slice(0, 10).join(", ")}…)`);
    return i;
  }

  verdict(src: number, dst: number, q: number): Verdict {
    const cell = this.cell(src, dst, q);
    return cell & NO_SUCH_PORT ? "no-such-port" : cell & ALLOWED ? "allowed" : "denied";
  }

  allowed(src: number, dst: number, q: number): boolean {
    return (this.cell(src, dst, q) & ALLOWED) !== 0;
  }

  /** The destination's ingress side passes (not isolated, or some rule allows the source on this port). */
  ingressPasses(src: number, dst: number, q: number): boolean {
    return (this.cell(src, dst, q) & INGRESS_PASSES) !== 0;
  }

  egressPasses(src: number, dst: number, q: number): boolean {
    return (this.cell(src, dst, q) & EGRESS_PASSES) !== 0;
  }

  isIngressIsolated(pod: number): boolean {
    return this.universe.ingressBy[pod]!.length > 0;
  }

  isEgressIsolated(pod: number): boolean {
    return this.universe.egressBy[pod]!.length > 0;
  }

  /** The port number the query connects to on `dst`, undefined for an undeclared named port. */
  port(dst: number, q: number): number | undefined {
    const r = this.table(q).resolved[dst]!;
    return r < 0 ? undefined : r;
  }

  explain(src: number, dst: number, q: number): VerdictExplanation {
    return explainCell(this.universe, src, dst, this.ports[q]!, this.port(dst, q), this.verdict(src, dst, q), this.ipBlockPeers);
  }

  /** The same universe and ports with ipBlock peers matching nothing (shares the compiled policies). */
  withoutIpBlockPeers(): PolicyMatrix {
    return this.ipBlockPeers ? new PolicyMatrix(this.universe, this.ports, false) : this;
  }

  private table(q: number): PortCells {
    const t = this.tables[q];
    if (!t) throw new RangeError(`port index ${q} is outside 0..${this.tables.length - 1}`);
    return t;
  }

  private cell(src: number, dst: number, q: number): number {
    const n = this.pods.length;
    if (!(src >= 0 && src < n && dst >= 0 && dst < n)) throw new RangeError(`pod index outside 0..${n - 1}: ${src}, ${dst}`);
    return this.table(q).cells[src * n + dst]!;
  }
}

/** Compiles the universe (validating every policy; throws PolicyInputError) and computes every verdict. */
export function evaluatePolicies(universe: PolicyUniverse, ports: readonly PortQuery[], options: MatrixOptions = {}): PolicyMatrix {
  return new PolicyMatrix(compileUniverse(universe), ports, options.ipBlockPeers ?? true);
}

function buildPortCells(u: CompiledUniverse, query: PortQuery, ipBlockPeers: boolean): PortCells {
  const n = u.pods.length;
  const w = u.words;
  const resolved = Int32Array.from(u.pods, (pod) => resolveQuery(query, pod) ?? -1);
  // Row d of `ingress`: sources allowed into d. Row s of `egress`: destinations s may reach.
  const ingress = new Uint32Array(n * w);
  const egress = new Uint32Array(n * w);
  const peersOf = (rule: CompiledRule) => (ipBlockPeers ? rule.union : rule.withoutIpBlock);

  for (const policy of u.policies) {
    if (policy.selected.length === 0) continue;
    for (const rule of policy.ingress ?? []) {
      for (const d of policy.selected) {
        const port = resolved[d]!;
        if (port >= 0 && matchingPortEntry(rule.ports, port, query.protocol, u.pods[d]!) !== -1) orRow(ingress, d * w, peersOf(rule), w);
      }
    }
    for (const rule of policy.egress ?? []) {
      const mask = destinationMask(u, rule, query, resolved);
      if (mask === false) continue;
      for (const s of policy.selected) {
        if (mask === true) orRow(egress, s * w, peersOf(rule), w);
        else orMaskedRow(egress, s * w, peersOf(rule), mask, w);
      }
    }
  }

  const ingressIsolated = Uint8Array.from(u.ingressBy, (l) => (l.length > 0 ? 1 : 0));
  const cells = new Uint8Array(n * n);
  for (let s = 0; s < n; s++) {
    const egressIsolated = u.egressBy[s]!.length > 0;
    const row = s * n;
    for (let d = 0; d < n; d++) {
      if (resolved[d]! < 0) {
        cells[row + d] = NO_SUCH_PORT;
        continue;
      }
      const inOk = ingressIsolated[d] === 0 || hasBit(ingress, d * w, s);
      const outOk = !egressIsolated || hasBit(egress, s * w, d);
      cells[row + d] = (inOk ? INGRESS_PASSES : 0) | (outOk ? EGRESS_PASSES : 0) | (inOk && outOk ? ALLOWED : 0);
    }
  }
  return { cells, resolved };
}

/** The destinations an egress rule's `ports` admit for this query: all, none, or a per-pod set. */
function destinationMask(u: CompiledUniverse, rule: CompiledRule, query: PortQuery, resolved: Int32Array): boolean | Uint32Array {
  if (rule.ports === null) return true;
  if (!dependsOnDestination(rule.ports, query)) {
    return matchingPortEntry(rule.ports, query.port as number, query.protocol, u.pods[0]!) !== -1;
  }
  const mask = new Uint32Array(u.words);
  u.pods.forEach((pod, d) => {
    const port = resolved[d]!;
    if (port >= 0 && matchingPortEntry(rule.ports, port, query.protocol, pod) !== -1) setBit(mask, 0, d);
  });
  return mask;
}
