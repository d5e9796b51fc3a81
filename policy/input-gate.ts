/**
 * What `policy matrix` input may be, checked before and while it is parsed: its format, its size and
 * how many pods it brings. Pure: the caller reads the file. Every refusal names the file and the
 * limit, and says what to do instead.
 */
import { parseAllDocuments, type Document } from "yaml";

const MiB = 2 ** 20;

export const INPUT_LIMITS = {
  /** JSON goes through JSON.parse: a few times the text in memory, 17 MB in under a second. */
  jsonBytes: 128 * MiB,
  /**
   * YAML goes through a parser that builds a document tree first: measured here (yaml 2.9.1) at
   * ~35× the text in heap, and tens of seconds for 6 MB; larger inputs should come as JSON.
   */
  yamlBytes: 8 * MiB,
  /** The matrix holds pods² cells per port (25 MB per port at 5,000), and a table or json as many rows. */
  pods: 5000,
} as const;

/**
 * yaml's own default (dist/doc/Document.js toJS, yaml 2.9.1), stated here so the bound is ours: an
 * anchor referenced so often that expanding it would multiply the document (an alias bomb) makes
 * toJS throw instead (dist/nodes/Alias.js: count × aliasCount > maxAliasCount).
 */
const MAX_ALIAS_COUNT = 100;

export type InputFormat = "json" | "yaml";

/** JSON when the text starts, after white space, with `{` or `[` (what `kubectl get -o json` prints). */
export function inputFormat(head: string): InputFormat {
  return /^\s*[[{]/.test(head) ? "json" : "yaml";
}

/** The refusal for a file of `bytes` bytes in `format`, or undefined when it is within bounds. */
export function sizeProblem(file: string, bytes: number, format: InputFormat): string | undefined {
  const limit = format === "json" ? INPUT_LIMITS.jsonBytes : INPUT_LIMITS.yamlBytes;
  if (bytes <= limit) return undefined;
  const mib = (n: number) => `${Number.isInteger(n / MiB) || n >= 10 * MiB ? Math.round(n / MiB) : (n / MiB).toFixed(1)} MiB`;
  const advice =
    format === "yaml"
      ? `; give it as JSON (kubectl get ns,pods,networkpolicies -A -o json), which may have up to ${mib(INPUT_LIMITS.jsonBytes)}`
      : "; narrow it (kubectl get … -n NAMESPACE, or only the Namespace, Pod and NetworkPolicy objects)";
  return `${file}: ${mib(bytes)} of ${format.toUpperCase()} is more than the ${mib(limit)} limit for ${format.toUpperCase()} input${advice}`;
}

/** The refusal when the files together bring more pods than the matrix is built for. */
export function podCountProblem(counts: readonly { file: string; pods: number }[]): string | undefined {
  const total = counts.reduce((sum, c) => sum + c.pods, 0);
  if (total <= INPUT_LIMITS.pods) return undefined;
  const where = counts.filter((c) => c.pods > 0).map((c) => `${c.file} ${c.pods.toLocaleString("en")}`).join(", ");
  return `${total.toLocaleString("en")} pods (${where}) is more than the ${INPUT_LIMITS.pods.toLocaleString("en")}-pod limit (the matrix holds pods² cells per port); give the namespaces that matter (kubectl get … -n NAMESPACE)`;
}

export interface InputDocument {
  /** The file, and the document's number when the file has several. */
  where: string;
  value: unknown;
}

/** The documents of one file as plain values, or the problems that kept them from being read. */
export function readDocuments(text: string, file: string): { docs: InputDocument[]; problems: string[] } {
  if (inputFormat(text) === "json") {
    try {
      return { docs: [{ where: file, value: JSON.parse(text) as unknown }], problems: [] };
    } catch (err) {
      return { docs: [], problems: [`${file}: not valid JSON: ${(err as Error).message}`] };
    }
  }
  const docs: InputDocument[] = [];
  const problems: string[] = [];
  const parsed = parseAllDocuments(text);
  if (!Array.isArray(parsed)) return { docs, problems };
  parsed.forEach((doc, d) => {
    const where = parsed.length > 1 ? `${file}: document ${d + 1}` : file;
    if (doc.errors.length > 0) {
      // The first error says where the text goes wrong; the ones after it are consequences.
      problems.push(`${where}: not valid YAML or JSON: ${doc.errors[0]!.message.split("\n")[0]!.replace(/:$/, "")}`);
      return;
    }
    const read = yamlValue(doc);
    if ("problem" in read) problems.push(`${where}: ${read.problem}`);
    else docs.push({ where, value: read.value });
  });
  return { docs, problems };
}

/** A parsed YAML document as plain data with its aliases bounded, or why it cannot be. */
export function yamlValue(doc: Document.Parsed): { value: unknown } | { problem: string } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (err) {
    const text = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    return { problem: /alias/i.test(text) ? `not read: its aliases expand too far (${text}); write it out without anchors and aliases` : `not read: ${text}` };
  }
}
