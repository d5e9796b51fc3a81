/**
 * Content-addressed files in a folder, `blobs/sha256/<hex>` (the OCI image layout's blob path,
 * opencontainers/image-spec image-layout.md): what a bundle carries and what loading reads. Every
 * write and every read checks the content against its digest.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { ChecksumMismatch, downloadVerified } from "../../host/download";

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export const sha256 = (data: Buffer | string): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/** The folder-relative path of a blob: `blobs/sha256/<hex>`. */
export function blobPath(digest: string): string {
  if (!DIGEST.test(digest)) throw new Error(`'${digest}' is not a sha256 digest (sha256:<64 lowercase hex>)`);
  return join("blobs", "sha256", digest.slice("sha256:".length));
}

export class BlobFolder {
  constructor(readonly root: string) {}

  file(digest: string): string {
    return join(this.root, blobPath(digest));
  }

  has(digest: string): boolean {
    return existsSync(this.file(digest));
  }

  /** Small content held in memory (a manifest), checked like a streamed one. */
  putBytes(digest: string, bytes: Buffer, what: string): void {
    const got = sha256(bytes);
    if (got !== digest) throw new Error(`${what}: got content with digest ${got}, expected ${digest}`);
    mkdirSync(dirname(this.file(digest)), { recursive: true });
    writeFileSync(this.file(digest), bytes);
  }

  /**
   * Downloads a blob into the folder under `digest` (host/download.ts: sha256 checked on the way, a
   * stalled connection given up); a different digest or size leaves nothing behind and throws naming `what`.
   */
  async download(digest: string, url: string, fetchImpl: typeof fetch, what: string, size?: number): Promise<void> {
    const target = this.file(digest);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    try {
      const received = await downloadVerified({ url, sha256: digest.slice("sha256:".length), file: partial, fetch: fetchImpl, stallMs: 60_000 }).catch((e: Error) => {
        throw new Error(`${what}: ${e instanceof ChecksumMismatch ? `got content with digest sha256:${e.actual}, expected ${digest}` : e.message}`);
      });
      if (size !== undefined && received !== size) throw new Error(`${what}: got ${received} bytes, the manifest says ${size}`);
      renameSync(partial, target);
    } finally {
      rmSync(partial, { force: true });
    }
  }

  /** Re-reads a blob and checks its digest: a bundle copied onto a stick can come back damaged. */
  async verify(digest: string): Promise<void> {
    const hash = createHash("sha256");
    await pipeline(createReadStream(this.file(digest)), hash);
    const got = `sha256:${hash.digest("hex")}`;
    if (got !== digest) throw new Error(`${blobPath(digest)} is damaged: its content has digest ${got}`);
  }
}
