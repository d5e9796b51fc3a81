/**
 * Content-addressed files in a folder, `blobs/sha256/<hex>` (the OCI image layout's blob path,
 * opencontainers/image-spec image-layout.md): what a bundle carries and what loading reads. Every
 * write and every read checks the content against its digest.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

type WebStream = import("node:stream/web").ReadableStream<Uint8Array>;
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
   * Streams `body` into the folder under `digest`; a different digest or size leaves nothing behind
   * and throws naming `what`.
   */
  async put(digest: string, body: Readable | ReadableStream<Uint8Array>, what: string, size?: number): Promise<void> {
    const target = this.file(digest);
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    const hash = createHash("sha256");
    let length = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        length += chunk.length;
        done(null, chunk);
      },
    });
    const source = body instanceof Readable ? body : Readable.fromWeb(body as WebStream);
    try {
      await pipeline(source, count, createWriteStream(partial));
      const got = `sha256:${hash.digest("hex")}`;
      if (got !== digest) throw new Error(`${what}: got content with digest ${got}, expected ${digest}`);
      if (size !== undefined && length !== size) throw new Error(`${what}: got ${length} bytes, the manifest says ${size}`);
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
