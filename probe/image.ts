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
