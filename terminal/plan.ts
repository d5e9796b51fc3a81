/**
 * The participants' browser terminals as plain data: per participant one container on their own
 * node network (a fixed address at its end, clear of the nodes Docker numbers from its start),
 * published on their host at portBase + position, limited in CPU, memory and processes and run as
 * a user id of the participant's own, with the files it gets: their kubeconfig (their cluster only), their handout, their token, its egress rules.
 * The token itself is not here: it is drawn once and kept in the Pulumi state as a secret
 * (components/workshop/terminal.ts); a plan can be printed.
 */
import { identityLabels, type Label } from "../host/identity";
import { host, mustParseCidr, size } from "../ip/cidr";
import { egressRules } from "./egress";
import { TERMINAL_ENV } from "./env";
import { internalApiServer } from "./kubeconfig";
import type { TerminalSettings } from "./settings";

/** Where the terminal's files are inside its container (the home folder is the image's node user's, handed to the participant's uid at start). */
export const TERMINAL_PATHS = {
  home: "/home/node",
  kubeconfig: "/home/node/.kube/config",
  handout: "/home/node/handout.md",
  token: "/run/cnilab/token",
  egress: "/run/cnilab/egress.rules",
  assets: "/opt/cnilab/assets",
  /** The participant's context (context.ts): their workshop, backend, lab and its assertions. */
  context: "/run/cnilab/lab.json",
  /** The terminal's cnilab state ($CNILAB_STATE): hints shown, verify's saved report. */
  state: "/home/node/.cnilab",
  /** The terminal's read-only cnilab (cli/terminal-main.ts) with its data, laid out as TERMINAL_CLI_FILES. */
  cli: "/opt/cnilab/cli",
  /** A two-line sh wrapper: exec node on the bundle. */
  cnilab: "/usr/local/bin/cnilab",
} as const;

/**
 * The terminal cnilab's files, relative to its folder (TERMINAL_PATHS.cli in the image, the `cli/`
 * folder of the image's build context): the bundle finds its data beside itself.
 */
export const TERMINAL_CLI_FILES = {
  bundle: "cnilab.js",
  /** The probe program, bundled (probe/bundle.ts): a live check's Jobs run it; the image has no esbuild. */
  probe: "probe.js",
  labs: "labs",
  /** The exercises with their reference solution removed (terminal/image.ts). */
  exercises: "labs/exercises",
} as const;

/**
 * Participant i's terminal runs as user and group TERMINAL_UID_BASE + i. RLIMIT_NPROC counts the
 * processes of a real user id across the whole host (setrlimit(2); containers without a user
 * namespace share the host's ids), so one id for every terminal would make one budget for all of
 * them. The base sits above login users (useradd's UID_MAX 60000), systemd's dynamic users
 * (61184–65519) and the subordinate ids useradd hands out for rootless containers (SUB_UID_MIN
 * 100000 to SUB_UID_MAX 600100000 in Debian's /etc/login.defs, shadow's defaults).
 */
export const TERMINAL_UID_BASE = 700_000_000;

/** The server's port inside the container; the host publishes it at the participant's own port. */
export const TERMINAL_CONTAINER_PORT = 7681;

export const TERMINAL_LABELS = { workshop: "io.cnilab.workshop", participant: "io.cnilab.participant", role: "io.cnilab.role" } as const;

/** What the terminal plan needs of a participant (workshop/plan.ts has it all). */
export interface TerminalParticipant {
  name: string;
  /** Position in the workshop file: fixes the port, so adding a participant moves nobody. */
  index: number;
  clusterName: string;
  host: { id: string; address: string };
  /** Their cluster's own Docker network (the lab plan's). */
  network: { name: string; subnet: string; gateway: string };
}

export interface TerminalPlan {
  participant: string;
  host: string;
  containerName: string;
  /** The address before the token: the participant's link is `${address}${token}/`. */
  address: string;
  hostPort: number;
  network: { name: string; ipv4Address: string };
  /** Where their kubeconfig points from inside the network. */
  apiServer: string;
  clusterName: string;
  /** The participant's own user and group id in the container (TERMINAL_UID_BASE + index). */
  uid: number;
  limits: { cpus: number; memoryBytes: number; processes: number };
  idleMinutes: number;
  env: string[];
  /** iptables-restore text the entrypoint loads (egress.ts). */
  egress: string;
  labels: Label[];
}

export function terminalUrl(plan: Pick<TerminalPlan, "address">, token: string): string {
  return `${plan.address}${token}/`;
}

export function planTerminals(workshop: string, stack: string, participants: readonly TerminalParticipant[], settings: TerminalSettings): TerminalPlan[] {
  return participants.map((p) => {
    const subnet = mustParseCidr(p.network.subnet);
    const hostPort = settings.portBase + p.index;
    const uid = TERMINAL_UID_BASE + p.index;
    return {
      participant: p.name,
      host: p.host.id,
      containerName: `${p.clusterName}-terminal`,
      address: `http://${p.host.address}:${hostPort}/`,
      hostPort,
      // The last usable address: Docker hands the nodes addresses from the start of the subnet.
      network: { name: p.network.name, ipv4Address: host(subnet, size(subnet) - 2) },
      apiServer: internalApiServer(p.clusterName),
      clusterName: p.clusterName,
      uid,
      limits: { cpus: settings.cpus, memoryBytes: settings.memoryMiB * 1024 * 1024, processes: settings.processes },
      idleMinutes: settings.idleMinutes,
      env: [
        `HOME=${TERMINAL_PATHS.home}`,
        `KUBECONFIG=${TERMINAL_PATHS.kubeconfig}`,
        `${TERMINAL_ENV.tokenFile}=${TERMINAL_PATHS.token}`,
        `${TERMINAL_ENV.participant}=${p.name}`,
        `${TERMINAL_ENV.port}=${TERMINAL_CONTAINER_PORT}`,
        `${TERMINAL_ENV.idleMinutes}=${settings.idleMinutes}`,
        `${TERMINAL_ENV.shell}=bash --login`,
        `${TERMINAL_ENV.assets}=${TERMINAL_PATHS.assets}`,
        `${TERMINAL_ENV.egress}=${TERMINAL_PATHS.egress}`,
        `${TERMINAL_ENV.context}=${TERMINAL_PATHS.context}`,
        `CNILAB_STATE=${TERMINAL_PATHS.state}`,
        `${TERMINAL_ENV.uid}=${uid}`,
      ],
      egress: egressRules(p.network.subnet, p.network.gateway),
      labels: [
        ...identityLabels(stack),
        { label: TERMINAL_LABELS.workshop, value: workshop },
        { label: TERMINAL_LABELS.participant, value: p.name },
        { label: TERMINAL_LABELS.role, value: "terminal" },
      ],
    };
  });
}
