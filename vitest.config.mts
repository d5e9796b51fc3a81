import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Every test is bounded; the network-namespace and Docker tests set their own, longer bounds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Component tests each install Pulumi mocks for their own file; files run in separate workers.
    pool: "forks",
    // No test reaches past loopback, even through a command that would fetch a tool.
    setupFiles: ["./test/helpers/loopback-only.ts"],
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
