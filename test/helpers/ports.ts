/** Loopback ports for tests that run servers (registries, caches): free when asked, never a fixed number. */
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** A port where it and the next `count - 1` are free on every address (caches on the host network take consecutive ports). */
export async function freePortRun(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((res) => {
      const s = createServer()
        .once("error", () => res(false))
        .listen(port, "0.0.0.0", () => s.close(() => res(true)));
    });
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = await freePort();
    if (base + count > 65535) continue;
    if ((await Promise.all(Array.from({ length: count }, (_, i) => free(base + i)))).every(Boolean)) return base;
  }
  throw new Error(`no run of ${count} free ports found`);
}
