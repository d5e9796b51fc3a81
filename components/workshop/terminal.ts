/**
 * A participant's browser terminal (terminal/plan.ts): their token, drawn once and kept in the
 * state as a secret, and one container of the host's terminal image on their own node network,
 * published at their port, limited as planned, with exactly five files put in before it starts:
 * their cluster's kubeconfig (their entry alone, terminal/kubeconfig.ts), their handout, their lab's
 * context for the terminal's cnilab (terminal/context.ts), the token and the egress rules. No bind mount, no Docker socket, nothing of the host's file system; the
 * same holds on a remote Docker host, where a bind mount would name the host's files anyway.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { terminalContextText, type TerminalContext } from "../../terminal/context";
import { terminalKubeconfig } from "../../terminal/kubeconfig";
import { TERMINAL_CONTAINER_PORT, TERMINAL_PATHS, terminalUrl, type TerminalPlan } from "../../terminal/plan";
import { TERMINAL_CAPABILITIES } from "../../terminal/server/privileges";
import { newTerminalToken } from "../../terminal/token";

export const TERMINAL_TYPE = "cnilab:workshop:Terminal";

/** Creates the token once; an update never draws a new one (no diff asks for a replacement). */
const tokenProvider: pulumi.dynamic.ResourceProvider = {
  async create() {
    return { id: "terminal-token", outs: { token: newTerminalToken() } };
  },
};

/** Type `pulumi-nodejs:dynamic/cnilab:TerminalToken`; its `token` output is a secret in the state. */
export class TerminalToken extends pulumi.dynamic.Resource {
  declare readonly token: pulumi.Output<string>;
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(tokenProvider, name, { token: undefined }, { ...opts, additionalSecretOutputs: ["token"] }, "cnilab", "TerminalToken");
  }
}

export interface TerminalArgs {
  plan: TerminalPlan;
  /** The host's terminal image (TerminalImage.imageId). */
  imageId: pulumi.Input<string>;
  /** `kind get kubeconfig` of the participant's cluster (the lab's secret output). */
  kubeconfig: pulumi.Input<string>;
  /** Their handout as Markdown given their link, put in their home folder. */
  handout: (url: string) => string;
  /** Their workshop, backend, lab and its `assertions` output: what the terminal's verify and check read. */
  context: pulumi.Input<TerminalContext>;
}

export class Terminal extends pulumi.ComponentResource {
  /** The participant's link, token included: a secret. */
  readonly url: pulumi.Output<string>;
  readonly containerName: pulumi.Output<string>;

  constructor(name: string, args: TerminalArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TERMINAL_TYPE, name, {}, opts);
    const { plan } = args;
    const token = new TerminalToken(`${name}-token`, { parent: this });
    const owned = { owner: String(plan.uid), group: String(plan.uid) };
    const url = token.token.apply((t) => terminalUrl(plan, t));
    const container = new docker.Container(
      name,
      {
        name: plan.containerName,
        image: args.imageId,
        envs: plan.env,
        labels: plan.labels,
        // Their own network only: no default bridge, no host network.
        networkMode: plan.network.name,
        networksAdvanced: [{ name: plan.network.name, ipv4Address: plan.network.ipv4Address }],
        ports: [{ internal: TERMINAL_CONTAINER_PORT, external: plan.hostPort }],
        cpus: String(plan.limits.cpus),
        memory: plan.limits.memoryBytes / (1024 * 1024),
        memorySwap: plan.limits.memoryBytes / (1024 * 1024),
        // RLIMIT_NPROC, counted per real uid: the participant's own (plan.uid). Root ignores it until the drop.
        ulimits: [{ name: "nproc", soft: plan.limits.processes, hard: plan.limits.processes }],
        // Root only to load the egress rules and become the participant's user; the change of uid clears them all (privileges.ts).
        capabilities: { drops: ["ALL"], adds: Object.keys(TERMINAL_CAPABILITIES) },
        securityOpts: ["no-new-privileges"],
        uploads: [
          { file: TERMINAL_PATHS.kubeconfig, content: pulumi.output(args.kubeconfig).apply((k) => terminalKubeconfig(k, plan.clusterName)), permissions: "0600", ...owned },
          { file: TERMINAL_PATHS.handout, content: url.apply(args.handout), permissions: "0644", ...owned },
          { file: TERMINAL_PATHS.context, content: pulumi.output(args.context).apply((c) => terminalContextText(c as TerminalContext)), permissions: "0644", ...owned },
          { file: TERMINAL_PATHS.token, content: token.token, permissions: "0400" },
          { file: TERMINAL_PATHS.egress, content: plan.egress, permissions: "0400" },
        ],
        restart: "unless-stopped",
        mustRun: true,
      },
      { parent: this },
    );
    this.url = pulumi.secret(url);
    this.containerName = container.name;
    this.registerOutputs({ url: this.url, containerName: this.containerName });
  }
}

/** The terminal image built on one host from the context terminal/image.ts wrote. */
export class TerminalImage extends pulumi.ComponentResource {
  readonly imageId: pulumi.Output<string>;
  constructor(name: string, args: { context: string; imageName: string }, opts?: pulumi.ComponentResourceOptions) {
    super("cnilab:workshop:TerminalImage", name, {}, opts);
    const image = new docker.RemoteImage(name, { name: args.imageName, build: { context: args.context } }, { parent: this });
    this.imageId = image.imageId;
    this.registerOutputs({ imageId: this.imageId });
  }
}
