/**
 * A Docker bridge network of the test's own, on a /24 no Docker network and no route of this machine
 * already covers (tried in turn from a range kept for it; another run creating the same one at the
 * same moment makes Docker refuse the pool, and the next is tried).
 */
import { execFileSync } from "node:child_process";
import { formatCidr, host, mustParseCidr, overlaps, parseCidr, subnet, type Cidr } from "../../ip/cidr";

const RANGE = mustParseCidr("10.214.0.0/16");

const docker = (args: string[]): string => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 }).trim();

function taken(): Cidr[] {
  const ids = docker(["network", "ls", "--quiet"]).split("\n").filter(Boolean);
  const subnets = ids.length === 0 ? "" : docker(["network", "inspect", "--format", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", ...ids]);
  const routes = execFileSync("ip", ["-4", "route", "show", "table", "all"], { encoding: "utf8", timeout: 10_000 })
    .split("\n")
    .map((line) => line.split(" ").find((word) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(word)))
    .filter((w): w is string => w !== undefined);
  return [...subnets.split(/\s+/), ...routes]
    .filter(Boolean)
    .map((text) => parseCidr(text.includes("/") ? text : `${text}/32`))
    .filter((c): c is Cidr => typeof c !== "string");
}

export interface TestNetwork {
  name: string;
  subnet: string;
  gateway: string;
  /** The n-th host address of the subnet. */
  address(n: number): string;
  remove(): void;
}

export function createTestNetwork(name: string, seed: number): TestNetwork {
  for (let attempt = 0; attempt < 16; attempt++) {
    const candidate = subnet(RANGE, 24, (seed + attempt) % 256);
    if (taken().some((c) => overlaps(c, candidate))) continue;
    const gateway = host(candidate, 1);
    try {
      docker(["network", "create", "--driver", "bridge", "--subnet", formatCidr(candidate), "--gateway", gateway, name]);
    } catch {
      continue; // created by someone else between the look and the create: try the next one
    }
    return {
      name,
      subnet: formatCidr(candidate),
      gateway,
      address: (n) => host(candidate, n),
      remove: () => void docker(["network", "rm", name]),
    };
  }
  throw new Error(`no free /24 in ${formatCidr(RANGE)} for the test network ${name}`);
}
