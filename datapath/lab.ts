/**
 * Bringing a lab up and down. `up` checks the kernel first (a missing feature is "not available
 * here", not a failure), clears any leftover of the same lab, then runs the plan; a failure midway
 * tears down what was made. `down` works from namespace names alone, so it also cleans up after a
 * crash: deleting a namespace removes its devices, routes and iptables rules with it.
 */
import { BACKEND_FACTS } from "../backends";
import type { Backend } from "../backends/types";
import type { KernelFeature } from "../host/kernel";
import { forwarderUnavailable, startDaemons } from "./daemons";
import { mustRun, run, runSteps } from "./exec";
import { detectKernelFeatures, missingFeatures } from "./kernel";
import { planDatapathLab } from "./plan";
import type { DatapathLabPlan } from "./plan";
import { removeLabState, writeLabState } from "./state";
import { NETNS_PREFIX, labNamespaces, labPrefix } from "./topology";
import type { LabOptions } from "./topology";

export type UpResult =
  | { status: "up"; plan: DatapathLabPlan }
  | { status: "not-available"; missing: KernelFeature[]; reasons: string[] };

export async function labUp(backend: Backend, options: LabOptions, stateDir: string): Promise<UpResult> {
  const facts = BACKEND_FACTS[backend];
  const check = detectKernelFeatures();
  const missing = missingFeatures(facts, check);
  if (missing.length > 0) {
    return { status: "not-available", missing, reasons: missing.map((f) => `${f}: ${check[f].evidence}`) };
  }
  const plan = planDatapathLab(facts, options);
  const noForwarder = plan.daemons.length > 0 ? forwarderUnavailable() : undefined;
  if (noForwarder !== undefined) return { status: "not-available", missing: [], reasons: [noForwarder] };
  await labDown(backend, stateDir);
  const state = { backend, options, createdAt: new Date().toISOString(), namespaces: labNamespaces(plan.topology), complete: false };
  writeLabState(stateDir, state);
  try {
    await runSteps(plan.steps);
    await startDaemons(plan.daemons, stateDir);
  } catch (err) {
    await labDown(backend, stateDir);
    throw err;
  }
  writeLabState(stateDir, { ...state, complete: true });
  return { status: "up", plan };
}

/** Namespaces whose names start with the lab's prefix (or every cnilab-dp- one without a backend). */
export async function listLabNamespaces(backend?: Backend): Promise<string[]> {
  const prefix = backend === undefined ? NETNS_PREFIX : labPrefix(backend);
  const out = await mustRun(null, ["ip", "netns", "list"]);
  // Lines read "name" or "name (id: 3)".
  return out
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter((name) => name.startsWith(prefix));
}

/** Removes the lab's namespaces (all cnilab-dp- ones without a backend); returns the names removed. */
export async function labDown(backend: Backend | undefined, stateDir: string): Promise<string[]> {
  const namespaces = await listLabNamespaces(backend);
  // Deepest first (pods, then nodes, then the switch) so no process briefly loses its uplink's parent.
  namespaces.sort((a, b) => b.length - a.length);
  for (const ns of namespaces) {
    // Only processes we started live in our namespaces (listeners, iperf3/sockperf servers, forwarders).
    const pids = await run(["ip", "netns", "pids", ns]);
    for (const pid of pids.stdout.split(/\s+/).filter((p) => /^\d+$/.test(p))) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
    const del = await run(["ip", "netns", "del", ns]);
    // Gone since it was listed (another `down` of the same lab at the same moment): what down wants.
    if (del.code !== 0 && !/No such file or directory/.test(del.stderr)) throw new Error(`ip netns del ${ns} failed: ${del.stderr.trim()}`);
  }
  const backends = backend === undefined ? (Object.keys(BACKEND_FACTS) as Backend[]) : [backend];
  for (const b of backends) removeLabState(stateDir, b);
  return namespaces;
}
