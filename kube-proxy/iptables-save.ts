/**
 * `iptables-save` output as data: per table its chains and its rules in order, each rule split into
 * arguments the way iptables-save quotes them (a comment with spaces in double quotes, `\"` inside).
 * Pure; the format is iptables 1.8.9's, the version of Debian bookworm that kind v0.30.0's node
 * image is built on (kubernetes-sigs/kind v0.30.0 images/base/Dockerfile: debian:bookworm-slim).
 */

export interface IptablesRule {
  table: string;
  chain: string;
  /** The `-A` line as printed, without "-A <chain> ". */
  text: string;
  args: string[];
}

export interface IptablesTable {
  chains: Set<string>;
  rules: IptablesRule[];
}

export type IptablesSave = Map<string, IptablesTable>;

/** Splits one line into arguments: whitespace separates, double quotes group, backslash escapes inside them. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = "";
  let quoted = false;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted && c === "\\" && i + 1 < line.length) {
      current += line[++i];
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (!quoted && /\s/.test(c)) {
      if (started) args.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
}

export function parseIptablesSave(text: string): IptablesSave {
  const tables: IptablesSave = new Map();
  let table: IptablesTable | undefined;
  let tableName = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line === "COMMIT") continue;
    if (line.startsWith("*")) {
      tableName = line.slice(1);
      table = tables.get(tableName) ?? { chains: new Set(), rules: [] };
      tables.set(tableName, table);
    } else if (table && line.startsWith(":")) {
      table.chains.add(line.slice(1).split(/\s+/)[0]!);
    } else if (table && line.startsWith("-A ")) {
      const args = splitArgs(line);
      const chain = args[1]!;
      table.rules.push({ table: tableName, chain, text: line.slice(3 + chain.length + 1), args: args.slice(2) });
    }
  }
  return tables;
}

/** The value after option `name` ("-d", "--dport", "--to-destination"), unless it is negated with "!". */
export function option(rule: IptablesRule, name: string): string | undefined {
  const i = rule.args.indexOf(name);
  if (i < 0 || rule.args[i - 1] === "!") return undefined;
  return rule.args[i + 1];
}

/** The rule's -j target. */
export const jump = (rule: IptablesRule) => option(rule, "-j");

export function rulesOf(save: IptablesSave, table: string, chain: string): IptablesRule[] {
  return (save.get(table)?.rules ?? []).filter((r) => r.chain === chain);
}
