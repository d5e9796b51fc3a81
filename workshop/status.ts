/**
 * `workshop status`: one row per participant — cluster reachable, nodes Ready, CNI ready, verify
 * (expected against observed, judged by the one assertion core), exercises done — read from every
 * cluster at once, each within a deadline. A participant whose cluster cannot be read is a row
 * saying why, never a failure of the whole. The reading is behind one interface (tests give it an
 * API stand-in); the rows and their renderings are pure.
 */
import { verify } from "../assertions/verify";
import type { BackendFacts } from "../backends";
import type { AssertionsOutput } from "../plan/outputs";
import { escapeHtml } from "../report/html";
import { asExpected, type ProbeLog } from "../verdict/judge";
import { describeTerminalHealth, readTerminalHealth } from "../terminal/health";

/** What `workshop up` saved for a participant (status reads no Pulumi state). */
export interface SavedParticipant {
  name: string;
  host: string;
  backend: string;
  clusterName: string;
  apiServer: string;
  /** Absent: the participant was never brought up (or down removed it). */
  kubeconfig?: string;
  assertions?: AssertionsOutput;
  /** Their browser terminal's link, when the workshop has terminals. */
  terminal?: string;
}

/** One cluster as status reads it; every call may throw (unreachable, refused, forbidden). */
export interface StatusCluster {
  nodes(): Promise<{ name: string; ready: boolean }[]>;
  /** The CNI readiness Job (plan/readiness.ts): finished, failed, still running, or not there. */
  cniJob(): Promise<"complete" | "failed" | "running" | "missing">;
  jobLogs(jobs: AssertionsOutput["jobs"]): Promise<Record<string, ProbeLog>>;
}

/** Exercises done per participant, from the exercises' grading; undefined = no exercises to grade. */
export type ExerciseGrading = (p: SavedParticipant) => Promise<{ done: number; total: number } | undefined>;

export interface StatusRow {
  participant: string;
  host: string;
  backend: string;
  /** "up", or why the cluster could not be read. */
  cluster: string;
  reachable: boolean;
  nodes: string;
  cni: string;
  verify: string;
  exercises: string;
  /** Their browser terminal: up and when last used, or why not; "—" without terminals. */
  terminal: string;
}

const DASH = "—";

function timeout<T>(ms: number, what: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([what, deadline]).finally(() => clearTimeout(timer));
}

/** The first line of an error, with its cause's code when it has one ("fetch failed: ECONNREFUSED"). */
function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  const why = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : undefined;
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
  return (why && !message.includes(why) ? `${message}: ${why}` : message).slice(0, 120);
}

/** One participant's row; never throws. */
export async function participantRow(
  p: SavedParticipant,
  connect: (kubeconfig: string) => Promise<StatusCluster>,
  backendOf: (name: string) => BackendFacts | undefined,
  exercises: ExerciseGrading | undefined,
  deadlineMs: number,
): Promise<StatusRow> {
  const base = { participant: p.name, host: p.host, backend: p.backend };
  // The terminal answers on its own (its server, not the cluster): read alongside, never throws.
  const terminal = p.terminal ? readTerminalHealth(new URL("/", p.terminal).href, deadlineMs).then(describeTerminalHealth) : Promise.resolve(DASH);
  const unread = async (cluster: string): Promise<StatusRow> => ({ ...base, cluster, reachable: false, nodes: DASH, cni: DASH, verify: DASH, exercises: DASH, terminal: await terminal });
  if (!p.kubeconfig) return unread("not up (no kubeconfig saved: cnilab workshop up)");
  // Connecting (loading the client) is not the cluster's time: the deadline starts after it.
  const cluster = await connect(p.kubeconfig);
  let nodes: { name: string; ready: boolean }[];
  try {
    nodes = await timeout(deadlineMs, cluster.nodes());
  } catch (err) {
    return unread(`unreachable: ${reason(err)}`);
  }
  const [cni, verified, done, term] = await Promise.all([
    timeout(deadlineMs, cluster.cniJob()).then(
      (s) => ({ complete: "ready", failed: "failed", running: "starting", missing: "not installed" })[s],
      (err) => `? ${reason(err)}`,
    ),
    verifyCell(p, cluster, backendOf, deadlineMs),
    exercises ? timeout(deadlineMs, exercises(p)).then((e) => (e ? `${e.done}/${e.total}` : DASH), (err) => `? ${reason(err)}`) : Promise.resolve(DASH),
    terminal,
  ]);
  const ready = nodes.filter((n) => n.ready).length;
  return { ...base, cluster: "up", reachable: true, nodes: `${ready}/${nodes.length} Ready`, cni, verify: verified, exercises: done, terminal: term };
}

async function verifyCell(p: SavedParticipant, cluster: StatusCluster, backendOf: (name: string) => BackendFacts | undefined, deadlineMs: number): Promise<string> {
  const backend = backendOf(p.backend);
  if (!p.assertions || !backend) return DASH;
  try {
    const logs = await timeout(deadlineMs, cluster.jobLogs(p.assertions.jobs));
    const report = verify({ stack: p.clusterName, backend, probes: p.assertions.probes, skipped: p.assertions.skipped, logs });
    const judged = report.counts.pass + report.counts.mismatch + report.counts.error;
    if (asExpected(report.counts)) return `passed ${report.counts.pass}/${judged}`;
    return `failed ${report.counts.mismatch + report.counts.error}/${judged}`;
  } catch (err) {
    return `? ${reason(err)}`;
  }
}

/** Every participant at once; the slowest is bounded by the deadline. */
export function readStatus(
  participants: readonly SavedParticipant[],
  connect: (kubeconfig: string) => Promise<StatusCluster>,
  backendOf: (name: string) => BackendFacts | undefined,
  exercises: ExerciseGrading | undefined,
  deadlineMs: number,
): Promise<StatusRow[]> {
  return Promise.all(participants.map((p) => participantRow(p, connect, backendOf, exercises, deadlineMs)));
}

const HEADER = ["participant", "host", "backend", "cluster", "nodes", "CNI", "verify", "exercises", "terminal"];
const cells = (r: StatusRow) => [r.participant, r.host, r.backend, r.cluster, r.nodes, r.cni, r.verify, r.exercises, r.terminal];

export function renderStatusText(rows: readonly StatusRow[], notes: readonly string[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const lines = table.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
  return `${lines.join("\n")}\n${notes.map((n) => `${n}\n`).join("")}`;
}

export function renderStatusHtml(workshop: string, rows: readonly StatusRow[], notes: readonly string[], at: string): string {
  const head = `<tr>${HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr class="${r.reachable ? "up" : "down"}">${cells(r).map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  const style = "body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left}tr.down td{background:#fdecea}";
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`workshop ${workshop}`)}</title><style>${style}</style></head>\n<body><h1>${escapeHtml(`workshop ${workshop}`)}</h1><p>read ${escapeHtml(at)}</p>\n<table><thead>${head}</thead><tbody>\n${body}\n</tbody></table>\n${notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("\n")}\n</body></html>\n`;
}
