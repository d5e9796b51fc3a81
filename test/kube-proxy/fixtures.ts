/** The recorded node outputs and the cluster's Services as views, for the kube-proxy tests. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { serviceView, type ApiEndpointSlice, type ServiceView } from "../../kube-proxy/service";
import { apiService, apiSlices, find } from "./cluster";

export const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", name), "utf8");

/** A Service of the cluster as the API gives it, with its slices changed by `edit` when given. */
export function view(namespace: string, name: string, edit?: (slices: ApiEndpointSlice[]) => ApiEndpointSlice[]): ServiceView {
  const s = find(namespace, name);
  const slices = apiSlices(s);
  return serviceView(apiService(s), edit ? edit(slices) : slices);
}
