import type { Source } from "./image-facts";

/**
 * What the participants' terminal image (terminal/image.ts) must put on PATH, and which piece of
 * its build does: the pinned Node image as it is, the pinned kubectl image (one file copied), or
 * an Alpine package the build adds from the Node image's own release branch (Alpine 3.23). Read
 * upstream, cited per row. terminalDockerfile() derives its package list from here
 * (test/terminal/image.test.ts holds it to this table) and the container test checks its stand-in
 * images carry exactly these executables (test/terminal/stand-in.ts).
 *
 * The aports rows were read at the newest version the code index stores; the index does not say
 * which branch a commit is on, so "at Alpine 3.23" is the packages' state as of those commits.
 */
export type TerminalExecutable = "node" | "stty" | "kubectl" | "bash" | "script" | "iptables-restore";

export type TerminalExecutableFrom =
  /** In the pinned Node image as it is. */
  | { readonly image: "node" }
  /** Copied from the pinned kubectl image to `path`. */
  | { readonly image: "kubectl"; readonly path: string }
  /** Added by `apk add` of this package at build time. */
  | { readonly apk: string };

export interface TerminalExecutableFacts {
  readonly from: TerminalExecutableFrom;
  /** Who runs it, and for what. */
  readonly runBy: string;
  readonly build: readonly Source[];
}

/** Where the build puts kubectl (on the Node image's PATH). */
export const TERMINAL_KUBECTL_PATH = "/usr/local/bin/kubectl";

const aports = (path: string, at: string, shows: string): Source => ({ repository: "alpinelinux/aports", path, at, shows });

export const TERMINAL_EXECUTABLES: Readonly<Record<TerminalExecutable, TerminalExecutableFacts>> = {
  node: {
    from: { image: "node" },
    runBy: "the entrypoint: node terminal-server.js",
    build: [{ repository: "nodejs/docker-node", path: "24/alpine3.23/Dockerfile", at: "0001669", shows: "node on PATH; user node uid/gid 1000" }],
  },
  stty: {
    from: { image: "node" },
    runBy: "terminal/server/session.ts on every resize: stty -F <pty> cols N rows M",
    build: [
      aports("main/busybox/busyboxconfig", "f246c37", "CONFIG_STTY=y: BusyBox's stty applet is in the base image"),
      { repository: "mirror/busybox", path: "coreutils/stty.c", at: "043b1e5", shows: "-F <device>; the rows, cols and columns settings" },
    ],
  },
  kubectl: {
    from: { image: "kubectl", path: TERMINAL_KUBECTL_PATH },
    runBy: "the participant, with their kubeconfig",
    build: [{ repository: "kubernetes/kubernetes", path: "build/server-image/kubectl/Dockerfile", at: "3c076e4", shows: "COPY kubectl /bin/ (pins/image-facts.ts kubectl row)" }],
  },
  bash: {
    from: { apk: "bash" },
    runBy: "the participant's login shell (bash --login, terminal/plan.ts)",
    build: [aports("main/bash/APKBUILD", "7749273", "configure --bindir=/bin: /bin/bash")],
  },
  script: {
    from: { apk: "util-linux-misc" },
    runBy: "terminal/server/session.ts: the pty the shell runs on",
    build: [
      aports("main/util-linux/APKBUILD", "96f0543", "2.41.6-r1: misc() takes usr/bin, script among it, into util-linux-misc; util-linux itself pulls it in only by install_if"),
      aports("main/busybox/busyboxconfig", "f246c37", "# CONFIG_SCRIPT is not set: BusyBox has no script"),
    ],
  },
  "iptables-restore": {
    from: { apk: "iptables" },
    runBy: "terminal/server/privileges.ts, as root before dropping it: loads the egress rules",
    build: [
      aports("main/iptables/APKBUILD", "28277d5", "1.8.11-r1: ln -sfv xtables-nft-multi usr/sbin/iptables-restore; the legacy binaries are the iptables-legacy subpackage"),
      aports("main/iptables/iptables.post-upgrade", "63ccde4", "since 1.8.9-r4 the iptables commands are xtables-nft-multi: the nf_tables backend"),
    ],
  },
};

/**
 * The backend Alpine's iptables-restore drives (rows above): nf_tables, programmed over netlink,
 * which needs CAP_NET_ADMIN and no raw socket. iptables-legacy (libiptc) opens
 * socket(AF_INET, SOCK_RAW, IPPROTO_RAW) first (aosp-mirror/platform_external_iptables
 * libiptc/libiptc.c, TC_INIT, at 22ef371), which is what would need CAP_NET_RAW (capabilities(7)).
 */
export const TERMINAL_IPTABLES_BACKEND = "nf_tables" as const;

/** The Alpine packages the build adds, in table order, each once. */
export function terminalApkPackages(): string[] {
  const packages = Object.values(TERMINAL_EXECUTABLES).flatMap((e) => ("apk" in e.from ? [e.from.apk] : []));
  return [...new Set(packages)];
}
