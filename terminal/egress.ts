/**
 * What a terminal may reach, as an iptables-restore file its container loads at start, before the
 * server drops to an unprivileged user without capabilities (image.ts entrypoint), so the
 * participant's shell cannot undo it.
 *
 * Why in the terminal's own network namespace and not the host's DOCKER-USER chain: traffic from a
 * container to an address of its host (the registry caches listen on the host network; other
 * participants' API servers are published on the host's address) is INPUT on the host, which
 * DOCKER-USER (a FORWARD chain) never sees; and on a remote Docker host cnilab has the Docker API,
 * not a root shell for iptables. Inside the namespace one OUTPUT chain covers every case alike:
 *   - loopback (Docker's embedded DNS answers on 127.0.0.11) and replies to the browser's own
 *     connection (published port → server) pass;
 *   - the network's gateway (the host) is rejected: no registry cache, no other API port, no host service;
 *   - the participant's own node network passes: their API server and nodes;
 *   - everything else (other participants' networks, the internet) is rejected.
 */
export function egressRules(subnet: string, gateway: string): string {
  return [
    "*filter",
    ":INPUT ACCEPT [0:0]",
    ":FORWARD DROP [0:0]",
    ":OUTPUT DROP [0:0]",
    "-A OUTPUT -o lo -j ACCEPT",
    "-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    `-A OUTPUT -d ${gateway}/32 -j REJECT --reject-with icmp-admin-prohibited`,
    `-A OUTPUT -d ${subnet} -j ACCEPT`,
    "-A OUTPUT -j REJECT --reject-with icmp-admin-prohibited",
    "COMMIT",
    "",
  ].join("\n");
}
