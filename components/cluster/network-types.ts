/**
 * The data the Docker network provider takes and gives back. Types only, as types.ts: the provider
 * file may import nothing at run time (see provider.ts).
 */

/** The lab's Docker bridge network. Docker cannot change a network in place: any change replaces it. */
export interface DockerNetworkInputs {
  /** Docker's network name, which kind's KIND_EXPERIMENTAL_DOCKER_NETWORK names too. */
  name: string;
  /** The IPv4 subnet, fixed per lab so two labs never collide (`172.30.7.0/24`). */
  subnet: string;
  /** The bridge's own address inside `subnet`. */
  gateway: string;
  /** `com.docker.network.bridge.enable_ip_masquerade`: nodes reach the outside through NAT, as on kind's own network. */
  masquerade: boolean;
  /** The stack's identity labels: what `delete` insists on finding on the network before removing it. */
  labels: Record<string, string>;
  /** DOCKER_HOST of the Docker the network lives on (a workshop's remote host); absent: the local one. */
  dockerHost?: string;
}

/** The state: the inputs as Docker reports them (a refresh shows drift against the program's). */
export type DockerNetworkOutputs = DockerNetworkInputs;

/**
 * A network's state as @pulumi/docker 5.x recorded it (`docker:index/network:Network`), which the
 * provider meets once, when an existing stack is first updated by this version (the resource is
 * aliased to that type, so the engine hands the old outputs to this provider's `diff` and `update`).
 */
export interface PulumiDockerNetworkState {
  name?: string;
  ipamConfigs?: { subnet?: string; gateway?: string }[];
  options?: Record<string, string>;
  labels?: { label: string; value: string }[];
}
