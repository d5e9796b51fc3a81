import { IMAGES, type ImageKey } from "./images";

/**
 * What the plans rely on in each pinned image, read from its Dockerfile or build rule upstream (cited
 * per row). test/plan/image-facts.test.ts walks every container of every plan against this table: a
 * command whose executable the image lacks, an image without a digest or without a row fails there.
 */

/** "index": a multi-platform index / manifest list (Docker or OCI); containerd 2.x pulls all of these. */
export type ManifestType = "index" | "docker-schema-2" | "oci-manifest";

/** A file upstream: repository, path, the tag (or commit) it was read at, and what it shows. */
export interface Source {
  repository: string;
  path: string;
  at: string;
  shows?: string;
}

export interface ImageFacts {
  ref: string;
  /** ENTRYPOINT; null when the image has none. */
  entrypoint: readonly string[] | null;
  /** CMD; null when the image has none. */
  cmd: readonly string[] | null;
  /** The shell and where it comes from; null: no shell at all (distroless, scratch). */
  shell: string | null;
  /**
   * The executables our commands (and the image's own entrypoint) call. An entry with a slash is that
   * path; a bare name is found on the image's PATH.
   */
  executables: readonly string[];
  /** The ports its default command serves (EXPOSE and the shipped config), when a lab relies on them. */
  listens?: readonly number[];
  /** The user the entrypoint runs as, unless the pod says otherwise. */
  user: string;
  manifest: ManifestType;
  /** Where the facts above were read. */
  build: readonly Source[];
  /** Where the digest comes from (none of them was re-resolved here: no registry is reachable). */
  digestFrom: string;
}

const k8s = (path: string, at: string, shows?: string): Source => ({ repository: "kubernetes/kubernetes", path, at, ...(shows ? { shows } : {}) });

