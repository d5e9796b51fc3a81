/**
 * One-line reasons for people: "denied: x/a is selected by ingress policy deny-nginx, whose rules
 * allow no peer matching y/b". Rules are cited by their place in the policy spec, e.g.
 * "allow-y ingress[0].from[1]", so a reader can find the exact line.
 */
import { formatQuery } from "./ports";
import type { DirectionExplanation, RuleRef, VerdictExplanation } from "./types";

const MAX_LISTED = 3;

export function describeVerdict(e: VerdictExplanation): string {
  if (e.verdict === "no-such-port") {
    return `no such port: ${e.to} declares no ${e.protocol} container port named ${e.query.port}`;
  }
  const sides = [e.ingress, e.egress];
  const shown = e.verdict === "allowed" ? sides : sides.filter((s) => s.outcome === "no-rule-matches");
  const text = `${e.verdict}: ${shown.map((s) => describeDirection(s, portText(e))).join("; ")}`;
  return e.loopback ? `${text} (traffic to itself: upstream e2e does not judge loopback)` : text;
}

export function describeDirection(d: DirectionExplanation, port: string): string {
  if (d.outcome === "not-isolated") return `no ${d.direction} policy selects ${d.subject}`;
  const selected = `${d.subject} is selected by ${d.direction} ${plural("policy", "policies", d.selectedBy.length)} ${list(d.selectedBy)}`;
  if (d.outcome === "allowed-by-rule") return `${selected}; ${list(d.allowedBy.map((r) => ruleText(d, r)))} allows ${d.peer}`;
  let text: string;
  if (d.rules === 0) text = `${selected}, which ${plural("allows", "allow", d.selectedBy.length)} no ${d.direction} traffic`;
  else if (d.peerOnly.length > 0) text = `${selected}, whose rules allow ${d.peer} only on other ports than ${port} (${list(d.peerOnly.map((r) => ruleText(d, { ...r, port: "any" })))})`;
  else text = `${selected}, whose rules allow no peer matching ${d.peer}`;
  if (d.unknownIp.length > 0) {
    const refs = d.unknownIp.map((u) => `${u.policy} ${d.direction}[${u.rule}].${peerField(d)}[${u.peer}]`);
    text += ` (${d.peer} has no known IP, so ipBlock peers cannot match it: ${list(refs)})`;
  }
  return text;
}

function ruleText(d: DirectionExplanation, r: RuleRef): string {
  const peer = r.peer === "any" ? "" : `.${peerField(d)}[${r.peer}]`;
  const port = r.port === "any" ? "" : ` ports[${r.port}]`;
  return `${r.policy} ${d.direction}[${r.rule}]${peer}${port}`;
}

function peerField(d: DirectionExplanation): "from" | "to" {
  return d.direction === "ingress" ? "from" : "to";
}

function portText(e: VerdictExplanation): string {
  const query = formatQuery(e.query);
  return typeof e.query.port === "string" ? `${query} (${e.port})` : query;
}

function plural(one: string, many: string, n: number): string {
  return n === 1 ? one : many;
}

function list(items: readonly string[]): string {
  if (items.length <= MAX_LISTED) return items.join(", ");
  return `${items.slice(0, MAX_LISTED).join(", ")} and ${items.length - MAX_LISTED} more`;
}
