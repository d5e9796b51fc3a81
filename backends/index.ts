import { calicoFacts, installCalico } from "./calico";
import { canal, installCanal } from "./canal";
import { flannelFacts, installFlannel } from "./flannel";
import type { CniInstall, InstallContext } from "./install";
import { installKindnet, kindnet } from "./kindnet";
import { installMultiplex, multiplexFacts } from "./multiplex";
import type { Backend, BackendFacts } from "./types";

export * from "./types";
export type { CniInstall, ManifestInstall, HelmRelease, InstallContext, K8sObject, PlannedNode, Readiness } from "./install";

/** Every backend's facts; adding a backend means adding a row here, and the compiler shows the rest. */
export const BACKEND_FACTS: Readonly<Record<Backend, BackendFacts>> = {
  kindnet,
  ...flannelFacts,
  ...calicoFacts,
  canal,
  ...multiplexFacts,
};

export function installCni(backend: Backend, ctx: InstallContext): CniInstall {
  switch (backend) {
    case "kindnet":
      return installKindnet();
    case "flannel-vxlan":
    case "flannel-vxlan-directrouting":
    case "flannel-host-gw":
    case "flannel-udp":
      return installFlannel(backend, ctx);
    case "calico-ipip":
    case "calico-vxlan":
    case "calico-bgp":
      return installCalico(backend, ctx);
    case "canal":
      return installCanal(ctx);
    case "macvlan":
    case "ipvlan-l2":
    case "ipvlan-l3":
      return installMultiplex(backend, ctx);
  }
}
