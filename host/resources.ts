/**
 * Host resources a multi-node kind cluster uses up: inotify instances and watches (kubelet,
 * systemd and containerd in every node container), memory and disk.
 */
import { dirname } from "node:path";
import type { BackendFamily } from "../backends";
import { hostPath, hostPathExists, readHostFile, readHostNumber } from "./machine";
import { fail, gib, pass, warn, type Check } from "./check";
import { hostOs, type DiskSpace, type Host } from "./host";

/**
 * kind's known-issues page: distribution defaults (8192 watches, 128 instances) are "not enough to
 * create a cluster with many nodes" and fail with "too many open files"; it recommends these.
 */
export const INOTIFY_MIN = { max_user_watches: 524_288, max_user_instances: 512 } as const;

/**
 * Steady-state memory per node container (research/workshops.md §3.2, from component figures;
 * validate with `docker stats`): control plane ≈ 1 GB (apiserver, etcd, controllers, kubelet,
 * CoreDNS, containerd), worker ≈ 0.4 GB, plus the CNI agent on every node and the lab's pods.
 */
const CONTROL_PLANE_GIB = 1.0;
const WORKER_GIB = 0.4;
const CNI_AGENT_GIB: Readonly<Record<BackendFamily, number>> = {
  // kindnetd and flannel: ~0.03–0.14 GB per node.
  kindnet: 0.1,
  flannel: 0.1,
  // calico-node (felix, bird, confd) and its operator: ~0.3 GB per node.
  calico: 0.3,
  // calico-node (felix alone: no bird, no confd) plus flanneld, no operator: counted as calico's.
  canal: 0.3,
  // No agent: the prerequisites DaemonSet's pod is a pause container once its init containers ran.
  multiplex: 0,
};
const WORKLOADS_GIB = 0.2;
/** Headroom below which memory is "tight": image pulls and CNI start-up peak above steady state. */
const MEMORY_HEADROOM = 1.5;

/**
 * Disk: the node image is ~1 GB unpacked (provisioning.md §1.7); every node's containerd keeps its
 * own copy of the CNI and lab images (estimate 0.5 GB per node; `docker system df` shows the real figure).
 */
const NODE_IMAGE_GIB = 1.0;
const IMAGES_PER_NODE_GIB = 0.5;
/** kubelet's default hard eviction threshold imagefs.available<15%: below it, nodes evict pods and images. */
const EVICTION_FREE_FRACTION = 0.15;

const GIB = 2 ** 30;

/**
 * CPU per node container, as requests (a node sees every host CPU; these say what the pods ask the
 * scheduler for, not what they burn idle): kind's control-plane system pods request 950m
 * (giantswarm/agentlab#85, research/workshops.md §3.1), every node's kindnet 100m (kind's CNI
 * manifest, same table); the CNI agents here ask no more than kindnet.
 */
const CONTROL_PLANE_CPU = 0.95;
const NODE_AGENT_CPU = 0.1;

/** The lab the resource checks size for: node count and the CNI families that may run. */
export interface LabShape {
  workers: number;
  families: readonly BackendFamily[];
}

export function checkInotify(host: Host): Check {
  const values = Object.entries(INOTIFY_MIN).map(([key, min]) => ({ key, min, value: readHostNumber(host, `/proc/sys/fs/inotify/${key}`) }));
  const want = `want ≥ ${INOTIFY_MIN.max_user_watches} and ≥ ${INOTIFY_MIN.max_user_instances}`;
  if (hostOs(host).platform === "darwin") {
    // The kind nodes run in Docker's Linux VM: its kernel's limits are the ones that count.
    return warn(
      "inotify",
      "macOS: the inotify limits that count are those of Docker's Linux VM, not readable from here",
      `check them: docker run --rm busybox sysctl fs.inotify (${want}); colima: colima ssh -- sudo sysctl -w fs.inotify.max_user_watches=${INOTIFY_MIN.max_user_watches} fs.inotify.max_user_instances=${INOTIFY_MIN.max_user_instances}`,
    );
  }
  if (values.some((v) => v.value === undefined)) {
    return warn("inotify", "cannot read /proc/sys/fs/inotify/max_user_watches and max_user_instances", `check them with: sysctl fs.inotify (${want})`);
  }
  const shown = values.map((v) => `${v.key} = ${v.value}`).join(", ");
  const low = values.filter((v) => v.value! < v.min);
  if (low.length === 0) return pass("inotify", shown);
  const settings = values.map((v) => `fs.inotify.${v.key}=${Math.max(v.min, v.value!)}`).join(" ");
  return warn(
    "inotify",
    `${shown}: below ${low.map((v) => `${v.min}`).join(" / ")}; multi-node kind clusters fail with "too many open files"`,
    `sudo sysctl -w ${settings} (persist in /etc/sysctl.d/99-cnilab.conf)`,
  );
}

