/**
 * Progress of `up`/`down` from the Pulumi engine's events: the step, resources done of the total,
 * elapsed time. On a terminal one line is redrawn in place (and ticks every second); in a log or a
 * pipe each change is a plain line of its own.
 */
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

export interface ProgressOptions {
  write: (text: string) => void;
  /** Redraw one line (a terminal) or append lines (a log, a pipe). */
  tty: boolean;
  now?: () => number;
}

const VERBS: Readonly<Record<string, string>> = {
  same: "unchanged",
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  "create-replacement": "replaced",
  "delete-replaced": "replaced",
  read: "read",
  refresh: "refreshed",
};

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * A resource the lab counts: providers and components (the stack, Lab, Cni, …) are bookkeeping,
 * the count is of what gets created — the same set `plannedResourceCount` counts. The engine sends a
 * ResOutputsEvent after every successful step of a custom resource, deletes included
 * (pulumi/pulumi pkg/engine/update.go, OnResourceStepPost), so one count serves up and destroy.
 */
function counts(meta: StepEventMetadata): boolean {
  const custom = meta.new?.custom ?? meta.old?.custom ?? false;
  return custom && !meta.type.startsWith("pulumi:providers:");
}

const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);

export class Progress {
  private readonly started: number;
  private readonly now: () => number;
  private stepName = "";
  private total = 0;
  private readonly seen = new Set<string>();
  private readonly done = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  /** The engine's error diagnostics, for the failure report. */
  readonly errors: string[] = [];

  constructor(private readonly opts: ProgressOptions) {
    this.now = opts.now ?? Date.now;
    this.started = this.now();
  }

  /** Starts a step; `total` is the expected number of resources, when the step works on them. */
  step(name: string, total = 0): void {
    this.stepName = name;
    this.total = total;
    this.seen.clear();
    this.done.clear();
    if (this.opts.tty) {
      this.redraw();
      this.ticker ??= setInterval(() => this.redraw(), 1000).unref();
    } else {
      this.opts.write(`[${this.elapsed()}] ${name}${total ? ` (${total} resources)` : ""}\n`);
    }
  }

  /** Feed for the Automation API's `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    const pre = event.resourcePreEvent;
    const post = event.resOutputsEvent;
    if (pre && !pre.planning && counts(pre.metadata)) this.seen.add(pre.metadata.urn);
    if (post && !post.planning && counts(post.metadata)) this.resourceDone(post.metadata);
    const failed = event.resOpFailedEvent;
    if (failed && counts(failed.metadata)) this.line(`failed: ${failed.metadata.type} ${nameOf(failed.metadata.urn)}`);
    const diag = event.diagnosticEvent;
    if (diag?.severity === "error") this.errors.push(`${diag.urn ? `${nameOf(diag.urn)}: ` : ""}${stripAnsi(diag.message)}`);
  };

  private resourceDone(meta: StepEventMetadata): void {
    if (this.done.has(meta.urn)) return;
    this.seen.add(meta.urn);
    this.done.add(meta.urn);
    if (this.opts.tty) this.redraw();
    else this.opts.write(`[${this.elapsed()}] ${this.count()} ${VERBS[meta.op] ?? meta.op} ${meta.type} ${nameOf(meta.urn)}\n`);
  }

  /** A line that stays (a failure, a note) without breaking the redrawn status line. */
  line(text: string): void {
    if (this.opts.tty) {
      this.opts.write(`\r\x1b[2K${text}\n`);
      this.redraw();
    } else {
      this.opts.write(`[${this.elapsed()}] ${text}\n`);
    }
  }

  /** Resources done in the current step. */
  get resourcesDone(): number {
    return this.done.size;
  }

  elapsed(): string {
    return formatElapsed(this.now() - this.started);
  }

  /** Stops the ticker and leaves the last status line in place. */
  finish(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    if (this.opts.tty) {
      this.redraw();
      this.opts.write("\n");
    }
  }

  private count(): string {
    return `${this.done.size}/${Math.max(this.total, this.seen.size)}`;
  }

  private redraw(): void {
    const resources = this.total || this.seen.size ? ` · resources ${this.count()}` : "";
    this.opts.write(`\r\x1b[2K${this.stepName}${resources} · ${this.elapsed()}`);
  }
}

/** Engine diagnostics carry colour codes for a terminal. */
function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, "").replace(/<\{%[^%]*%\}>/g, "");
}
