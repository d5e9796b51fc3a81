/**
 * Images the assertion Jobs need for the probe. No image of our own: the bundled probe
 * (probe/bundle.ts) is mounted from a ConfigMap into a stock Node image.
 */

/**
 * Node 24.21.0 (the LTS this project develops on) on Alpine. The digest is the one two unrelated
 * public Dockerfiles pin for `node:24.21.0-alpine` (found with the code index; Docker Hub itself is not
 * reachable from our build machines, so it was not re-resolved here). Alpine keeps the pull small.
 */
export const PROBE_NODE_IMAGE =
  "docker.io/library/node:24.21.0-alpine@sha256:ebfe2f90462722a7a4de65e91990e97fe0d401c70e0e762c5b53302f905ec1c1";

/**
 * The UDP (and HTTP) server the probes talk to: `agnhost netexec --http-port=P --udp-port=Q` answers
 * the datagram "hostname" with the pod's hostname (probe/attempt.ts UDP_REQUEST). agnhost 2.53 with the
 * digest kubernetes-sigs/kueue's e2e script pins (E2E_TEST_AGNHOST_IMAGE), found with the code index.
 */
export const AGNHOST_IMAGE =
  "registry.k8s.io/e2e-test-images/agnhost:2.53@sha256:99c6b4bb4a1e1df3f0b3752168c89358794d02258ebebc26bf21c29399011a85";
