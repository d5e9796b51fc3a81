/**
 * The node cleanup: a POSIX sh script that removes exactly the given leftovers and nothing else, and
 * says line by line what it did. It runs in the node's own namespaces (cleanup-job.ts enters them
 * from a privileged Job; the tests run it in network namespaces they build), needing only sh, rm,
 * grep, sed, `ip` (iproute2) and, for chains, iptables — all in kind's node image.
 *
 * Each line it prints starts with one of CLEANUP_VERBS and a colon; a failure makes it exit 1 after
 * trying the rest.
 */
import { describeLeftover, type Leftover } from "./leftovers";

export const CLEANUP_VERBS = ["removed", "absent", "kept", "failed"] as const;
export type CleanupVerb = (typeof CLEANUP_VERBS)[number];

export interface CleanupOptions {
  /** The cluster's pod subnet: only routes inside it can be the old CNI's. */
  podSubnet: string;
  /** Prefix of every path ("" on a node; a test's scratch folder). @default "" */
  root?: string;
}

/** A word for sh, single-quoted: nothing inside is expanded. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function pathStep(l: Extract<Leftover, { kind: "path" }>, root: string): string {
  const p = shellWord(`${root}${l.path}`);
  const what = shellWord(`path ${l.path}`);
  return `if [ -e ${p} ] || [ -L ${p} ]; then rm -rf -- ${p} && say removed ${what} || say failed ${what}; else say absent ${what}; fi`;
}

/**
 * `ip -d link show` prints the link type on the line after the link: "vxlan id 1 …", "bridge
 * forward_delay …" (a bridge's port says "bridge_slave", which the trailing space keeps apart).
 */
function deviceStep(l: Extract<Leftover, { kind: "device" }>): string {
  const dev = shellWord(l.name);
  const what = shellWord(`${l.linkType} device ${l.name}`);
  return [
    `if ! ip link show dev ${dev} >/dev/null 2>&1; then say absent ${what}`,
    `elif ip -d link show dev ${dev} | grep -q ${shellWord(`^ *${l.linkType} `)}; then ip link delete dev ${dev} && say removed ${what} || say failed ${what}`,
    `else say kept ${shellWord(`device ${l.name}: not a ${l.linkType} device, so not the old CNI's`)}; fi`,
  ].join("\n");
}

/** Routes with a gateway, of protocol boot, inside the pod subnet: what a route added by netlink without a protocol is. */
function routesStep(podSubnet: string): string {
  const subnet = shellWord(podSubnet);
  return [
    `found=0`,
    `for r in $(ip -4 route show root ${subnet} proto boot type unicast | grep ' via ' | sed 's/ *$//; s/ /,/g'); do`,
    `  found=1; r=$(echo "$r" | tr , ' ')`,
    `  ip route del $r && say removed "route $r" || say failed "route $r"`,
    `done`,
    `[ "$found" = 1 ] || say absent ${shellWord(`routes to peer nodes' pod subnets inside ${podSubnet}`)}`,
  ].join("\n");
}

/** Every jump to the chain from `from` is deleted by its own spec (`-S` prints it; -A becomes -D), then the chain. */
function chainStep(l: Extract<Leftover, { kind: "chain" }>): string {
  const t = shellWord(l.table);
  const chain = shellWord(l.chain);
  const what = shellWord(`iptables -t ${l.table} chain ${l.chain}`);
  return [
    `if iptables -t ${t} -S ${chain} >/dev/null 2>&1; then`,
    `  iptables -t ${t} -S ${shellWord(l.from)} | grep -- ${shellWord(`-j ${l.chain}$`)} | sed 's/^-A /-D /' | while read -r rule; do eval "iptables -t ${l.table} $rule"; done`,
    `  iptables -t ${t} -F ${chain} && iptables -t ${t} -X ${chain} && say removed ${what} || say failed ${what}`,
    `else say absent ${what}; fi`,
  ].join("\n");
}

/** The script for these leftovers: paths first, then devices (taking their routes along), routes, chains. */
export function cleanupScript(leftovers: readonly Leftover[], options: CleanupOptions): string {
  const root = options.root ?? "";
  const order: Leftover["kind"][] = ["path", "device", "peer-routes", "chain"];
  const sorted = [...leftovers].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const steps = sorted.map((l) => {
    const comment = `# ${describeLeftover(l, options.podSubnet)}`;
    switch (l.kind) {
      case "path":
        return `${comment}\n${pathStep(l, root)}`;
      case "device":
        return `${comment}\n${deviceStep(l)}`;
      case "peer-routes":
        return `${comment}\n${routesStep(options.podSubnet)}`;
      case "chain":
        return `${comment}\n${chainStep(l)}`;
    }
  });
  return [
    `status=0`,
    `say() { echo "$1: $2"; [ "$1" != failed ] || status=1; }`,
    ...steps,
    `exit $status`,
    "",
  ].join("\n");
}

export interface CleanupLine {
  verb: CleanupVerb;
  what: string;
}

/** The lines of a cleanup's output it recognises; anything else (a tool's own error) is left out. */
export function parseCleanupOutput(text: string): CleanupLine[] {
  return text.split("\n").flatMap((line) => {
    const m = /^(removed|absent|kept|failed): (.+)$/.exec(line.trim());
    return m ? [{ verb: m[1] as CleanupVerb, what: m[2]! }] : [];
  });
}
