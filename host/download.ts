/**
 * One file over HTTP(S) into a local file, its sha256 computed on the way and compared with the
 * pinned one. Redirects are followed (GitHub release assets redirect to a storage host).
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

/** The server could not be reached, answered with an error, or stopped sending. */
export class DownloadError extends Error {
  override name = "DownloadError";
}

/** The bytes arrived but are not the pinned ones. */
export class ChecksumMismatch extends Error {
  override name = "ChecksumMismatch";
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`sha256 of ${url} is ${actual}, expected ${expected}`);
  }
}

export interface DownloadOptions {
  url: string;
  /** Lower-case hex. */
  sha256: string;
  /** Written from scratch; the caller removes it when this throws. */
  file: string;
  /** Default: the global fetch. Tests pass one that records or refuses. */
  fetch?: typeof fetch;
  /** Called as bytes arrive, with the total when the server sent Content-Length. */
  onBytes?: (received: number, total: number | undefined) => void;
  /**
   * Gives up when no byte arrives for this long (connecting included). Default 30 s: a stalled
   * connection, not a slow one, is what must not hang `setup`.
   */
  stallMs?: number;
}

/** Resolves with the byte count once the file is complete and its sum matches; throws otherwise. */
export async function downloadVerified(opts: DownloadOptions): Promise<number> {
  const stallMs = opts.stallMs ?? 30_000;
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), stallMs);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), stallMs);
  };
  const why = (err: unknown) =>
    controller.signal.aborted ? `no data for ${stallMs / 1000} s` : describeFailure(err);
  try {
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(opts.url, { signal: controller.signal, redirect: "follow" });
    } catch (err) {
      throw new DownloadError(why(err));
    }
    if (!res.ok || !res.body) throw new DownloadError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`);
    const total = Number(res.headers.get("content-length")) || undefined;
    const hash = createHash("sha256");
    let received = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        received += chunk.length;
        alive();
        opts.onBytes?.(received, total);
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>), tap, createWriteStream(opts.file, { mode: 0o600 }));
    } catch (err) {
      throw new DownloadError(why(err));
    }
    const actual = hash.digest("hex");
    if (actual !== opts.sha256) throw new ChecksumMismatch(opts.url, opts.sha256, actual);
    return received;
  } finally {
    clearTimeout(timer);
  }
}

/** fetch fails with "fetch failed" and the system error as its cause: that cause is what a person needs. */
function describeFailure(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return err instanceof Error ? err.message : String(err);
}
