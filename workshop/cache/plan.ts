/**
 * A workshop host's registry cache as data: one distribution registry per upstream in proxy mode,
 * on the host's network, and the mirrors the host's participant clusters pull through.
 *
 * Why the host's network rather than a published port or a lab network: a kind node on any lab
 * network reaches an address of its host as INPUT traffic, which Docker's isolation between bridge
 * networks (FORWARD) never sees; the cache stays independent of the participants (adding one changes
 * no cache container), and the same holds on a remote Docker host. The local harness runs its
 * registry the same way (local/registry.sh).
 */
import { identityLabels, type Label } from "../../host/identity";
import { IMAGES } from "../../pins";
import { parseImageRef, splitDomain } from "../../pins/image-ref";
import { CACHE_UPSTREAMS, UPSTREAM_NAMES, type CacheContainer, type CacheHost, type CacheMode, type CacheUpstream, type RegistryCachePlan } from "./types";

/** The first of the caches' host ports, unless the host gives one: clear of kind's guide's 5000/5001. */
export const DEFAULT_CACHE_PORT_BASE = 5101;

/**
 * The registry image's storage: its Dockerfile declares `VOLUME ["/var/lib/registry"]` and its config
 * keeps the filesystem driver's rootdirectory there (distribution/distribution-library-image
 * Dockerfile and config-example.yml at d17db1c, "Update to v3.0.0").
 */
export const CACHE_STORAGE_DIR = "/var/lib/registry";

export const CACHE_LABELS = {
  workshop: "io.cnilab.workshop",
  host: "io.cnilab.workshop-host",
  upstream: "io.cnilab.cache-upstream",
} as const;

/** The Pulumi stack of a workshop (stacks/Pulumi.workshop-<name>.yaml): whose identity the caches carry. */
export const workshopStackName = (workshop: string): string => `workshop-${workshop}`;

/** `registry.k8s.io` → `registry-k8s-io`: an upstream as a name part. */
const slug = (upstream: CacheUpstream): string => upstream.replace(/\./g, "-");

/**
 * The settings each cache runs with. distribution overrides any config field from
 * `REGISTRY_<PATH>` (docs/content/about/configuration.md, v3.0.0); the value is parsed as YAML, so an
 * empty one sets the field empty (configuration/parser.go overwriteStruct, v3.0.0).
 * - PROXY_REMOTEURL: proxy mode, one upstream each (docs/content/recipes/mirror.md, v3.0.0); none
 *   in offline mode (types.ts CacheMode);
 * - HTTP_ADDR: all addresses of the host, on this cache's port: participants' nodes come in on the
 *   host's address, the host's own Docker (pulling the kind node image) on 127.0.0.1, which Docker
 *   speaks plain HTTP to without configuration (its insecure-registries default is 127.0.0.0/8);
 * - HTTP_DEBUG_ADDR empty: the image's config serves debug and metrics on :5001
 *   (config-example.yml, d17db1c), which the caches on one network would fight over, and registry.go
 *   starts that server only when the address is set (registry/registry.go, v3.0.0);
 * - PROXY_TTL 0: a workshop's images stay for the whole event ("set to 0 to disable cache
 *   expiration"; 2.8 has no such field and ignores the variable).
 */
function cacheEnv(upstream: CacheUpstream, port: number, mode: CacheMode): string[] {
  return [
    ...(mode === "proxy" ? [`REGISTRY_PROXY_REMOTEURL=${CACHE_UPSTREAMS[upstream]}`, `REGISTRY_PROXY_TTL=0`] : []),
    `REGISTRY_HTTP_ADDR=0.0.0.0:${port}`,
    `REGISTRY_HTTP_DEBUG_ADDR=`,
    `REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=${CACHE_STORAGE_DIR}`,
  ];
}

/** @param mode `offline` when the workshop comes up from a bundle (`--from-bundle`). @default "proxy" */
export function planRegistryCache(workshop: string, host: CacheHost, mode: CacheMode = "proxy"): RegistryCachePlan {
  const base = host.cachePortBase ?? DEFAULT_CACHE_PORT_BASE;
  const labels = (upstream: CacheUpstream): Label[] => [
    ...identityLabels(workshopStackName(workshop)),
    { label: CACHE_LABELS.workshop, value: workshop },
    { label: CACHE_LABELS.host, value: host.id },
    { label: CACHE_LABELS.upstream, value: upstream },
  ];
  const containers: CacheContainer[] = UPSTREAM_NAMES.map((upstream, i) => ({
    upstream,
    name: `cnilab-cache-${workshop}-${host.id}-${slug(upstream)}`,
    image: IMAGES.registry,
    port: base + i,
    env: cacheEnv(upstream, base + i, mode),
    storageDir: CACHE_STORAGE_DIR,
    labels: labels(upstream),
  }));
  return {
    workshop,
    host,
    mode,
    containers,
    mirrors: containers.map((c) => ({ upstream: c.upstream, endpoint: `http://${host.address}:${c.port}` })),
  };
}

/**
 * A pinned reference as the host's own Docker pulls it through the cache: `127.0.0.1:<port>/<path>`,
 * tag and digest kept (the cache serves the upstream's very manifest, so the digest still holds).
 * For the kind node image, which the host's Docker pulls, not the nodes' containerd.
 */
export function viaCache(plan: RegistryCachePlan, ref: string): string {
  const parsed = parseImageRef(ref);
  if (typeof parsed === "string") throw new Error(parsed);
  const { domain, path } = splitDomain(parsed.name);
  const cache = plan.containers.find((c) => c.upstream === domain);
  if (!cache) throw new Error(`no cache on host ${plan.host.id} proxies ${domain} (${ref}); caches: ${plan.containers.map((c) => c.upstream).join(", ")}`);
  const suffix = `${parsed.tag === undefined ? "" : `:${parsed.tag}`}${parsed.digest === undefined ? "" : `@${parsed.digest}`}`;
  return `127.0.0.1:${cache.port}/${path}${suffix}`;
}
