/**
 * The names kube-proxy gives the objects it writes for one Service port, so `explain service` finds
 * them from the Service alone, also when kube-proxy dropped its comments (iptables mode drops them
 * above 1,000 endpoints: kubernetes/kubernetes v1.34.0 pkg/proxy/iptables/proxier.go
 * largeClusterEndpointsThreshold). Pure.
 */
import { createHash } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (Go's base32.StdEncoding, padding left off: only a prefix is ever used). */
function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

/** base32(sha256(text)), its first `length` characters: both proxiers name chains with it. */
export function kubeProxyHash(text: string, length = 16): string {
  return base32(createHash("sha256").update(text).digest()).slice(0, length);
}

/** A Service port as kube-proxy keys it. */
export interface ServicePortKey {
  namespace: string;
  name: string;
  /** The port's name; "" for a Service's single unnamed port. */
  port: string;
  /** As the Service says it: TCP, UDP or SCTP. */
  protocol: string;
}

/**
 * ServicePortName.String(): "namespace/name:port", or "namespace/name" when the port has no name
 * (v1.34.0 pkg/proxy/types.go fmtPortName). It is also the text of kube-proxy's rule comments.
 */
export function servicePortName(key: ServicePortKey): string {
  return `${key.namespace}/${key.name}${key.port === "" ? "" : `:${key.port}`}`;
}

const proto = (key: ServicePortKey) => key.protocol.toLowerCase();

/**
 * iptables mode: KUBE-SVC- (Cluster policy), KUBE-SVL- (Local policy), KUBE-EXT- (external
 * destinations), KUBE-FW- + the first 16 base32 characters of sha256(portName + protocol), protocol
 * in lower case; KUBE-SEP- + the same hash of portName + protocol + "ip:port" (v1.34.0
 * pkg/proxy/iptables/proxier.go portProtoHash, servicePortEndpointChainName, newServiceInfo).
 */
export function iptablesChains(key: ServicePortKey) {
  const hash = kubeProxyHash(servicePortName(key) + proto(key));
  return { cluster: `KUBE-SVC-${hash}`, local: `KUBE-SVL-${hash}`, external: `KUBE-EXT-${hash}`, firewall: `KUBE-FW-${hash}` };
}

export function iptablesEndpointChain(key: ServicePortKey, endpoint: string): string {
  return `KUBE-SEP-${kubeProxyHash(servicePortName(key) + proto(key) + endpoint)}`;
}

/**
 * nftables mode: "<hash8>-namespace/name/protocol/portName" after service-, local-, external-
 * (v1.34.0 pkg/proxy/nftables/proxier.go servicePortChainNameBase, hashAndTruncate: 8 base32
 * characters of sha256 of the rest; the name can never reach the 240-character truncation).
 */
export function nftablesChains(key: ServicePortKey) {
  const base = `${key.namespace}/${key.name}/${proto(key)}/${key.port}`;
  const named = `${kubeProxyHash(base, 8)}-${base}`;
  return { cluster: `service-${named}`, local: `local-${named}`, external: `external-${named}` };
}

/** endpoint-<hash8>-namespace/name/protocol/portName__ip/port (servicePortEndpointChainNameBase; IPv6 colons become dots). */
export function nftablesEndpointChain(key: ServicePortKey, ip: string, port: number): string {
  const base = `${key.namespace}/${key.name}/${proto(key)}/${key.port}__${ip.replaceAll(":", ".")}/${port}`;
  return `endpoint-${kubeProxyHash(base, 8)}-${base}`;
}
