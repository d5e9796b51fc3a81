/**
 * A kubeconfig for a Kubernetes API stand-in served over plain HTTP on loopback. @kubernetes/client-node
 * refuses plain HTTP unless TLS verification is skipped, hence the flag.
 */
export function loopbackKubeconfig(port: number): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: lab, cluster: {server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]`,
    "users: [{name: admin, user: {token: t}}]",
    "contexts: [{name: lab, context: {cluster: lab, user: admin}}]",
    "current-context: lab",
  ].join("\n");
}
