/**
 * `nft list table ip kube-proxy` as data: its sets and maps with their elements, and its chains with
 * their rules. Pure; the layout is nftables 1.0.6's (Debian bookworm, what kind v0.30.0's node image
 * installs: kubernetes-sigs/kind v0.30.0 images/base/Dockerfile), recorded in
 * test/kube-proxy/fixtures/nft-list-table.txt.
 */

export interface NftElement {
  /** "10.96.0.10 . udp . 53" */
  key: string;
  /** "goto service-…", "goto reject-chain", "drop"; "" in a set. */
  value: string;
  comment?: string;
  /** The element as printed. */
  text: string;
}

export interface NftTable {
  /** Sets and maps by name. */
  maps: Map<string, NftElement[]>;
  /** Regular and base chains by name: their rules, without the chain's type, policy and comment lines. */
  chains: Map<string, string[]>;
}

const BLOCK = /^(set|map|chain)\s+(\S+)\s*\{$/;

export function parseNftTable(text: string): NftTable {
  const table: NftTable = { maps: new Map(), chains: new Map() };
  let open: { kind: string; name: string; body: string[] } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const start = BLOCK.exec(line);
    if (!open && start) {
      open = { kind: start[1]!, name: start[2]!, body: [] };
    } else if (open && line === "}") {
      if (open.kind === "chain") table.chains.set(open.name, open.body.filter((l) => !/^(type|comment|policy)\s/.test(l)));
      else table.maps.set(open.name, elementsOf(open.body.join(" ")));
      open = undefined;
    } else if (open && line !== "") {
      open.body.push(line);
    }
  }
  return table;
}

/** The elements of `elements = { a : v, b : v }`, split at the commas outside quotes. */
function elementsOf(body: string): NftElement[] {
  const m = /elements = \{(.*)\}/.exec(body);
  if (!m) return [];
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (const c of m[1]!) {
    if (c === '"') quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim().replace(/\s+/g, " ")).filter((p) => p !== "").map(element);
}

function element(text: string): NftElement {
  const colon = text.lastIndexOf(" : ");
  const left = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? "" : text.slice(colon + 3);
  const c = /\s+comment\s+"([^"]*)"$/.exec(left);
  return { key: c ? left.slice(0, c.index) : left, value, ...(c ? { comment: c[1] } : {}), text };
}
