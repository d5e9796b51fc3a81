/** Docker-only labs: spec, driver facts, pure plan, Engine API mapping and the results report. */
export { DOCKER_DRIVERS, DRIVER_FACTS, PATH_KINDS, type DockerDriver, type DriverFacts, type NetworkDriver, type PathFact, type PathKind } from "./drivers";
export { HOST_TARGET, isDockerLab, loadDockerLab, parseDockerLab, probeId } from "./lab";
export { loadDockerSpec, loadDockerStackSpec, parseDockerStack, type DockerSpec, type DockerStack } from "./spec";
export { planDockerLab, withProbeBundle, BRIDGE_NAME_OPTION } from "./plan";
export type { ContainerPlan, DockerLabPlan, NetworkPlan } from "./plan-types";
export { planParent, type ParentPlan } from "./parent";
export { GWBRIDGE, planSwarm, swarmNodeLabels, SWARM_LOOPBACK, type SwarmPlan } from "./swarm";
export { bindResult, type ContainerExit } from "./bind";
export { BIND_GROUP, CLASH_BOUND_S } from "./servers";
export { OVERLAY_VXLAN } from "./drivers-overlay";
export { OVERLAY_NETNS_DIR, overlayLines, overlayNetns, parseMtu, parseVxlan, VNI_OPTION, type OverlayEvidence, type VxlanDevice } from "./overlay-evidence";
export type { DockerProbe } from "./probes";
export { renderDockerReport, reportDockerLab, type DockerLabReport } from "./report";
export { DOCKER_TYPES, dockerLabResources, imageResourceName, type DockerResource } from "./resources";
export type * from "./schema";
