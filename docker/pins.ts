/** Where the assertion containers find the probe and its plan (uploaded before the container starts). */
export const PROBE_FILES = { bundle: "/probe/probe.js", plan: "/probe/plan.json" } as const;

