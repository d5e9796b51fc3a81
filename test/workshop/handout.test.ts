/** A participant's handout: their lab, cluster and commands, as Markdown and as one self-contained page; never a solution. */
import { describe, expect, it } from "vitest";
import { handoutExercises, labExercises } from "../../workshop/exercises";
import { loadLab } from "../../labs";
import { renderHandoutHtml, renderHandoutMarkdown, type HandoutInput } from "../../workshop/handout";

async function input(): Promise<HandoutInput> {
  return {
    workshop: "demo",
    participant: "p2",
    backend: "kindnet",
    clusterName: "demo-p2",
    apiServer: "https://127.0.0.1:20444",
    lab: await loadLab("netpol"),
    // An exercise as the exercises' data might hold it: the handout type takes name, title and goal only.
    exercises: [{ name: "lock-down", title: "Deny all ingress to prod", goal: "only web reaches nginx", solution: "kind: NetworkPolicy SECRET" } as never],
  };
}

describe("handout", () => {
  it("lists the lab's exercises by title and task, never with their solution", async () => {
    const exercises = await labExercises("netpol");
    expect(exercises.length).toBeGreaterThan(0);
    const md = renderHandoutMarkdown({ ...(await input()), exercises: handoutExercises(exercises) });
    for (const e of exercises) {
      expect(md).toContain(`- ${e.name}: ${e.title}`);
      for (const policy of e.solution) expect(md).not.toContain(JSON.stringify(policy));
    }
    expect(md).not.toMatch(/solution/i);
  });

  it("says whose lab, where it is, how to start, what is in it, and how to get reset", async () => {
    const md = renderHandoutMarkdown(await input());
    expect(md.split("\n")[0]).toBe("# demo — p2");
    expect(md).toContain("in your own kind cluster demo-p2");
    expect(md).toContain("API server https://127.0.0.1:20444");
    expect(md).toContain("export KUBECONFIG=$PWD/kubeconfig");
    expect(md).toMatch(/^- nginx in namespace default$/m);
    expect(md).toMatch(/^- deny-nginx: /m);
    expect(md).toContain("- lock-down: Deny all ingress to prod — only web reaches nginx");
    expect(md).toContain("cnilab workshop reset demo p2");
  });

  it("never carries an exercise's solution, in either form", async () => {
    const i = await input();
    expect(renderHandoutMarkdown(i)).not.toContain("SECRET");
    expect(renderHandoutHtml(i)).not.toContain("SECRET");
  });

  it("the page is self-contained and escaped", async () => {
    const html = renderHandoutHtml({ ...(await input()), participant: "<b>" });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/);
    expect(html).toContain("&lt;b&gt;");
  });
});
