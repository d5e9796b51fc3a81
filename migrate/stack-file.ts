/**
 * The one write a migration makes to a tracked file: `cnilab:backend` in the stack's settings file,
 * through the YAML document so every comment and every other line stays as it was.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { Backend } from "../backends";

const KEY = ["config", "cnilab:backend"] as const;

/** Sets the stack file's backend; throws when the file has no `config: cnilab:backend:` to change. */
export function setStackBackend(file: string, backend: Backend): void {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (!doc.hasIn(KEY)) throw new Error(`${file}: no config.cnilab:backend to change`);
  doc.setIn(KEY, backend);
  writeFileSync(file, doc.toString({ flowCollectionPadding: false }));
}
