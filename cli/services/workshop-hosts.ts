/**
 * What each workshop host has, for `workshop plan`: `docker info` of the host (CPUs, memory; over
 * ssh for a remote one), and on this machine the memory available now, the free disk under Docker's
 * data root and the inotify limits. A figure the workshop file declares for a host replaces the
 * measured one (it is what the workshop may use there).
 */
import { hostPath, readHostFile, readHostNumber } from "../../host/machine";
import type { Host } from "../../host/host";
import { statfsUp } from "../../host/resources";
import type { HostResources } from "../../workshop/capacity";
import type { WorkshopHost } from "../../workshop/load";
import { hostDocker } from "../claims";

const GIB = 2 ** 30;

export interface MeasuredHost {
  resources: HostResources;
  /** What could not be read, and where a figure came from when it matters. */
  notes: string[];
}

interface DockerInfo {
  NCPU?: number;
  MemTotal?: number;
  DockerRootDir?: string;
}

export async function measureHost(host: Host, h: WorkshopHost): Promise<MeasuredHost> {
  const notes: string[] = [];
  const result = await hostDocker(host, h.dockerHost)(["info", "--format", "{{json .}}"]);
  let info: DockerInfo = {};
  try {
    info = result.code === 0 ? (JSON.parse(result.stdout) as DockerInfo) : {};
  } catch {
    // Said below.
  }
  if (result.code !== 0 || info.NCPU === undefined) notes.push(`${h.id}: \`docker info\` did not answer (${(result.stderr || result.stdout).trim().split("\n")[0] ?? ""}); declare memoryGiB, cpus and diskGiB for it`);
  const measured: HostResources = {
    ...(info.NCPU ? { cpus: info.NCPU } : {}),
    ...(info.MemTotal ? { memoryGiB: info.MemTotal / GIB } : {}),
  };
  if (!h.dockerHost) {
    const kb = /^MemAvailable:\s+(\d+) kB/m.exec(readHostFile(host, "/proc/meminfo") ?? "")?.[1];
    // What is free now, not what is installed: the instructor's own programs stay.
    if (kb) measured.memoryGiB = (Number(kb) * 1024) / GIB;
    const disk = await statfsUp(host, hostPath(host, info.DockerRootDir ?? "/var/lib/docker"));
    if (disk) measured.diskGiB = disk.freeBytes / GIB;
    const instances = readHostNumber(host, "/proc/sys/fs/inotify/max_user_instances");
    const watches = readHostNumber(host, "/proc/sys/fs/inotify/max_user_watches");
    if (instances !== undefined && watches !== undefined) measured.inotify = { instances, watches };
  } else if (h.diskGiB === undefined) {
    notes.push(`${h.id}: free disk is not readable through Docker; declare diskGiB for it`);
  }
  return {
    resources: {
      ...measured,
      ...(h.memoryGiB !== undefined ? { memoryGiB: h.memoryGiB } : {}),
      ...(h.cpus !== undefined ? { cpus: h.cpus } : {}),
      ...(h.diskGiB !== undefined ? { diskGiB: h.diskGiB } : {}),
    },
    notes,
  };
}
