/**
 * The registry cache of a workshop host, as data: one pull-through cache container per upstream
 * registry, and the mirrors every participant cluster on that host pulls through. Types and the
 * closed set of upstreams only; workshop/cache/plan.ts builds it, components/workshop/registry-cache.ts
 * registers it.
 */
import type { Label } from "../../host/identity";
import type { RegistryMirror } from "../../plan/registry-mirrors";

/**
 * The registries cnilab's pinned images and its charts' images come from (a test keeps this true),
 * each with the URL its cache proxies. The distribution registry mirrors "only one upstream registry
 * at a time" (distribution/distribution docs/content/recipes/mirror.md, v3.0.0): one cache container
 * per row. docker.io's registry API is served by registry-1.docker.io (the same recipe's
 * `proxy.remoteurl`; containerd docs/hosts.md, v2.1.4, names it as docker.io's `server`). gcr.io
 * serves the guestbook frontend of the netpol lab.
 */
export const CACHE_UPSTREAMS = {
  "docker.io": "https://registry-1.docker.io",
  "registry.k8s.io": "https://registry.k8s.io",
  "quay.io": "https://quay.io",
  "ghcr.io": "https://ghcr.io",
  "gcr.io": "https://gcr.io",
} as const;
export type CacheUpstream = keyof typeof CACHE_UPSTREAMS;
export const UPSTREAM_NAMES = Object.keys(CACHE_UPSTREAMS) as CacheUpstream[];

/** A Docker host participants' clusters run on. */
export interface CacheHost {
  /** Names the host in the workshop file and in every name derived for it (a DNS-1123 label). */
  id: string;
  /** `DOCKER_HOST` for this host (`ssh://user@host`, `tcp://…`); absent: the local Docker. */
  dockerHost?: string;
  /**
   * An address of the host that its kind nodes reach (the caches listen on the host's network), and
   * nothing else: not 127.0.0.1, which inside a node is the node itself.
   */
  address: string;
  /** First of the consecutive host ports the caches listen on, one per CACHE_UPSTREAMS row in order. @default 5101 */
  cachePortBase?: number;
}

/** One pull-through cache: a distribution registry container proxying one upstream. */
export interface CacheContainer {
  upstream: CacheUpstream;
  /** Docker container name; the volume holding its storage has the same name. */
  name: string;
  /** The pinned distribution registry image. */
  image: string;
  /** Host port it listens on (host network: the kind nodes and the host's Docker reach it there). */
  port: number;
  /** `REGISTRY_*` settings, as `NAME=value` (distribution overrides its config file from these). */
  env: string[];
  /** Where the registry keeps its storage, the volume's mount point; `--from-bundle` writes there. */
  storageDir: string;
  labels: Label[];
}

/**
 * `proxy`: each cache pulls what it lacks from its upstream and keeps it. `offline`: a plain registry
 * serving what a bundle loaded, for a venue without internet — a proxy cannot even start there: at
 * startup it asks its upstream's /v2/ for the token realm and panics when that fails (distribution
 * registry/proxy/proxyauth.go getAuthURLs via proxyregistry.go NewRegistryPullThroughCache, and
 * registry/handlers/app.go, v3.0.0 as v2.8.2; seen here with Debian's 2.8.2). Both keep the same
 * storage, so a host's caches switch mode without losing what they hold.
 */
export type CacheMode = "proxy" | "offline";

export interface RegistryCachePlan {
  workshop: string;
  host: CacheHost;
  mode: CacheMode;
  containers: readonly CacheContainer[];
  /** What every participant cluster on this host mirrors through: `http://<address>:<port>` per upstream. */
  mirrors: readonly RegistryMirror[];
}
