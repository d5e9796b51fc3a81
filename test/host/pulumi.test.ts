/** Finding the Pulumi CLI (host/pulumi.ts): major version 3 from v3.181.0, and get.pulumi.com's install location. */
import { describe, expect, it } from "vitest";
import { pulumiInstall, unsupportedPulumi } from "../../host/pulumi";

describe("finding the Pulumi CLI", () => {
  it("accepts 3.x from v3.181.0 (inline refresh and destroy)", () => {
    expect(unsupportedPulumi([3, 181, 0])).toBeUndefined();
    expect(unsupportedPulumi([3, 259, 0])).toBeUndefined();
    expect(unsupportedPulumi([3, 180, 9])).toBe("older than v3.181.0 (refresh and destroy with an inline program)");
  });

  it("refuses another major version: the Automation API of @pulumi/pulumi 3.x runs a 3.x CLI only", () => {
    expect(unsupportedPulumi([4, 0, 0])).toBe("not a 3.x CLI, which the Automation API in @pulumi/pulumi 3.x needs");
    expect(unsupportedPulumi([2, 999, 0])).toBe("not a 3.x CLI, which the Automation API in @pulumi/pulumi 3.x needs");
  });

  it("looks in ~/.pulumi/bin when there is a home directory", () => {
    expect(pulumiInstall({ HOME: "/home/u" })).toBe("/home/u/.pulumi/bin/pulumi");
    expect(pulumiInstall({})).toBeUndefined();
  });
});
