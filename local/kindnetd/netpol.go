package main

// NetworkPolicy for the local kindnetd. kind v0.30.0's kindnetd runs the network-policy controller of
// sigs.k8s.io/kube-network-policies v0.8.0 (kind images/kindnetd/go.mod; cmd/kindnetd/main.go builds
// networkpolicy.Config{FailOpen: true, QueueID: 101, NetfilterBug1766Fix: true, NFTableName:
// "kindnet-network-policies"} and starts it with the NetworkPolicy, Namespace, Pod and Node
// informers). We run that same controller, unmodified: it reads every new connection from netfilter
// queue 101 and decides accept or drop itself.
//
// What we add: the rules that send packets to the queue. Upstream installs them with nftables
// (pkg/networkpolicy/controller.go syncNFTablesRules: an inet table whose "postrouting" filter chain
// at priority srcnat-5 accepts udp/53, root-owned local traffic and established/related packets,
// then queues packets from or to the node's pod IPs selected by a policy, with "bypass" when
// FailOpen; and, for the DNS workaround, a "prerouting" chain at dstnat+5 that queues udp/53 after
// DNAT). The nftables `queue` statement needs CONFIG_NFT_QUEUE, which the sandbox kernel lacks, so
// that transaction fails and the controller logs it; the kernel does have the iptables NFQUEUE
// target (CONFIG_NETFILTER_XT_TARGET_NFQUEUE=y, reached through nft_compat). The chains below are
// the same decisions in iptables' mangle table:
//   - POSTROUTING (mangle, priority -150: after DNAT, before SNAT, as upstream's chain is);
//   - FORWARD for udp/53 (after DNAT, like upstream's prerouting chain, for forwarded DNS).
// Upstream queues only pods selected by some policy (an nftables set); we queue the whole pod subnet.
// The controller accepts a packet no policy selects, so the verdicts are the same: only more packets
// cross into user space, which a lab does not notice.

import (
	"context"
	"log"
	"os"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/kube-network-policies/pkg/networkpolicy"
)

const (
	queueID     = 101 // kind v0.30.0 cmd/kindnetd/main.go
	queueNumber = "101"
	postChain   = "CNILAB-KINDNET-NP-POST"
	dnsChain    = "CNILAB-KINDNET-NP-DNS"
	policyTable = "kindnet-network-policies"
)

// startNetworkPolicies starts kube-network-policies' controller and keeps the queue rules in place.
func startNetworkPolicies(ctx context.Context, client kubernetes.Interface) error {
	nodeName, err := os.Hostname() // on kind nodes the hostname is the node name (kind's main.go)
	if err != nil {
		return err
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	controller, err := networkpolicy.NewController(
		client,
		factory.Networking().V1().NetworkPolicies(),
		factory.Core().V1().Namespaces(),
		factory.Core().V1().Pods(),
		factory.Core().V1().Nodes(),
		nil, nil, nil,
		networkpolicy.Config{
			FailOpen:            true,
			QueueID:             queueID,
			NodeName:            nodeName,
			NetfilterBug1766Fix: true,
			NFTableName:         policyTable,
			// NRI stays enabled, as kind has it: Debian bookworm's containerd 1.6 (our node image)
			// has no NRI socket, so the plugin's Run fails and logs once, and pod IPs come from the
			// API server. NRIdisabled: true would be worse: v0.8.0's pod lookup then dereferences a
			// nil plugin for any address that is not a pod's (controller.go getPodAssignedToIP), and
			// kindnetd panics on the first packet from a node address (measured: 3 restarts in a run).
		})
	if err != nil {
		return err
	}
	go func() {
		if err := controller.Run(ctx); err != nil {
			log.Printf("kindnetd: network policy controller stopped: %v", err)
		}
	}()
	factory.Start(ctx.Done())
	log.Printf("kindnetd: kube-network-policies on queue %d; packets reach it through iptables NFQUEUE (see netpol.go)", queueID)
	return nil
}

// queueRules are the mangle-table rules, each as iptables arguments after "-t mangle -A".
func queueRules(podSubnets []string) [][]string {
	queue := []string{"-j", "NFQUEUE", "--queue-num", queueNumber, "--queue-bypass"}
	rules := [][]string{
		{postChain, "-p", "udp", "--dport", "53", "-j", "RETURN"},
		{postChain, "-m", "owner", "--uid-owner", "0", "-j", "RETURN"},
		{postChain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"},
	}
	for _, s := range podSubnets {
		rules = append(rules, append([]string{postChain, "-s", s}, queue...))
		rules = append(rules, append([]string{postChain, "-d", s}, queue...))
	}
	rules = append(rules, []string{dnsChain, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"})
	for _, s := range podSubnets {
		rules = append(rules, append([]string{dnsChain, "-p", "udp", "--dport", "53", "-s", s}, queue...))
		rules = append(rules, append([]string{dnsChain, "-p", "udp", "--dport", "53", "-d", s}, queue...))
	}
	return append(rules,
		[]string{"POSTROUTING", "-j", postChain},
		[]string{"FORWARD", "-j", dnsChain},
	)
}

// ensureQueueRules keeps our two mangle chains and their rules in place; run every resync.
func ensureQueueRules(podSubnets []string) error {
	return ensureRules("mangle", []string{postChain, dnsChain}, queueRules(podSubnets))
}
