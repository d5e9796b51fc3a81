/**
 * An instructor's kubeconfig holding several participants' kind clusters (as `kind get kubeconfig`
 * merges them: cluster, context and user all named kind-<cluster>), each with a secret of its own.
 */
export function mergedKubeconfig(clusters: readonly string[], current = clusters.at(-1)): string {
  const k = (c: string) => `kind-${c}`;
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    ...clusters.map((c, i) => `- {name: ${k(c)}, cluster: {server: "https://127.0.0.1:${20443 + i}", certificate-authority-data: Q${i}==}}`),
    "contexts:",
    ...clusters.map((c) => `- {name: ${k(c)}, context: {cluster: ${k(c)}, user: ${k(c)}}}`),
    "users:",
    ...clusters.map((c) => `- {name: ${k(c)}, user: {token: ${c}-secret}}`),
    `current-context: ${current ? k(current) : ""}`,
    "",
  ].join("\n");
}
