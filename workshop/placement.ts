/**
 * Which host each participant's cluster runs on. Placement reads only the workshop file (the figures
 * it declares per host), never the live host, so every `up` places alike and adding a participant at
 * the end places that one and moves nobody. `workshop plan` then checks the placement against what
 * each host has.
 */
import { hostFit, type ParticipantCost } from "./capacity";
import type { WorkshopHost } from "./load";

/** A host's share: how many participants its declared figures hold (Infinity when it declares none). */
export function declaredCapacity(host: WorkshopHost, cost: ParticipantCost, cap?: number): number {
  return hostFit(host.id, 0, cost, { memoryGiB: host.memoryGiB, cpus: host.cpus, diskGiB: host.diskGiB }, cap).fits;
}

/**
 * Smooth weighted round robin (as nginx balances upstreams): each turn every host gains its weight,
 * the one with most credit (first listed on a tie) takes the participant and pays the total. A host's
 * weight is its declared capacity; a host declaring nothing weighs as the mean of those that do (1
 * when none does). A full host is skipped. The order depends only on the weights, so participant i
 * lands where it did when there were fewer. Returns the host id per participant, undefined where
 * every host is full.
 */
export function placeParticipants(count: number, hosts: readonly WorkshopHost[], cost: ParticipantCost, cap?: number): (string | undefined)[] {
  const capacity = hosts.map((h) => declaredCapacity(h, cost, cap));
  const declared = hosts.flatMap((h, i) => (h.memoryGiB ?? h.cpus ?? h.diskGiB ? [Math.min(capacity[i]!, 1e6)] : []));
  const mean = declared.length > 0 ? Math.max(1, Math.round(declared.reduce((a, b) => a + b, 0) / declared.length)) : 1;
  const weight = hosts.map((h, i) => (h.memoryGiB ?? h.cpus ?? h.diskGiB ? capacity[i]! : mean));
  const credit = hosts.map(() => 0);
  const placed = hosts.map(() => 0);
  const out: (string | undefined)[] = [];
  for (let p = 0; p < count; p++) {
    const open = hosts.map((_, i) => i).filter((i) => placed[i]! < capacity[i]! && weight[i]! > 0);
    if (open.length === 0) {
      out.push(undefined);
      continue;
    }
    const total = open.reduce((sum, i) => sum + weight[i]!, 0);
    for (const i of open) credit[i]! += weight[i]!;
    const best = open.reduce((a, b) => (credit[b]! > credit[a]! ? b : a));
    credit[best]! -= total;
    placed[best]!++;
    out.push(hosts[best]!.id);
  }
  return out;
}
