import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IMAGES, TERMINAL_EXECUTABLES, terminalApkPackages } from "../../pins";
import { TERMINAL_ENV } from "../../terminal/env";
import { terminalDockerfile } from "../../terminal/image";
import { planTerminals } from "../../terminal/plan";
import { terminalsSchema } from "../../terminal/settings";

/**
 * The terminal image's Dockerfile held to what pins/terminal-facts.ts says each executable comes
 * from, and the terminal's own code held to that table: whatever the server or the shell runs has a
 * row, so a program added to the server without its package fails here, not on a workshop host.
 */
const dockerfile = terminalDockerfile();
const lines = dockerfile.split("\n");

describe("the terminal image's Dockerfile", () => {
  it("starts from the pinned Node image and copies kubectl from the pinned kubectl image, whose minor is the node image's", () => {
    expect(lines.filter((l) => l.startsWith("FROM"))).toEqual([`FROM ${IMAGES.kubectl} AS kubectl`, `FROM ${IMAGES.node}`]);
    const minor = (ref: string): string => /:v(\d+\.\d+)\./.exec(ref)![1]!;
    expect(minor(IMAGES.kubectl)).toBe(minor(IMAGES.kindNode));
    expect(lines).toContain("COPY --from=kubectl /bin/kubectl /usr/local/bin/kubectl");
  });

  it("adds exactly the Alpine packages that put bash, script and iptables-restore on PATH, in one step", () => {
    // script is in util-linux-misc (util-linux only pulls it by install_if); iptables-restore is iptables-nft.
    expect(lines.filter((l) => l.includes("apk"))).toEqual(["RUN apk add --no-cache bash util-linux-misc iptables"]);
    expect(terminalApkPackages()).toEqual(["bash", "util-linux-misc", "iptables"]);
  });

  it("swapping the bases and leaving the install out changes those lines and nothing else", () => {
    const standIn = terminalDockerfile({ node: "stand-in/node:1", kubectl: "stand-in/kubectl:1", install: null }).split("\n");
    expect(standIn.filter((l) => l.startsWith("FROM"))).toEqual(["FROM stand-in/kubectl:1 AS kubectl", "FROM stand-in/node:1"]);
    const rest = (ls: string[]): string[] => ls.filter((l) => !l.startsWith("FROM") && !l.startsWith("RUN apk"));
    expect(rest(standIn)).toEqual(rest(lines));
    expect(standIn.some((l) => l.includes("apk"))).toBe(false);
  });

  it("carries the terminal's cnilab: its folder and the wrapper on PATH", () => {
    expect(lines).toContain("COPY cli/ /opt/cnilab/cli/");
    expect(lines).toContain("COPY cnilab /usr/local/bin/cnilab");
  });
});

describe("pins/terminal-facts.ts covers what the terminal runs", () => {
  const known = new Set(Object.keys(TERMINAL_EXECUTABLES));

  it("every row says where it was read", () => {
    for (const [name, facts] of Object.entries(TERMINAL_EXECUTABLES)) {
      expect(facts.build.length, name).toBeGreaterThan(0);
      for (const source of facts.build) expect(source.repository && source.path && source.at && source.shows, `${name}: ${JSON.stringify(source)}`).toBeTruthy();
    }
  });

  it("the entrypoint's program and the participant's shell have rows", () => {
    const entrypoint = JSON.parse(lines.find((l) => l.startsWith("ENTRYPOINT"))!.slice("ENTRYPOINT ".length)) as string[];
    expect(known.has(entrypoint[0]!)).toBe(true);
    const [plan] = planTerminals("w", "s", [{ name: "p", index: 0, clusterName: "c", host: { id: "h", address: "127.0.0.1" }, network: { name: "n", subnet: "10.9.0.0/24", gateway: "10.9.0.1" } }], terminalsSchema.parse({}));
    const shell = plan!.env.find((e) => e.startsWith(`${TERMINAL_ENV.shell}=`))!.split("=")[1]!.split(" ")[0]!;
    expect(shell).toBe("bash");
    expect(known.has(shell)).toBe(true);
  });

  it("every program the server starts (spawn, execFile) has a row", () => {
    const server = join(__dirname, "../../terminal/server");
    const started = ["session.ts", "privileges.ts"].flatMap((file) => [...readFileSync(join(server, file), "utf8").matchAll(/\b(?:spawn|execFile|execFileSync)\("([^"]+)"/g)].map((m) => m[1]!));
    expect(started.sort()).toEqual(["iptables-restore", "script", "stty"]);
    for (const program of started) expect(known.has(program), program).toBe(true);
  });
});
