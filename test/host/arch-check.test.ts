/** The node architecture check: kind's nodes take the Docker daemon's machine; flannel udp is amd64 only (flannel v0.28.9 pkg/backend/udp/udp.go). */
import { describe, expect, it } from "vitest";
import { checkArchitecture } from "../../host/arch-check";

const docker = (architecture?: string) => ({ serverVersion: "27.5.1", ...(architecture ? { architecture } : {}) });

describe("checkArchitecture", () => {
  it("says nothing when no considered backend limits the architecture", () => {
    expect(checkArchitecture(docker("aarch64"), ["flannel-vxlan", "kindnet"])).toEqual([]);
  });

  it("passes on x86_64 (Docker's uname -m for amd64)", () => {
    expect(checkArchitecture(docker("x86_64"), ["flannel-udp"])).toMatchObject([{ id: "node-arch", status: "pass" }]);
  });

  it("fails on aarch64 when flannel-udp is the backend, and only warns when other backends are considered too", () => {
    const [alone] = checkArchitecture(docker("aarch64"), ["flannel-udp"]);
    expect(alone).toMatchObject({ id: "node-arch", status: "fail" });
    expect(alone!.message).toBe("nodes would be arm64 (Docker's architecture), which flannel-udp does not support (flannel-udp: amd64)");
    expect(checkArchitecture(docker("aarch64"), ["flannel-udp", "flannel-vxlan"])).toMatchObject([{ status: "warn" }]);
  });

  it("warns when Docker did not say", () => {
    expect(checkArchitecture(undefined, ["flannel-udp"])).toMatchObject([{ status: "warn" }]);
    expect(checkArchitecture(docker(), ["flannel-udp"])).toMatchObject([{ status: "warn" }]);
  });
});
