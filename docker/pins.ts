/** Where the assertion containers find the probe and its plan (uploaded before the container starts). */
export const PROBE_FILES = { bundle: "/probe/probe.js", plan: "/probe/plan.json" } as const;

/**
 * One probe attempt's bound: ARP gives up after about 3 s (3 solicitations 1 s apart), and a path
 * that fails by ARP must show as no-route, not be cut short as a timeout.
 */
export const PROBE_TIMEOUT_MS = 5_000;
/** A second try covers a server that is still starting; what is blocked stays blocked. */
export const PROBE_ATTEMPTS = 2;
export const PROBE_RETRY_DELAY_MS = 1_000;
