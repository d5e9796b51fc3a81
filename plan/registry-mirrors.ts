/**
 * `cnilab:registryMirrors`: registry host → endpoint URL(s) kind's nodes pull that registry's images
 * from (a plain-HTTP registry on the host, a private mirror). Rendered as containerd's registry host
 * configuration, which is how kind's nodes take it:
 * - containerd reads `<config_path>/<host>/hosts.toml` only when the CRI registry `config_path` is set
 *   (containerd internal/cri/server/images/image_pull.go registryHosts, v2.1.4 — the containerd of kind
 *   v0.30.0's node image, images/base/Dockerfile CONTAINERD_VERSION); kind v0.30.0's node config
 *   (images/base/files/etc/containerd/config.toml) sets none, so a containerdConfigPatches entry sets
 *   it, the version-2 key kind's own local-registry guide uses (site/static/examples/
 *   kind-with-registry.sh at v0.30.0); containerd 2.x migrates that key to its images plugin
 *   (plugins/cri/images/plugin.go configMigration, v2.1.4) and containerd 1.6 reads it as written.
 * - hosts.toml: one `[host."<url>"]` table per endpoint, tried in order, then the registry itself; an
 *   http:// URL is pulled over plain HTTP; a host with a port is its own directory `<host>:<port>`
 *   (containerd docs/hosts.md, v2.1.4).
 * - the files reach every node by `docker exec` once kind has made it (components/cluster/provider.ts),
 *   as kind's own guide writes them (kind-with-registry.sh at v0.30.0, step 3): unlike an extraMounts
 *   of a directory of this machine, that works when the nodes run on a remote Docker host (a workshop
 *   host), and containerd reads the files on every pull, "Updates under this directory do not require
 *   restarting the containerd daemon" (containerd docs/hosts.md, v2.1.4). Nothing is pulled through a
 *   mirror before then: kind's control plane runs from images the node image carries.
 */
import { mirrorEndpoints, type RegistryMirrors } from "../labs/stack-maps";

/** Where containerd looks for hosts.toml once config_path points there. */
export const CERTS_DIR = "/etc/containerd/certs.d";
export const CONFIG_PATH_PATCH = `[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${CERTS_DIR}"\n`;

/** One hosts.toml for one registry host: its directory name under certs.d and the file's text. */
export interface RegistryHostsFile {
  host: string;
  toml: string;
}

/**
 * One endpoint a registry is pulled through, handed to the plan by its caller rather than the stack
 * file: a workshop host's pull-through cache (workshop/cache). Tried before the stack's own mirrors.
 */
export interface RegistryMirror {
  /** The registry host as image references name it (docker.io, registry.k8s.io, …). */
  upstream: string;
  /** `http://<address>:<port>` of the mirror. */
  endpoint: string;
}

/** TOML basic string: the URLs are validated, so only quotes and backslashes need escaping. */
const tomlString = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export function hostsToml(host: string, urls: readonly string[]): string {
  const lines = [`# cnilab: pull ${host === "_default" ? "every registry" : host} from these endpoints in order, then from the registry itself.`];
  for (const url of urls) lines.push("", `[host.${tomlString(url)}]`, `  capabilities = ["pull", "resolve"]`);
  return `${lines.join("\n")}\n`;
}

/**
 * The hosts.toml of every registry host with a mirror: the caller's (`first`, a workshop host's
 * cache) before the stack's own. None: the kind config stays as without mirrors.
 */
export function planRegistryMirrors(mirrors: RegistryMirrors, first: readonly RegistryMirror[] = []): RegistryHostsFile[] {
  const hosts = [...new Set([...first.map((m) => m.upstream), ...Object.keys(mirrors)])].sort();
  const endpoints = (host: string) => [...first.filter((m) => m.upstream === host).map((m) => m.endpoint), ...(mirrors[host] ? mirrorEndpoints(mirrors[host]) : [])];
  return hosts.map((host) => ({ host, toml: hostsToml(host, endpoints(host)) }));
}
