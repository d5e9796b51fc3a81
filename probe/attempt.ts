import * as dgram from "node:dgram";
import { lookup } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import * as http from "node:http";
import { connect, isIP } from "node:net";
import { containsIp, mustParseCidr, parseIpv4 } from "../ip/cidr";
import type { ProbeOutcome, ProbeSpec } from "./types";

/** The outcome of one attempt; `detail` says why when the outcome alone does not. */
export interface AttemptOutcome {
  outcome: ProbeOutcome;
  detail?: string;
}

/**
 * The UDP request. agnhost `netexec --udp-port` (registry.k8s.io/e2e-test-images/agnhost:2.53, see
 * pins/images.ts) lower-cases and trims each datagram, answers "hostname" with the pod's hostname,
 * "echo <msg>" with <msg>, "clientip" with the sender's address, and stays silent on anything else
 * (startUDPServer in kubernetes test/images/agnhost/netexec/netexec.go, read at commit 04791b49).
 * So we send the bare command and count any non-empty reply as connected.
 */
export const UDP_REQUEST = "hostname";

/** Connect-phase errno codes with a named outcome; every other code is an `error` with the code in detail. */
const ERRNO_OUTCOME: Record<string, ProbeOutcome> = {
  ECONNREFUSED: "refused",
  ENETUNREACH: "no-route",
  EHOSTUNREACH: "no-route",
  EADDRINUSE: "in-use",
  ETIMEDOUT: "timeout",
};

type Target = { address: string; family: 4 | 6 };
type Connector = (target: Target, spec: ProbeSpec, signal: AbortSignal) => Promise<AttemptOutcome>;

const CONNECTORS: Record<Exclude<ProbeSpec["protocol"], "file">, Connector> = { tcp: tcpAttempt, udp: udpAttempt, http: httpAttempt };

