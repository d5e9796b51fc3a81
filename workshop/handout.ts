/**
 * A participant's one-page handout, as Markdown and as one self-contained HTML page (inline style,
 * no external reference): their lab, their cluster, the commands to start with, the scenarios and
 * the exercises. Exercises come in as titles and goals only — the type has no room for a reference
 * solution, so none can reach a handout. Pure.
 */
import type { Lab } from "../labs";
import { escapeHtml } from "../report/html";

/** What a handout may say about an exercise: never its solution. */
export interface HandoutExercise {
  name: string;
  title: string;
  goal?: string;
}

export interface HandoutInput {
  workshop: string;
  participant: string;
  backend: string;
  clusterName: string;
  /** https://<host address>:<port>, as in their kubeconfig. */
  apiServer: string;
  lab: Pick<Lab, "name" | "title" | "description" | "namespaces" | "workloads" | "scenarios">;
  exercises: readonly HandoutExercise[];
  /** Their browser terminal's link (token included), when the workshop has terminals: the handout opens with it. */
  terminal?: string;
}

type Block = { h: string } | { p: string } | { code: string[] } | { list: string[] };

function blocks(h: HandoutInput): Block[] {
  const namespaces = ["default", ...h.lab.namespaces.map((n) => n.name)];
  return [
    { h: `${h.workshop} — ${h.participant}` },
    ...(h.terminal
      ? [{ p: `Your terminal: ${h.terminal} — open it in a browser, nothing to install; kubectl there already points at your cluster. The link is your key: keep it to yourself.` }]
      : []),
    { p: `Your lab: ${h.lab.title} (lab ${h.lab.name}) on the ${h.backend} CNI, in your own kind cluster ${h.clusterName}. Nobody else uses it: break it freely.` },
    ...(h.lab.description ? [{ p: h.lab.description.trim() }] : []),
    { h: "Start" },
    { p: `Your kubeconfig (the file kubeconfig beside this page) points at your API server ${h.apiServer}.` },
    { code: ["export KUBECONFIG=$PWD/kubeconfig", "kubectl get nodes -o wide", "kubectl get pods -A -o wide", "kubectl get networkpolicies -A"] },
    { h: "What runs in your cluster" },
    { list: h.lab.workloads.map((w) => `${w.name} in namespace ${w.namespace}`) },
    { p: `Lab namespaces: ${namespaces.join(", ")}.` },
    { h: "Scenarios" },
    { list: h.lab.scenarios.map((s) => `${s.name}: ${s.about}`) },
    { h: "Exercises" },
    h.exercises.length > 0 ? { list: h.exercises.map((e) => `${e.name}: ${e.title}${e.goal ? ` — ${e.goal}` : ""}`) } : { p: "No exercises are published for this lab yet; work through the scenarios above." },
    { h: "Stuck?" },
    { p: `Ask the instructor to reset your lab to its start (it takes seconds and touches nobody else): cnilab workshop reset ${h.workshop} ${h.participant}.` },
  ];
}

export function renderHandoutMarkdown(h: HandoutInput): string {
  const out = blocks(h).map((b, i) => {
    if ("h" in b) return `${i === 0 ? "#" : "##"} ${b.h}`;
    if ("p" in b) return b.p;
    if ("code" in b) return ["```sh", ...b.code, "```"].join("\n");
    return b.list.length > 0 ? b.list.map((l) => `- ${l}`).join("\n") : "- (none)";
  });
  return `${out.join("\n\n")}\n`;
}

const STYLE =
  "body{font:15px/1.5 system-ui,sans-serif;max-width:760px;margin:24px auto;padding:0 16px;color:#1d2430}" +
  "h1{font-size:24px}h2{font-size:18px;margin-top:24px;border-bottom:1px solid #d7dbe2}" +
  "pre{background:#f3f4f6;padding:10px;border-radius:4px;overflow-x:auto}@media print{body{margin:0}}";

export function renderHandoutHtml(h: HandoutInput): string {
  const body = blocks(h).map((b, i) => {
    if ("h" in b) return i === 0 ? `<h1>${escapeHtml(b.h)}</h1>` : `<h2>${escapeHtml(b.h)}</h2>`;
    if ("p" in b) return `<p>${escapeHtml(b.p)}</p>`;
    if ("code" in b) return `<pre><code>${escapeHtml(b.code.join("\n"))}</code></pre>`;
    return `<ul>${(b.list.length > 0 ? b.list : ["(none)"]).map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`;
  });
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${h.workshop} — ${h.participant}`)}</title><style>${STYLE}</style></head>\n<body>\n${body.join("\n")}\n</body></html>\n`;
}
