/**
 * A minimal Docker Engine API client over the unix socket, for the real Docker tests: each request
 * is bounded in time, and an answer outside 2xx throws with the engine's message.
 */
import { request } from "node:http";

export const DOCKER_SOCKET = "/var/run/docker.sock";
/** Docker 20.10's API version (Debian bookworm's docker.io), which newer engines still serve. */
const API = "/v1.41";

export interface EngineAnswer {
  status: number;
  body: Buffer;
}

export class EngineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Engine {
  constructor(private readonly socketPath = DOCKER_SOCKET) {}

  /** One request; `body` objects are sent as JSON, Buffers as they are (`contentType` says what). */
  async call(method: string, path: string, body?: object | Buffer, options: { timeoutMs?: number; contentType?: string } = {}): Promise<EngineAnswer> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const timeoutMs = options.timeoutMs ?? 30_000;
    const answer = await new Promise<EngineAnswer>((resolve, reject) => {
      const req = request(
        {
          socketPath: this.socketPath,
          path: `${API}${path}`,
          method,
          headers: payload ? { "Content-Type": options.contentType ?? "application/json", "Content-Length": payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on("error", reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
    if (answer.status < 200 || answer.status > 299) {
      const text = answer.body.toString();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new EngineError(answer.status, `${method} ${path}: ${answer.status} ${message.trim()}`);
    }
    return answer;
  }

  async json<T>(method: string, path: string, body?: object, timeoutMs?: number): Promise<T> {
    const { body: raw } = await this.call(method, path, body, timeoutMs === undefined ? {} : { timeoutMs });
    return (raw.length > 0 ? JSON.parse(raw.toString()) : undefined) as T;
  }

  /** Ids of the containers and networks carrying `label=value`. */
  async labelled(label: string, value: string): Promise<{ containers: string[]; networks: string[] }> {
    const filters = encodeURIComponent(JSON.stringify({ label: [`${label}=${value}`] }));
    const containers = await this.json<{ Id: string }[]>("GET", `/containers/json?all=1&filters=${filters}`);
    const networks = await this.json<{ Id: string }[]>("GET", `/networks?filters=${filters}`);
    return { containers: containers.map((c) => c.Id), networks: networks.map((n) => n.Id) };
  }

  /** Force-removes every container, then every network, carrying `label=value`; returns what it removed. */
  async removeLabelled(label: string, value: string): Promise<number> {
    const { containers, networks } = await this.labelled(label, value);
    for (const id of containers) await this.call("DELETE", `/containers/${id}?force=1&v=1`);
    for (const id of networks) await this.call("DELETE", `/networks/${id}`);
    return containers.length + networks.length;
  }
}
