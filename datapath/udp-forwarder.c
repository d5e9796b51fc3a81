/*
 * cnilab's user-space UDP forwarder: what flanneld's udp backend does on a node, small enough to read.
 * (Our own program; the behaviour follows flannel-io/flannel v0.28.9 pkg/backend/udp, see
 * backends/flannel-udp.ts for the facts and where each was read.)
 *
 *   cnilab-udp-forwarder <tun> <listen-ip> <port> <tun-ip> [<subnet>/<len>=<peer-ip> ...]
 *
 * Attaches to the TUN device <tun> (made beforehand with `ip tuntap add`, IFF_TUN | IFF_NO_PI: bare IP
 * packets), listens on UDP <listen-ip>:<port>, and then, per packet:
 *   TUN -> peer:  read one IP packet, find the peer node owning its destination, decrement the TTL,
 *                 send the packet as the payload of one UDP datagram to <peer-ip>:<port>;
 *                 no peer owns it -> ICMP net unreachable back into the TUN device, from <tun-ip>;
 *   peer -> TUN:  receive a datagram, decrement the TTL, write the packet into the TUN device.
 * Every packet crosses between the kernel and this process twice on each node: that is the cost the
 * datapath bench measures. Prints "ready" once both ends are open; runs until killed (`datapath down`
 * kills every process in the lab's namespaces).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PEERS 64
#define MAX_PACKET 65535

struct peer {
	uint32_t net, mask; /* host order */
	struct sockaddr_in addr;
};

static struct peer peers[MAX_PEERS];
static int npeers;
static uint32_t tun_ip; /* network order */

static void die(const char *what) {
	fprintf(stderr, "cnilab-udp-forwarder: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(const char *why) {
	fprintf(stderr, "cnilab-udp-forwarder: %s\nusage: cnilab-udp-forwarder <tun> <listen-ip> <port> <tun-ip> [<subnet>/<len>=<peer-ip> ...]\n", why);
	exit(2);
}

static uint16_t checksum(const uint8_t *p, size_t len) {
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < len; i += 2) sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1) sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* An IPv4 header we can forward: version 4, a sane header length within the packet. */
static int header_len(const uint8_t *pkt, ssize_t n) {
	if (n < 20 || (pkt[0] >> 4) != 4) return 0;
	int ihl = (pkt[0] & 0x0f) * 4;
	return ihl >= 20 && ihl <= n ? ihl : 0;
}

/* As a router does: TTL - 1, the header checksum recomputed; 0 when the packet must be dropped. */
static int decrement_ttl(uint8_t *pkt, int ihl) {
	if (pkt[8] <= 1) return 0;
	pkt[8]--;
	pkt[10] = pkt[11] = 0;
	uint16_t c = checksum(pkt, (size_t)ihl);
	pkt[10] = c >> 8;
	pkt[11] = c & 0xff;
	return 1;
}

static const struct peer *find_peer(uint32_t dst /* network order */) {
	uint32_t d = ntohl(dst);
	for (int i = 0; i < npeers; i++)
		if ((d & peers[i].mask) == peers[i].net) return &peers[i];
	return NULL;
}

/* ICMP destination unreachable, code 0 (net), quoting the offender's header and 8 bytes (RFC 792). */
static void net_unreachable(int tun, const uint8_t *pkt, int ihl, ssize_t n) {
	if (pkt[9] == IPPROTO_ICMP) return; /* never an ICMP error about an ICMP message */
	size_t quoted = (size_t)ihl + 8 <= (size_t)n ? (size_t)ihl + 8 : (size_t)n;
	uint8_t out[20 + 8 + 60 + 8];
	size_t len = 20 + 8 + quoted;
	memset(out, 0, sizeof out);
	out[0] = 0x45;
	out[2] = len >> 8;
	out[3] = len & 0xff;
	out[8] = 64;
	out[9] = IPPROTO_ICMP;
	memcpy(out + 12, &tun_ip, 4);
	memcpy(out + 16, pkt + 12, 4); /* back to the sender */
	uint16_t c = checksum(out, 20);
	out[10] = c >> 8;
	out[11] = c & 0xff;
	out[20] = 3; /* destination unreachable */
	out[21] = 0; /* net unreachable */
	memcpy(out + 28, pkt, quoted);
	c = checksum(out + 20, 8 + quoted);
	out[22] = c >> 8;
	out[23] = c & 0xff;
	if (write(tun, out, len) < 0) fprintf(stderr, "cnilab-udp-forwarder: ICMP into TUN: %s\n", strerror(errno));
}

static void parse_peer(const char *arg, uint16_t port) {
	char net[64], ip[64];
	int len;
	if (npeers == MAX_PEERS) usage("too many peers");
	if (sscanf(arg, "%63[0-9.]/%d=%63[0-9.]", net, &len, ip) != 3 || len < 0 || len > 32) usage(arg);
	struct in_addr a;
	struct peer *p = &peers[npeers++];
	if (inet_pton(AF_INET, net, &a) != 1) usage(arg);
	p->mask = len == 0 ? 0 : 0xffffffffu << (32 - len);
	p->net = ntohl(a.s_addr) & p->mask;
	p->addr.sin_family = AF_INET;
	p->addr.sin_port = htons(port);
	if (inet_pton(AF_INET, ip, &p->addr.sin_addr) != 1) usage(arg);
}

int main(int argc, char **argv) {
	if (argc < 5) usage("missing arguments");
	int port = atoi(argv[3]);
	if (port <= 0 || port > 65535) usage("port must be 1..65535");
	struct in_addr a;
	if (inet_pton(AF_INET, argv[4], &a) != 1) usage("tun-ip is not an IPv4 address");
	tun_ip = a.s_addr;
	for (int i = 5; i < argc; i++) parse_peer(argv[i], (uint16_t)port);

	int tun = open("/dev/net/tun", O_RDWR);
	if (tun < 0) die("open /dev/net/tun");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
	if (ioctl(tun, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");

	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock < 0) die("socket");
	struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, argv[2], &local.sin_addr) != 1) usage("listen-ip is not an IPv4 address");
	if (bind(sock, (struct sockaddr *)&local, sizeof local) < 0) die("bind");

	printf("ready\n");
	fflush(stdout);

	static uint8_t buf[MAX_PACKET];
	struct pollfd fds[2] = {{.fd = tun, .events = POLLIN}, {.fd = sock, .events = POLLIN}};
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR) continue;
			die("poll");
		}
		if (fds[0].revents & POLLIN) {
			ssize_t n = read(tun, buf, sizeof buf);
			int ihl = header_len(buf, n);
			if (ihl > 0) {
				uint32_t dst;
				memcpy(&dst, buf + 16, 4);
				const struct peer *p = find_peer(dst);
				if (p == NULL) net_unreachable(tun, buf, ihl, n);
				else if (decrement_ttl(buf, ihl) && sendto(sock, buf, (size_t)n, 0, (const struct sockaddr *)&p->addr, sizeof p->addr) < 0)
					fprintf(stderr, "cnilab-udp-forwarder: send to %s: %s\n", inet_ntoa(p->addr.sin_addr), strerror(errno));
			}
		}
		if (fds[1].revents & POLLIN) {
			ssize_t n = recv(sock, buf, sizeof buf, 0);
			int ihl = header_len(buf, n);
			if (ihl > 0 && decrement_ttl(buf, ihl) && write(tun, buf, (size_t)n) < 0)
				fprintf(stderr, "cnilab-udp-forwarder: write to TUN: %s\n", strerror(errno));
		}
	}
}
