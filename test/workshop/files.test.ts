import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PARTICIPANT_FILES, saveParticipant } from "../../workshop/files";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe("a participant's saved folder", () => {
  it("is readable by its owner only, even over files an earlier up left readable by all", () => {
    const root = mkdtempSync(join(tmpdir(), "cnilab-ws-files-"));
    dirs.push(root);
    const folder = join(root, "demo", "ana");
    mkdirSync(folder, { recursive: true, mode: 0o755 });
    writeFileSync(join(folder, PARTICIPANT_FILES.markdown), "old", { mode: 0o644 });
    const link = "http://192.0.2.1:9100/?token=abc";
    const dir = saveParticipant(
      root,
      "demo",
      { name: "ana", host: "local", backend: "kindnet", clusterName: "demo-ana", apiServer: "https://127.0.0.1:7001", kubeconfig: "apiVersion: v1\n", terminal: link },
      { markdown: `# ana\n${link}\n`, html: `<a href="${link}">terminal</a>` },
    );
    expect(dir).toBe(folder);
    expect(mode(folder)).toBe(0o700);
    for (const file of Object.values(PARTICIPANT_FILES)) expect([file, mode(join(folder, file))]).toEqual([file, 0o600]);
    expect(readFileSync(join(folder, PARTICIPANT_FILES.markdown), "utf8")).toContain(link);
  });
});
