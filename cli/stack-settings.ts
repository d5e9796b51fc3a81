/**
 * Keeps the tracked stack files untouched by `up`/`down`.
 *
 * Pulumi's passphrase secrets provider stores its salt in the stack's settings file: `stack init`
 * saves `encryptionsalt` into Pulumi.<stack>.yaml, and an update whose settings file lacks it saves
 * it again (pulumi/pulumi pkg/cmd/pulumi/stack/io.go CreateStack → SaveProjectStack, and
 * pkg/cmd/pulumi/config/io.go getAndSaveSecretsManager, at pkg/v3.259.0). For cnilab that file is
 * stacks/Pulumi.<stack>.yaml, tracked in git. So Pulumi gets a copy in the state directory instead:
 *
 *   <state>/stack-settings/<backend>/Pulumi.yaml             the project's name and runtime only
 *   <state>/stack-settings/<backend>/stacks/Pulumi.<stack>.yaml   the tracked file + Pulumi's salt
 *
 * `stack init` runs in that folder (creating a stack needs only the project's name), and every
 * update and destroy runs in the project with `--config-file <copy>` (the Automation API's
 * `configFile`), so the salt lands in the copy. The copy is rewritten from the tracked file before
 * each command, keeping only the secrets-provider keys Pulumi added. <backend> is "default" for the
 * project's own backend, else a hash of PULUMI_BACKEND_URL: a salt belongs to one backend's stack.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { STATE_FOLDERS } from "../host/state";

/** The settings keys Pulumi's secrets providers write (workspace.ProjectStack in sdk/go/common/workspace/project.go). */
const SECRETS_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt"] as const;

export interface StackSettingsCopy {
  /** The folder `stack init` runs in. */
  projectDir: string;
  /** The copy every update and destroy reads (`--config-file`). */
  file: string;
}

/** Where the copy of `stack`'s settings lives for the backend `url`. */
export function settingsCopy(state: string, url: string, isDefaultBackend: boolean, stack: string): StackSettingsCopy {
  const key = isDefaultBackend ? "default" : createHash("sha256").update(url).digest("hex").slice(0, 12);
  const projectDir = join(state, STATE_FOLDERS.settings, key);
  return { projectDir, file: join(projectDir, "stacks", `Pulumi.${stack}.yaml`) };
}

/**
 * Rewrites the copy from the tracked settings file `tracked`, keeping the secrets-provider keys the
 * copy already has and the tracked file lacks; writes the folder's Pulumi.yaml from the project's.
 */
export function syncSettingsCopy(copy: StackSettingsCopy, projectFile: string, tracked: string): void {
  mkdirSync(join(copy.projectDir, "stacks"), { recursive: true });
  const project = (parse(readFileSync(projectFile, "utf8")) ?? {}) as { name?: string; runtime?: unknown };
  writeFileSync(join(copy.projectDir, "Pulumi.yaml"), stringify({ name: project.name, runtime: project.runtime, stackConfigDir: "stacks" }));
  const text = readFileSync(tracked, "utf8");
  const own = (parse(text) ?? {}) as Record<string, unknown>;
  const previous = existsSync(copy.file) ? ((parse(readFileSync(copy.file, "utf8")) ?? {}) as Record<string, unknown>) : {};
  const kept = SECRETS_KEYS.filter((key) => own[key] === undefined && typeof previous[key] === "string");
  const added = kept.map((key) => `${key}: ${JSON.stringify(previous[key])}\n`).join("");
  writeFileSync(copy.file, added === "" ? text : `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${added}`);
}
