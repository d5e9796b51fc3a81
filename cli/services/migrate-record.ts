/**
 * A migration under way, kept in the state directory (<state>/migrations/<stack>.json) from the
 * first step until the last succeeds: which backends, how many steps are done, and the lab before
 * (for the table at the end). Running the same `cnilab migrate` again after a stop goes on from there.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "../../backends";
import type { LabSnapshot } from "../../migrate/changes";

export interface MigrationRecord {
  stack: string;
  from: Backend;
  to: Backend;
  /** ISO time of the first step. */
  startedAt: string;
  /** Steps done, in plan order. */
  done: number;
  before?: LabSnapshot;
}

const fileOf = (dir: string, stack: string) => join(dir, `${stack}.json`);

export function readMigrationRecord(dir: string, stack: string): MigrationRecord | undefined {
  const file = fileOf(dir, stack);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as MigrationRecord;
}

export function writeMigrationRecord(dir: string, record: MigrationRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(fileOf(dir, record.stack), `${JSON.stringify(record, null, 2)}\n`);
}

export function removeMigrationRecord(dir: string, stack: string): void {
  rmSync(fileOf(dir, stack), { force: true });
}

/** The record to go on from: one for this target, made while the stack file said its `from` or already says its `to`. */
export function resumable(record: MigrationRecord | undefined, current: Backend, to: Backend): MigrationRecord | undefined {
  return record && record.to === to && (current === record.from || current === to) ? record : undefined;
}
