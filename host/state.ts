import { resolve } from "node:path";

/**
 * Where cnilab keeps what it records on this machine (datapath lab records, results for compare):
 * $CNILAB_STATE, else .cnilab under `dir` (git-ignored).
 */
export function stateDir(dir: string, env: NodeJS.ProcessEnv): string {
  return resolve(dir, env.CNILAB_STATE ?? ".cnilab");
}
