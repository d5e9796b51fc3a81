import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { validatePlan } from "../../probe/plan";
import { runProbePlan } from "../../probe/run";

/** A TCP listener on loopback that can be closed mid-test: a datapath that changes under the probe. */
function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

describe("retrying until the expected outcome", () => {
  it("a probe expected to be refused retries while it still connects, then reports the attempts used", async () => {
    const { server, port } = await listen();
    servers.push(server);
    // The "policy" lands 150 ms in: until then connections go through.
    setTimeout(() => server.close(), 150);
    const { results } = await runProbePlan({
      retryDelayMs: 100,
      probes: [{ id: "settles", to: "127.0.0.1", port, protocol: "tcp", timeoutMs: 500, attempts: 10, expect: "refused" }],
    });
    // ok means "as expected": refused was expected.
    expect(results[0]).toMatchObject({ id: "settles", outcome: "refused", ok: true });
    expect(results[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(results[0]!.attempts).toBeLessThan(10);
  });

  it("stops at the first attempt that agrees, and gives up after `attempts` when none does", async () => {
    const { server, port } = await listen();
    servers.push(server);
    const { results, summary } = await runProbePlan({
      probes: [
        { id: "agrees", to: "127.0.0.1", port, protocol: "tcp", timeoutMs: 500, attempts: 5, expect: "connected" },
        { id: "never", to: "127.0.0.1", port, protocol: "tcp", timeoutMs: 500, attempts: 3, expect: "refused" },
      ],
    });
    expect(results.map((r) => [r.id, r.outcome, r.attempts, r.ok])).toEqual([
      ["agrees", "connected", 1, true],
      ["never", "connected", 3, false],
    ]);
    // Two connections, one of them not as expected.
    expect(summary).toMatchObject({ total: 2, connected: 2, failed: 1 });
  });

  it("retryDelayMs is part of the plan contract and validated", () => {
    expect(validatePlan({ retryDelayMs: 1000, probes: [] })).toEqual({ ok: true, plan: { retryDelayMs: 1000, probes: [] } });
    expect(validatePlan({ retryDelayMs: -1, probes: [] })).toEqual({ ok: false, problems: ["plan.retryDelayMs: must be an integer 0..600000, got -1"] });
  });
});
