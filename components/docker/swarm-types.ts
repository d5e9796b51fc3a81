/** The data the swarm provider takes and gives back; types only (the provider imports nothing at run time). */

/** docker/swarm.ts SwarmPlan without its resource name. */
export interface DockerSwarmInputs {
  advertiseAddress: string;
  listenAddress: string;
  dataPathAddress: string;
  /** Put on the swarm's node; delete leaves only a swarm whose node still carries them. */
  nodeLabels: Record<string, string>;
}

export interface DockerSwarmOutputs extends DockerSwarmInputs {
  nodeId: string;
  /** Whether `docker swarm init` made docker_gwbridge (it did not exist before), so delete removes it again. */
  gwbridgeMade: boolean;
}
