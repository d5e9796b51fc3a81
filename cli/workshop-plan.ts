/**
 * `cnilab workshop plan <workshop>`: the capacity arithmetic per host — participants × nodes ×
 * memory, CPU and disk per node (host/resources.ts figures) against what the host has — and every
 * participant's cluster, node network, API server and host. Exit 2 when it does not fit, saying
 * how many participants do.
 */
import { readStackFile } from "../labs";
import { hostFit, totalFits, type HostFit } from "../workshop/capacity";
import { planWorkshop } from "../workshop/plan";
import { loadWorkshopStack } from "../workshop/stack";
import type { Io } from "./command";
import type { LabCommandDeps } from "./deps";
import { exitCode } from "./exit";
import { measureHost } from "./services/workshop-hosts";
import type { StackRef } from "./stack-arg";
import { alignRows, participantRows } from "./services/workshop-view";

/** At most two decimals, no trailing zeros: 6.9, 1.25, 16. */
const n2 = (x: number) => String(Number(x.toFixed(2)));
const have = (x: number | undefined, unit: string) => (x === undefined ? "?" : `${n2(Math.round(x * 10) / 10)}${unit}`);
const fitsText = (f: HostFit) => (f.fits === Infinity ? "no limit known" : `${f.fits} (by ${f.limitedBy})`);

export async function runWorkshopPlan(ref: StackRef, io: Io, deps: Pick<LabCommandDeps, "host">): Promise<number> {
  const workshop = loadWorkshopStack(readStackFile(ref.file), ref.source);
  const plan = await planWorkshop(workshop, ref.source);
  const backends = [...new Set(workshop.participants.map((p) => p.backend))];
  const c = plan.cost;
  const lines = [
    `Workshop ${workshop.name} (${workshop.source}, stack ${ref.name}): ${workshop.participants.length} participants, lab ${workshop.lab}, ${backends.join(", ")}; 1 control plane + ${workshop.workers} workers each.`,
    `Each participant: ${c.nodes} nodes, ${n2(c.memoryGiB)} GiB memory, ${n2(c.cpus)} CPUs requested, ${n2(c.diskGiB)} GiB disk; each host ${n2(c.hostDiskGiB)} GiB for the node image (host/resources.ts).`,
    "",
  ];
  const fits: HostFit[] = [];
  const notes: string[] = [];
  for (const h of plan.hosts) {
    const measured = await measureHost(deps.host, h.host);
    notes.push(...measured.notes);
    fits.push(hostFit(h.host.id, h.participants.length, c, measured.resources, workshop.participantsPerHost));
  }
  const table = [
    ["host", "participants", "nodes", "memory need/have", "CPUs need/have", "disk need/have", "inotify", "fits"],
    ...fits.map((f) => [
      f.host,
      String(f.planned),
      String(f.need.nodes),
      `${n2(f.need.memoryGiB)} / ${have(f.have.memoryGiB, " GiB")}`,
      `${n2(f.need.cpus)} / ${have(f.have.cpus, "")}${f.cpuOversubscribed ? " (oversubscribed: slower)" : ""}`,
      `${n2(f.need.diskGiB)} / ${have(f.have.diskGiB, " GiB")}`,
      f.have.inotify ? `${f.have.inotify.instances}/${f.have.inotify.watches}${f.inotifyLow ? " LOW" : ""}` : "?",
      fitsText(f),
    ]),
  ];
  lines.push(...alignRows(table), "", ...participantRows(plan));
  if (plan.unplaced.length > 0) lines.push(`not placed (no host has room by its declared figures): ${plan.unplaced.join(", ")}`);
  if (fits.some((f) => f.inotifyLow)) lines.push(`inotify below kind's recommended 512 instances / 524288 watches (kind known-issues): sudo sysctl -w fs.inotify.max_user_instances=512 fs.inotify.max_user_watches=524288`);
  lines.push(...notes);
  const over = fits.filter((f) => f.planned > f.fits);
  const total = totalFits(fits);
  if (over.length > 0 || plan.unplaced.length > 0) {
    const room = total === Infinity ? "" : ` The hosts fit ${total} participants.`;
    io.stdout(`${lines.join("\n")}\n`);
    io.stderr(
      `cnilab workshop plan: does not fit: ${over.map((f) => `${f.host} holds ${f.fits} of its ${f.planned}`).join("; ") || `${plan.unplaced.length} not placed`}.${room} ` +
        `Fewer participants or workers, another host, or more memory/disk.\n`,
    );
    return exitCode("invalid-input");
  }
  lines.push(`Fits: ${workshop.participants.length} participants${total === Infinity ? "" : ` (the hosts fit ${total})`}. Bring it up: cnilab workshop up ${workshop.name}`);
  io.stdout(`${lines.join("\n")}\n`);
  return exitCode("ok");
}
