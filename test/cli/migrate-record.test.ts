/** The record of a migration under way: written, read back, removed; which record a new run goes on with. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMigrationRecord, removeMigrationRecord, resumable, writeMigrationRecord, type MigrationRecord } from "../../cli/services/migrate-record";
import { main } from "../../cli/main";
import { ROOT } from "../helpers/stacks";
import { captureIo } from "./io";

const dir = mkdtempSync(join(tmpdir(), "cnilab-migrate-record-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record: MigrationRecord = { stack: "flannel-vxlan", from: "flannel-vxlan", to: "calico-vxlan", startedAt: "2026-11-30T08:00:00.000Z", done: 3 };

describe("migration records", () => {
  it("are written, read back and removed", () => {
    const at = join(dir, "rw");
    expect(readMigrationRecord(at, "flannel-vxlan")).toBeUndefined();
    writeMigrationRecord(at, record);
    expect(readMigrationRecord(at, "flannel-vxlan")).toEqual(record);
    removeMigrationRecord(at, "flannel-vxlan");
    expect(readMigrationRecord(at, "flannel-vxlan")).toBeUndefined();
  });

  it.each([
    ["the stack file still says its from", "flannel-vxlan", "calico-vxlan", true],
    ["the stack file already says its to", "calico-vxlan", "calico-vxlan", true],
    ["another target", "flannel-vxlan", "flannel-host-gw", false],
    ["the stack file says a third backend", "flannel-host-gw", "calico-vxlan", false],
  ] as const)("go on with it when %s: %s → %s", (_why, current, to, expected) => {
    expect(resumable(record, current, to) !== undefined).toBe(expected);
  });

  it("a dry run after a stop says what is done and plans from the backend the migration started from", async () => {
    const state = join(dir, "state");
    writeMigrationRecord(join(state, "migrations"), record);
    const io = captureIo({ PATH: "/nonexistent", CNILAB_STATE: state }, ROOT);
    expect(await main(["migrate", "flannel-vxlan", "--to", "calico-vxlan", "--dry-run"], io)).toBe(0);
    expect(io.out()).toMatch(/^Going on with the migration flannel-vxlan → calico-vxlan started 2026-11-30T08:00:00.000Z: steps 1–3 are done\.\nMigration of stack flannel-vxlan: flannel-vxlan → calico-vxlan/);
  });
});
