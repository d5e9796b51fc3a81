/**
 * A workshop: per host one Docker provider and one registry cache (RegistryCache), per participant
 * one ClusterLab on their host, mirroring through that host's cache (the plan put the mirrors in its
 * kind config). It registers what workshop/plan.ts lists and nothing else. Every child's name comes
 * from the participant's or host's own name, never a position, so adding a participant adds one
 * ClusterLab and leaves every other URN and input as it was.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { WORKSHOP_CHILDREN, type WorkshopPlan } from "../../workshop/plan";
import type { WorkshopParticipantOutput } from "../../workshop/outputs";
import type { K8sObject } from "../../backends";
import { ClusterLab } from "../lab";
import { renderHandoutMarkdown, type HandoutExercise } from "../../workshop/handout";
import { TERMINAL_IMAGE_NAME } from "../../terminal/image";
import { RegistryCache } from "./registry-cache";
import { Terminal, TerminalImage } from "./terminal";

export const WORKSHOP_TYPE = "cnilab:workshop:Workshop";

export interface WorkshopArgs {
  plan: WorkshopPlan;
  /** The probe program as one JavaScript file (probe/bundle.ts), for every lab's assertion Jobs. */
  probeBundle: string;
  /** Per participant, the objects of the upstream manifests their CNI comes from (canal's); none for the others. */
  manifestObjects: Readonly<Record<string, readonly K8sObject[]>>;
  /** The terminal image's build context (terminal/image.ts wrote it), when the plan has terminals. */
  terminalImageContext?: string;
  /** The lab's exercises as the handouts list them (workshop/exercises.ts), for the copy in each terminal. */
  handoutExercises?: readonly HandoutExercise[];
}

export class Workshop extends pulumi.ComponentResource {
  readonly participants: pulumi.Output<Record<string, WorkshopParticipantOutput>>;
  readonly caches: pulumi.Output<Record<string, string[]>>;

  constructor(name: string, args: WorkshopArgs, opts?: pulumi.ComponentResourceOptions) {
    super(WORKSHOP_TYPE, name, {}, opts);
    const { plan } = args;
    const caches = plan.hosts.map((h) => {
      // One provider per Docker host: the caches go where the host's Docker is.
      const provider = new docker.Provider(WORKSHOP_CHILDREN.provider(h.host.id), h.host.dockerHost ? { host: h.host.dockerHost } : {}, { parent: this });
      return { host: h.host.id, provider, cache: new RegistryCache(WORKSHOP_CHILDREN.cache(h.host.id), { plan: h.cache }, { parent: this, providers: { docker: provider } }) };
    });
    // One terminal image per host that has a participant with a terminal, built there.
    const images = new Map<string, TerminalImage>();
    const imageOn = (host: string): TerminalImage => {
      if (!args.terminalImageContext) throw new Error("workshop: the plan has terminals but no terminalImageContext was given (program.ts writes it)");
      const provider = caches.find((c) => c.host === host)!.provider;
      const image = images.get(host) ?? new TerminalImage(WORKSHOP_CHILDREN.terminalImage(host), { context: args.terminalImageContext, imageName: TERMINAL_IMAGE_NAME }, { parent: this, providers: { docker: provider } });
      images.set(host, image);
      return image;
    };
    const labs = plan.participants.map((p) => {
      const cache = caches.find((c) => c.host === p.host.id)!.cache;
      const lab = new ClusterLab(
        WORKSHOP_CHILDREN.lab(p.name),
        { plan: p.lab, manifestObjects: args.manifestObjects[p.name] ?? [], probeBundle: args.probeBundle, ...(p.host.dockerHost ? { dockerHost: p.host.dockerHost } : {}) },
        // The nodes pull through the cache from their first image on; no data edge says so.
        { parent: this, dependsOn: [cache] },
      );
      const apiServer = `https://${p.apiServer.address}:${p.apiServer.port}`;
      const terminal = p.terminal
        ? new Terminal(
            WORKSHOP_CHILDREN.terminal(p.name),
            {
              plan: p.terminal,
              imageId: imageOn(p.host.id).imageId,
              kubeconfig: lab.kubeconfig,
              // The handout up saves, with the link first.
              handout: (url) => renderHandoutMarkdown({ workshop: plan.workshop, participant: p.name, backend: p.backend, clusterName: p.clusterName, apiServer, lab: p.spec.lab, exercises: args.handoutExercises ?? [], terminal: url }),
              // The same assertions `workshop up` judges the lab by (cli/services/workshop-stack.ts saveAndJudge).
              context: lab.assertions.apply((assertions) => ({ workshop: plan.workshop, participant: p.name, backend: p.backend, lab: p.spec.lab.name, assertions })),
            },
            { parent: this, providers: { docker: caches.find((c) => c.host === p.host.id)!.provider } },
          )
        : undefined;
      const output = pulumi.all([lab.kubeconfig, lab.assertions, terminal?.url]).apply(([kubeconfig, assertions, terminalUrl]) => ({
        host: p.host.id,
        backend: p.backend,
        clusterName: p.clusterName,
        apiServer,
        kubeconfig,
        assertions,
        ...(terminalUrl ? { terminal: terminalUrl } : {}),
      }));
      return [p.name, output] as const;
    });
    this.participants = pulumi.secret(pulumi.all(Object.fromEntries(labs)));
    this.caches = pulumi.all(Object.fromEntries(caches.map((c) => [c.host, c.cache.containerNames])));
    this.registerOutputs({ participants: this.participants, caches: this.caches });
  }
}