/** One attempt, name resolution included, bounded by spec.timeoutMs. Never rejects. */
export async function attemptOnce(spec: ProbeSpec): Promise<AttemptOutcome> {
  if (spec.protocol === "file") return fileAttempt(spec);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
  try {
    const target = await resolve(spec, controller.signal);
    if ("outcome" in target) return target;
    const outside = outsideWithin(target, spec.within);
    if (outside) return { outcome: "error", detail: outside };
    return await CONNECTORS[spec.protocol](target, spec, controller.signal);
  } catch (err) {
    return { outcome: "error", detail: `unexpected: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A name that does not resolve in time is a dns-error, not a timeout: an egress policy that blocks
 * cluster DNS must not read as "target blocked", which a negative expectation would count as a pass.
 */
async function resolve(spec: ProbeSpec, signal: AbortSignal): Promise<Target | AttemptOutcome> {
  const family = isIP(spec.to);
  if (family === 4 || family === 6) return { address: spec.to, family };
  const late: Promise<AttemptOutcome> = new Promise((done) =>
    signal.addEventListener("abort", () => done({ outcome: "dns-error", detail: `no answer for ${spec.to} within ${spec.timeoutMs} ms` }), { once: true }),
  );
  const answer = lookup(spec.to).then(
    (found): Target => ({ address: found.address, family: found.family === 6 ? 6 : 4 }),
    (err: NodeJS.ErrnoException): AttemptOutcome => ({ outcome: "dns-error", detail: `${err.code ?? "lookup failed"}: ${spec.to}` }),
  );
  return Promise.race([answer, late]);
}

/** Why the address is not inside `within` (an IPv6 address never is), or undefined when it is or no bound was given. */
function outsideWithin(target: Target, within: string | undefined): string | undefined {
  if (within === undefined) return undefined;
  const ip = target.family === 4 ? parseIpv4(target.address) : undefined;
  return ip !== undefined && containsIp(mustParseCidr(within), ip) ? undefined : `${target.address} is outside ${within}`;
}

/**
 * Reads the file at `to` in this container: found when it holds `content` (or any text when none is
 * given), missing on ENOENT, an error naming the text otherwise. A local read needs no timer.
 */
async function fileAttempt(spec: ProbeSpec): Promise<AttemptOutcome> {
  try {
    const text = (await readFile(spec.to, "utf8")).trim();
    if (spec.content === undefined || text === spec.content.trim()) return { outcome: "found" };
    return { outcome: "error", detail: `${spec.to} holds ${JSON.stringify(text.slice(0, 64))}, not ${JSON.stringify(spec.content.trim())}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { outcome: "missing" } : { outcome: "error", detail: `${code ?? "error"}: ${(err as Error).message}` };
  }
}

function fromError(err: NodeJS.ErrnoException): AttemptOutcome {
  const outcome = (err.code === undefined ? undefined : ERRNO_OUTCOME[err.code]) ?? "error";
  if (outcome === "error") return { outcome, detail: `${err.code ?? "error"}: ${err.message}` };
  // ENETUNREACH (no route, at once) and EHOSTUNREACH (no neighbour, after ARP gives up) are both no-route: the code says which.
  return outcome === "no-route" ? { outcome, detail: err.code! } : { outcome };
}

/** Runs `start` with a `finish` that settles once, runs the cleanup, and is also called on abort. */
function settleOnce(
  signal: AbortSignal,
  onAbort: () => AttemptOutcome,
  start: (finish: (o: AttemptOutcome) => void) => () => void,
): Promise<AttemptOutcome> {
  return new Promise((done) => {
    let settled = false;
    let cleanup: () => void = () => {};
    const abort = () => finish(onAbort());
    function finish(outcome: AttemptOutcome): void {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", abort);
      cleanup();
      done(outcome);
    }
    cleanup = start(finish);
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
  });
}

function tcpAttempt(target: Target, spec: ProbeSpec, signal: AbortSignal): Promise<AttemptOutcome> {
  return settleOnce(signal, () => ({ outcome: "timeout" }), (finish) => {
    const socket = connect({ host: target.address, port: spec.port, family: target.family });
    socket.once("connect", () => finish({ outcome: "connected" }));
    socket.on("error", (err) => finish(fromError(err)));
    return () => socket.destroy();
  });
}

/** A connected UDP socket, so an ICMP port-unreachable comes back as ECONNREFUSED (refused). */
function udpAttempt(target: Target, spec: ProbeSpec, signal: AbortSignal): Promise<AttemptOutcome> {
  return settleOnce(signal, () => ({ outcome: "timeout" }), (finish) => {
    const socket = dgram.createSocket(target.family === 6 ? "udp6" : "udp4");
    socket.on("error", (err) => finish(fromError(err)));
    socket.on("message", (reply) => {
      if (reply.length > 0) finish({ outcome: "connected", detail: `reply: ${reply.toString("utf8", 0, 64)}` });
    });
    socket.connect(spec.port, target.address, () => {
      socket.send(UDP_REQUEST, (err) => err && finish(fromError(err)));
    });
    return () => socket.close();
  });
}

/** GET /; any HTTP response is a connection (the status goes in detail). */
function httpAttempt(target: Target, spec: ProbeSpec, signal: AbortSignal): Promise<AttemptOutcome> {
  let tcpConnected = false;
  const noResponse = (): AttemptOutcome =>
    tcpConnected
      ? { outcome: "timeout", detail: `TCP connected, no HTTP response within ${spec.timeoutMs} ms` }
      : { outcome: "timeout" };
  return settleOnce(signal, noResponse, (finish) => {
    const host = isIP(spec.to) === 6 ? `[${spec.to}]` : spec.to;
    const request = http.request({
      host: target.address,
      family: target.family,
      port: spec.port,
      method: "GET",
      path: "/",
      headers: { host: `${host}:${spec.port}`, connection: "close" },
      agent: false,
    });
    request.once("socket", (socket) => socket.once("connect", () => (tcpConnected = true)));
    request.once("response", (response) => {
      response.resume();
      finish({ outcome: "connected", detail: `HTTP ${response.statusCode}` });
    });
    // `on`, not `once`: destroying the request after it settled can emit a second error.
    request.on("error", (err: NodeJS.ErrnoException) =>
      finish(tcpConnected ? { outcome: "error", detail: `TCP connected, then ${err.code ?? err.message}` } : fromError(err)),
    );
    request.end();
    return () => request.destroy();
  });
}