/** The family whose agent weighs most: what a lab of any of them must have room for. */
function heaviest(families: readonly BackendFamily[]): BackendFamily {
  return families.reduce((a, b) => (CNI_AGENT_GIB[b] > CNI_AGENT_GIB[a] ? b : a));
}

export function memoryEstimateGib(shape: LabShape): number {
  const agent = CNI_AGENT_GIB[heaviest(shape.families)];
  return CONTROL_PLANE_GIB + shape.workers * WORKER_GIB + (shape.workers + 1) * agent + WORKLOADS_GIB;
}

/** The node image once per Docker host, then every node's own copy of the CNI and lab images, for `clusters` clusters of this shape. */
export function diskEstimateGib(shape: Pick<LabShape, "workers">, clusters = 1): number {
  return NODE_IMAGE_GIB + clusters * (shape.workers + 1) * IMAGES_PER_NODE_GIB;
}

/** What one cluster's nodes request, in CPUs. */
export function cpuEstimate(shape: Pick<LabShape, "workers">): number {
  return CONTROL_PLANE_CPU + (shape.workers + 1) * NODE_AGENT_CPU;
}

export function checkMemory(host: Host, shape: LabShape): Check {
  const meminfo = readHostFile(host, "/proc/meminfo");
  const kb = meminfo ? /^MemAvailable:\s+(\d+) kB/m.exec(meminfo)?.[1] : undefined;
  if (kb === undefined) return warn("memory", "cannot read MemAvailable from /proc/meminfo", "check free memory with: free -h");
  const available = Number(kb) * 1024;
  const need = memoryEstimateGib(shape) * GIB;
  const lab = `1 control plane + ${shape.workers} workers with ${heaviest(shape.families)}`;
  const msg = `${gib(available)} available; ${lab} needs about ${gib(need)}`;
  const fix = "free memory (`kind get clusters` and delete labs you are not using) or lower cnilab:workers";
  if (available < need) return fail("memory", msg, fix);
  if (available < need * MEMORY_HEADROOM) return warn("memory", `${msg}: tight, image pulls and start-up need more`, fix);
  return pass("memory", msg);
}

/**
 * Free space where Docker keeps images and the nodes' /var: Docker's data root, else
 * /var/lib/docker, else the working directory. A directory we may not stat (Docker's data root is
 * root-only) is measured through its nearest readable parent, normally the same filesystem.
 */
export async function checkDisk(host: Host, shape: LabShape, dockerRootDir: string | undefined): Promise<Check> {
  const target = dockerRootDir ?? (hostPathExists(host, "/var/lib/docker") ? "/var/lib/docker" : undefined);
  const measured = target ? await statfsUp(host, hostPath(host, target)) : await statfsUp(host, host.cwd);
  const shown = target ?? host.cwd;
  if (!measured) return warn("disk", `cannot measure free space at ${shown}`, "check with: df -h /var/lib/docker");
  const space = measured;
  const need = diskEstimateGib(shape) * GIB;
  const msg = `${gib(space.freeBytes)} free on the filesystem of ${shown}; the node image and ${shape.workers + 1} nodes' images need about ${gib(need)}`;
  const fix = "free space: `docker system prune` removes stopped containers and unused images";
  if (space.freeBytes < need) return fail("disk", msg, fix);
  if ((space.freeBytes - need) / space.totalBytes < EVICTION_FREE_FRACTION) {
    return warn("disk", `${msg}; afterwards less than 15% would be free, where kubelet starts evicting pods`, fix);
  }
  return pass("disk", msg);
}

/** Free space at `start`, measured through its nearest readable parent when it cannot be stat'ed itself. */
export async function statfsUp(host: Host, start: string): Promise<DiskSpace | undefined> {
  let dir = start;
  for (;;) {
    try {
      return await host.statfs(dir);
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  }
}
