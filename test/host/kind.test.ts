/** Finding kind (host/kind.ts): the variable, the version floor, the install location and the cluster label. */
import { describe, expect, it } from "vitest";
import { KIND_CLUSTER_LABEL, kindExecutable, kindInstall, unsupportedKind } from "../../host/kind";

describe("finding kind", () => {
  it("a step with no path runs $CNILAB_KIND, else kind on PATH", () => {
    expect(kindExecutable({ CNILAB_KIND: "/opt/x/kind" })).toBe("/opt/x/kind");
    expect(kindExecutable({ CNILAB_KIND: "" })).toBe("kind");
    expect(kindExecutable({})).toBe("kind");
  });

  it("accepts kind v0.27.0 and later, and says why an older one is passed over", () => {
    expect(unsupportedKind([0, 27, 0])).toBeUndefined();
    expect(unsupportedKind([0, 30, 0])).toBeUndefined();
    expect(unsupportedKind([1, 0, 0])).toBeUndefined();
    expect(unsupportedKind([0, 26, 9])).toBe("older than v0.27.0, the oldest cnilab's kind config is tested with");
  });

  it("the known install location is read below the machine's root and named as the machine names it", () => {
    expect(kindInstall({ root: "/fixture" })).toEqual({ path: "/fixture/opt/kind/usr/bin/kind", shown: "/opt/kind/usr/bin/kind" });
  });

  it("node containers are found by kind's own cluster label", () => {
    expect(KIND_CLUSTER_LABEL).toBe("io.x-k8s.kind.cluster");
  });
});
