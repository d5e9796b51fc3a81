/**
 * The components as a library: each is `new X(name, args, opts)` with its args type beside it, and
 * registers what its plan says (plan/ and docker/ build the args as data). program.ts is one user.
 */
export { ClusterLab, type ClusterLabArgs } from "./lab";
export { KindCluster, KindClusterResource, kindClusterProvider, type KindClusterArgs, type KindClusterInputs, type KindClusterOutputs, type KindNode, type KindNodeRole } from "./cluster";
export { Cni, type CniArgs } from "./cni";
export { Workloads, type WorkloadsArgs } from "./workloads";
export { Policies, type PoliciesArgs } from "./policy";
export { Assertions, type AssertionsArgs } from "./assertions";
export type { StackOutputs } from "./outputs";
export { DockerOnlyLab, dockerLabProgram, type DockerOnlyLabArgs } from "./docker";
