/**
 * A pull-through cache's storage with a bundle's images already in it: the distribution registry's
 * filesystem layout (registry/storage/paths.go, the same at v2.8.2 and v3.0.0):
 *   docker/registry/v2/blobs/sha256/<hex[0:2]>/<hex>/data                      every manifest and blob
 *   docker/registry/v2/repositories/<path>/_manifests/revisions/sha256/<hex>/link   a manifest of the repository
 *   docker/registry/v2/repositories/<path>/_layers/sha256/<hex>/link                a config or layer of it
 *   docker/registry/v2/repositories/<path>/_manifests/tags/<tag>/current/link       what the tag names
 *   docker/registry/v2/repositories/<path>/_manifests/tags/<tag>/index/sha256/<hex>/link
 * A link file holds the digest as text, no newline (linkedblobstore.go linkBlob → blobStore.link).
 * A proxy serves a digest it has locally without asking its upstream, and answers a tag from its
 * own store when the upstream is unreachable (registry/proxy proxymanifeststore.go Get,
 * proxytagservice.go Get, v3.0.0): what a venue without internet needs.
 */
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BlobFolder } from "./blobs";
import type { BundledImage } from "./registry-client";

const ROOT = "docker/registry/v2";

/** One file of the layout: a link's text, or the blob whose content it is. */
export type StorageEntry = { path: string; link: string } | { path: string; blob: string };

const hexOf = (digest: string) => digest.slice("sha256:".length);

/** The files that make `images` (all of one registry) servable by a cache of that registry. */
export function storageEntries(images: readonly BundledImage[]): StorageEntry[] {
  const entries = new Map<string, StorageEntry>();
  const add = (e: StorageEntry) => entries.set(e.path, e);
  for (const image of images) {
    const repo = `${ROOT}/repositories/${image.path}`;
    for (const d of [...image.manifests, ...image.blobs]) add({ path: `${ROOT}/blobs/sha256/${hexOf(d).slice(0, 2)}/${hexOf(d)}/data`, blob: d });
    for (const d of image.manifests) add({ path: `${repo}/_manifests/revisions/sha256/${hexOf(d)}/link`, link: d });
    for (const d of image.blobs) add({ path: `${repo}/_layers/sha256/${hexOf(d)}/link`, link: d });
    if (image.tag !== undefined) {
      add({ path: `${repo}/_manifests/tags/${image.tag}/current/link`, link: image.digest });
      add({ path: `${repo}/_manifests/tags/${image.tag}/index/sha256/${hexOf(image.digest)}/link`, link: image.digest });
    }
  }
  return [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes the entries under `dir` (a cache's storage root, or a folder to copy into one). */
export function writeStorage(dir: string, entries: readonly StorageEntry[], blobs: BlobFolder): void {
  for (const e of entries) {
    const file = join(dir, e.path);
    mkdirSync(dirname(file), { recursive: true });
    if ("link" in e) writeFileSync(file, e.link);
    else copyFileSync(blobs.file(e.blob), file);
  }
}
