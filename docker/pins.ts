import { IMAGES } from "../pins";

/**
 * The images a Docker-only lab runs, taken from the project's pins so a workshop mirrors one list.
 * Both are multi-purpose stock images: nothing is built for the lab.
 */
export const DOCKER_LAB_IMAGES = {
  /** busybox 1.37.0: `httpd` serves the probe targets, `sleep` holds the lab-made parent's wire. */
  busybox: IMAGES.busybox,
  /** The assertion containers run the bundled probe on the Node image the cluster assertion Jobs use. */
  probe: IMAGES.node,
} as const;

/** `<lab>-image-busybox`: the image's role in DOCKER_LAB_IMAGES (its reference when it has none), as a resource name. */
export function imageResourceName(lab: string, ref: string): string {
  const role = Object.entries(DOCKER_LAB_IMAGES).find(([, pinned]) => pinned === ref)?.[0];
  return `${lab}-image-${role ?? ref}`;
}

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
