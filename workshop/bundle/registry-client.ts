/**
 * Pulls one image from its registry into a BlobFolder over the distribution API, as containerd
 * would: the manifest (by digest when the reference pins one, else by tag), the platform manifests
 * an index names, their config and layers. Anonymous pulls, with the registry's bearer token
 * challenge answered (distribution docs/content/spec/auth/token.md, v3.0.0). Every manifest and blob
 * is checked against its digest.
 */
import { parseImageRef, splitDomain, type ImageRef } from "../../pins/image-ref";
import { sha256, type BlobFolder } from "./blobs";

/** The media types of the OCI image spec and of Docker's schema 2, the manifests we accept. */
export const MEDIA = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;
const ACCEPT = Object.values(MEDIA).join(", ");

/** One image as the bundle records it: where it lives and every digest it needs there. */
export interface BundledImage {
  /** The reference as pinned (what participants run). */
  ref: string;
  /** Registry host (docker.io, quay.io, …) and repository path there (library/busybox). */
  domain: string;
  path: string;
  tag?: string;
  /** The manifest the reference resolves to: the index when there is one. */
  digest: string;
  /** The index (if any) and the platform manifests kept, all stored as blobs. */
  manifests: string[];
  /** Configs and layers. */
  blobs: string[];
}

export interface PullOptions {
  /** The registry API's base URL for a registry host (https://registry-1.docker.io for docker.io). */
  endpoint: (domain: string) => string;
  /** `os/arch[/variant]` manifests kept from an index, e.g. ["linux/amd64"]. */
  platforms: readonly string[];
  /** Per manifest and token request (a blob download gives up when no data comes for a minute). */
  timeoutMs: number;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}
interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

const platformOf = (d: Descriptor): string => [d.platform?.os, d.platform?.architecture, d.platform?.variant].filter(Boolean).join("/");

/** `Bearer realm="…",service="…",scope="…"` → its parameters; undefined for any other scheme. */
export function bearerChallenge(header: string | null): Record<string, string> | undefined {
  const m = /^Bearer\s+(.*)$/i.exec(header ?? "");
  if (!m) return undefined;
  return Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((p) => [p[1]!, p[2]!]));
}

export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: PullOptions) {}

  /**
   * fetch for one repository: with its token once the registry asked for one (a 401 with a Bearer
   * challenge is answered by an anonymous token for `repository:<repo>:pull`, then retried).
   */
  private fetchFor(repo: string): typeof fetch {
    return async (input, init) => {
      const withToken = (): RequestInit => {
        const token = this.tokens.get(repo);
        return { ...init, headers: { ...(init?.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) } };
      };
      const res = await fetch(input, withToken());
      const challenge = res.status === 401 ? bearerChallenge(res.headers.get("www-authenticate")) : undefined;
      if (!challenge?.realm) return res;
      await res.body?.cancel();
      const q = new URLSearchParams({ ...(challenge.service ? { service: challenge.service } : {}), scope: `repository:${repo}:pull` });
      const t = await fetch(`${challenge.realm}?${q}`, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!t.ok) throw new Error(`GET ${challenge.realm}?${q}: ${t.status} ${t.statusText} (anonymous token for ${repo})`);
      const body = (await t.json()) as { token?: string; access_token?: string };
      this.tokens.set(repo, body.token ?? body.access_token ?? "");
      return fetch(input, withToken());
    };
  }

  /** A manifest's bytes, checked against `digest` when given, stored in `store`; returns its digest and content. */
  private async manifest(base: string, repo: string, reference: string, store: BlobFolder, expect?: string): Promise<{ digest: string; manifest: Manifest }> {
    const url = `${base}/v2/${repo}/manifests/${reference}`;
    const res = await this.fetchFor(repo)(url, { headers: { accept: ACCEPT }, signal: AbortSignal.timeout(this.options.timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256(bytes);
    if (expect && digest !== expect) throw new Error(`${repo}@${reference}: the registry sent a manifest with digest ${digest}, expected ${expect}`);
    if (!store.has(digest)) store.putBytes(digest, bytes, `${repo} manifest ${digest}`);
    return { digest, manifest: JSON.parse(bytes.toString("utf8")) as Manifest };
  }

  async pull(ref: string, store: BlobFolder): Promise<BundledImage> {
    const parsed = parseImageRef(ref);
    if (typeof parsed === "string") throw new Error(parsed);
    const { name, tag, digest: pinned } = parsed as ImageRef;
    const { domain, path } = splitDomain(name);
    const base = this.options.endpoint(domain).replace(/\/$/, "");
    const top = await this.manifest(base, path, pinned ?? tag ?? "latest", store, pinned);
    const manifests = [top.digest];
    let images: { digest: string; manifest: Manifest }[] = [top];
    if (top.manifest.manifests) {
      const kept = top.manifest.manifests.filter((d) => this.options.platforms.includes(platformOf(d)));
      if (kept.length === 0) {
        const offered = top.manifest.manifests.map(platformOf).join(", ");
        throw new Error(`${ref}: the index offers ${offered}; none of ${this.options.platforms.join(", ")} (--platform)`);
      }
      images = [];
      for (const d of kept) {
        images.push(await this.manifest(base, path, d.digest, store, d.digest));
        manifests.push(d.digest);
      }
    }
    const blobs: string[] = [];
    for (const m of images) {
      for (const d of [m.manifest.config, ...(m.manifest.layers ?? [])]) {
        if (!d) throw new Error(`${ref}: manifest ${m.digest} has no config`);
        if (!blobs.includes(d.digest)) blobs.push(d.digest);
        if (store.has(d.digest)) continue;
        await store.download(d.digest, `${base}/v2/${path}/blobs/${d.digest}`, this.fetchFor(path), `${ref} blob ${d.digest}`, d.size);
      }
    }
    return { ref, domain, path, ...(tag === undefined ? {} : { tag }), digest: top.digest, manifests, blobs };
  }
}