export const IMAGE_FACTS: Readonly<Record<ImageKey, ImageFacts>> = {
  kindNode: {
    ref: IMAGES.kindNode,
    entrypoint: ["/usr/local/bin/entrypoint", "/sbin/init"],
    cmd: null,
    shell: "/bin/bash (Debian bookworm-slim base)",
    // kind runs it; our plans run no command in it. /opt/cni/bin holds pins/versions.ts KIND_NODE_CNI.
    executables: ["/usr/local/bin/entrypoint", "/sbin/init", "/bin/bash"],
    user: "root (systemd as PID 1)",
    manifest: "index",
    build: [{ repository: "kubernetes-sigs/kind", path: "images/base/Dockerfile", at: "v0.30.0" }],
    digestFrom: "kubernetes-sigs/kind pkg/apis/config/defaults/image.go at v0.30.0 (kind's default node image)",
  },
  cniPlugins: {
    ref: IMAGES.cniPlugins,
    entrypoint: ["./install-cnis.sh"],
    cmd: null,
    shell: "/bin/sh (BusyBox, from registry.suse.com/bci/bci-busybox)",
    // The plugins themselves are /opt/cni/bin/<plugin>; our init container copies them with cp.
    executables: ["./install-cnis.sh", "/bin/sh", "cp", "ls"],
    user: "root",
    manifest: "index",
    build: [{ repository: "rancher/image-build-cni-plugins", path: "Dockerfile", at: "02c9c27", shows: "final stage FROM bci-busybox, plugins in /opt/cni/bin; the same at b12dbb0" }],
    digestFrom: "a public DaemonSet that copies these plugins with /bin/sh -c cp (code index: 'hardened-cni-plugins:v1.9.1-build20260608'); an rke2-style image list pins 18b388c7… for the same tag, likely one platform's manifest",
  },
  pause: {
    ref: IMAGES.pause,
    entrypoint: ["/pause"],
    cmd: null,
    shell: null,
    executables: ["/pause"],
    user: "non-root (65535) since pause 3.5",
    manifest: "index",
    build: [
      k8s("build/pause/Dockerfile", "ea432df", "FROM ${BASE} (scratch on Linux), ENTRYPOINT /pause"),
      k8s("build/pause/CHANGELOG.md", "045bbb1", "3.5: runs as a non-root user by default (kubernetes#97963)"),
    ],
    digestFrom: "the same digest in ≥ 9 independent public manifests and scripts (code index: 'pause:3.10@sha256')",
  },
  busybox: {
    ref: IMAGES.busybox,
    entrypoint: null,
    cmd: ["sh"],
    shell: "/bin/sh (BusyBox ash)",
    // `busybox --install /bin` of a defconfig build: every applet is in /bin. `timeout` (the host
    // lab's clash container) is in defconfig: busybox coreutils/timeout.c `config TIMEOUT … default y`.
    executables: ["/bin/sh", "cp", "ip", "nslookup", "awk", "httpd", "sleep", "timeout"],
    user: "root",
    manifest: "index",
    build: [
      { repository: "docker-library/busybox", path: "latest/glibc/Dockerfile", at: "7e39d61", shows: "FROM scratch, CMD sh" },
      { repository: "docker-library/busybox", path: "latest/glibc/Dockerfile.builder", at: "0436ae6", shows: "make defconfig; busybox --install /bin" },
    ],
    digestFrom: "the same digest in ≥ 10 independent public Dockerfiles, manifests and scripts (code index: 'busybox:1.37.0@sha256:9db7b599')",
  },
  kubectl: {
    ref: IMAGES.kubectl,
    entrypoint: ["/bin/kubectl"],
    cmd: null,
    // Distroless: the base is go-runner on gcr.io/distroless/static. NatLabRockies/openstudio-server-helm#97
    // saw exactly this ("stat /bin/sh: no such file") with registry.k8s.io/kubectl:v1.34.9. A later
    // revision of the Dockerfile (109cf68) moves to debian-base with bash, jq and coreutils: re-read it
    // before moving to a newer tag.
    shell: null,
    executables: ["/bin/kubectl"],
    user: "root (distroless static's default)",
    manifest: "index",
    build: [
      k8s("build/server-image/kubectl/Dockerfile", "3c076e4", "FROM ${BASEIMAGE}, COPY kubectl /bin/, ENTRYPOINT /bin/kubectl"),
      k8s("build/common.sh", "0052cca", "KUBECTL_BASE_IMAGE: statically linked kubectl gets the distroless static base (go-runner before)"),
      { repository: "kubernetes/release", path: "images/build/go-runner/Dockerfile", at: "0913ee7", shows: "FROM ${DISTROLESS_IMAGE}, ENTRYPOINT /go-runner" },
    ],
    digestFrom: "the same digest in 4 independent public Dockerfiles (FROM …kubectl:v1.34.1@sha256:59bafa07… AS kubectl; COPY --from=kubectl /bin/kubectl)",
  },
  agnhost: {
    ref: IMAGES.agnhost,
    entrypoint: ["/agnhost"],
    cmd: ["pause"],
    shell: "/bin/sh (Alpine BusyBox ash), bash",
    executables: ["/agnhost", "/bin/sh", "bash"],
    user: "root",
    manifest: "index",
    build: [
      k8s("test/images/agnhost/Dockerfile", "05c351a", "ENTRYPOINT /agnhost, CMD pause"),
      k8s("test/images/agnhost/BASEIMAGE", "00238ed", "alpine:3.21"),
    ],
    digestFrom: "kubernetes-sigs/kueue's e2e script and ≥ 9 other public files (code index: 'agnhost:2.53@sha256:99c6b4bb')",
  },
  nginx: {
    ref: IMAGES.nginx,
    entrypoint: ["/docker-entrypoint.sh"],
    cmd: ["nginx", "-g", "daemon off;"],
    shell: "/bin/sh (Debian dash)",
    // EXPOSE 80 and the default server listen on 80; the master runs as root, workers as nginx.
    executables: ["/docker-entrypoint.sh", "/bin/sh", "nginx"],
    listens: [80],
    user: "root",
    manifest: "index",
    build: [{ repository: "nginx/docker-nginx", path: "stable/debian/Dockerfile", at: "120635b", shows: "1.28 line" }],
    digestFrom: "kreuzwerker/terraform-provider-docker's registry_image docs example, repeated by the Pulumi and CDKTF Docker providers, and a public Dockerfile",
  },
  guestbookFrontend: {
    ref: IMAGES.guestbookFrontend,
    entrypoint: ["docker-php-entrypoint"],
    cmd: ["apache2-foreground"],
    // php:5-apache: Apache with mod_php on port 80 (EXPOSE 80), DocumentRoot /var/www/html holding
    // index.html, controllers.js and guestbook.php; workers run as www-data.
    shell: "/bin/sh (Debian dash), bash",
    executables: ["docker-php-entrypoint", "apache2-foreground", "/bin/sh"],
    listens: [80],
    user: "root",
    manifest: "docker-schema-2",
    build: [
      { repository: "kubernetes/examples", path: "guestbook/php-redis/Dockerfile", at: "63a09b6", shows: "FROM php:5-apache" },
      { repository: "kubernetes/examples", path: "guestbook/php-redis/Makefile", at: "cf992dd", shows: "v6: docker manifest create/push, a Docker manifest list" },
    ],
    digestFrom: "≥ 10 public lab tasks and manifests pin gcr.io/google-samples/gb-frontend@sha256:a908df84…, without the tag",
  },
  node: {
    ref: IMAGES.node,
    entrypoint: ["docker-entrypoint.sh"],
    cmd: ["node"],
    shell: "/bin/sh (Alpine BusyBox ash)",
    // nsenter: Alpine builds BusyBox with CONFIG_NSENTER=y (alpinelinux/aports main/busybox/busyboxconfig);
    // `cnilab migrate`'s node cleanup Job enters the node's mount namespace with it.
    executables: ["docker-entrypoint.sh", "/bin/sh", "node", "nsenter"],
    user: "root (the image's node user is not the default)",
    manifest: "index",
    build: [
      { repository: "nodejs/docker-node", path: "24/alpine3.23/Dockerfile", at: "0001669", shows: "ENTRYPOINT docker-entrypoint.sh, CMD node" },
      { repository: "alpinelinux/aports", path: "main/busybox/busyboxconfig", at: "f246c37", shows: "CONFIG_NSENTER=y (BusyBox 1.29; not re-read at Alpine 3.23)" },
    ],
    digestFrom: "the same digest in ≥ 10 independent public Dockerfiles (code index: 'node:24.21.0-alpine@sha256:ebfe2f90')",
  },
  networkPerf: {
    ref: IMAGES.networkPerf,
    entrypoint: null,
    cmd: ["/bin/bash"],
    // UBI 8's CMD and shell (bash as /bin/sh); iperf3 and netperf built with `make install` into /usr/local/bin.
    shell: "/bin/sh (bash, Red Hat UBI 8 base)",
    executables: ["/bin/sh", "/bin/bash", "iperf3"],
    user: "root",
    manifest: "index",
    build: [{ repository: "cilium/image-tools", path: "images/network-perf/Dockerfile", at: "f392056", shows: "FROM ubi8, make install" }],
    digestFrom: "cilium/cilium-cli defaults.go ConnectivityPerformanceImage (renovate-pinned), and one more public file",
  },
  registry: {
    ref: IMAGES.registry,
    entrypoint: ["/entrypoint.sh"],
    cmd: ["/etc/distribution/config.yml"],
    // entrypoint.sh turns a *.yml argument into `registry serve <file>`; the config's storage and
    // listen address are overridden by REGISTRY_* variables (workshop/cache/plan.ts).
    shell: "/bin/sh (Alpine BusyBox ash, alpine:3.21 base)",
    executables: ["/entrypoint.sh", "/bin/sh", "registry"],
    listens: [5000],
    user: "root",
    manifest: "index",
    build: [
      { repository: "distribution/distribution-library-image", path: "Dockerfile", at: "d17db1c", shows: "FROM alpine:3.21, registry 3.0.0 into /bin, VOLUME /var/lib/registry, EXPOSE 5000" },
      { repository: "distribution/distribution-library-image", path: "config-example.yml", at: "d17db1c", shows: "filesystem rootdirectory /var/lib/registry, http :5000, debug :5001" },
    ],
    digestFrom: "the same digest in ≥ 5 independent public scripts and manifests, one citing hub.docker.com's library/registry tag 3.0.0 (code index: 'library/registry:3.0.0@sha256:6c5666b8')",
  },
};
