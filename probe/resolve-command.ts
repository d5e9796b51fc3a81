import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ProbeIo } from "./command";
import { parseResolveRequest, resolveTargets, type ApiCall } from "./resolve";

/** Where a pod finds its ServiceAccount's token and the cluster's CA (Kubernetes mounts them there). */
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const API_TIMEOUT_MS = 10_000;

export const RESOLVE_USAGE = "probe resolve --request FILE [--api URL] [--token-file FILE] [--ca-file FILE]";

/**
 * The in-cluster entry of probe/resolve.ts. The API server defaults to the one a pod is told about
 * (KUBERNETES_SERVICE_HOST/PORT: an address, no DNS needed) with the pod's ServiceAccount.
 * Exit 0 once the ConfigMaps are written, 1 when the API refused or failed, 2 on bad usage.
 */
export async function runResolveCommand(argv: string[], io: ProbeIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const usage = (message: string): number => {
    io.stderr(`probe resolve: ${message}\nusage: ${RESOLVE_USAGE}\n`);
    return 2;
  };
  let values: { request?: string; api?: string; "token-file"?: string; "ca-file"?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { request: { type: "string" }, api: { type: "string" }, "token-file": { type: "string" }, "ca-file": { type: "string" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (values.request === undefined) return usage("--request FILE is required");
  const host = env.KUBERNETES_SERVICE_HOST;
  const api = values.api ?? (host ? `https://${host.includes(":") ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? "443"}` : undefined);
  if (api === undefined) return usage("--api URL is required outside a pod (KUBERNETES_SERVICE_HOST is not set)");
  const file = resolve(io.cwd, values.request);
  let request;
  let token: string;
  let ca: string | undefined;
  try {
    request = parseResolveRequest(readFileSync(file, "utf8"), file);
    token = readFileSync(values["token-file"] ?? `${SERVICE_ACCOUNT_DIR}/token`, "utf8").trim();
    ca = api.startsWith("https:") ? readFileSync(values["ca-file"] ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`, "utf8") : undefined;
  } catch (err) {
    return usage(`cannot read ${(err as NodeJS.ErrnoException).path ?? file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (Array.isArray(request)) return usage(`invalid request:\n  ${request.join("\n  ")}`);
  try {
    await resolveTargets(request, apiClient(api, token, ca), {
      log: (line) => io.stdout(`${line}\n`),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: () => Date.now(),
    });
    return 0;
  } catch (err) {
    io.stderr(`probe resolve: ${(err as Error).message}\n`);
    return 1;
  }
}

/** JSON over HTTP(S) with a bearer token; each call bounded by API_TIMEOUT_MS. */
export function apiClient(base: string, token: string, ca: string | undefined): ApiCall {
  return (method, path, body) =>
    new Promise((done, fail) => {
      const url = new URL(path, base);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method,
          timeout: API_TIMEOUT_MS,
          ...(ca ? { ca } : {}),
          headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // Not JSON (a proxy's error page): keep the text for the message.
            }
            done({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${url.href}: no answer within ${API_TIMEOUT_MS / 1000} s`)));
      req.on("error", (e) => fail(new Error(`${method} ${url.href}: ${e.message}`)));
      req.end(payload);
    });
}
