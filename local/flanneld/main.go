// Command flanneld is cnilab's stand-in for flannel's daemon (ghcr.io/flannel-io/flannel v0.28.9),
// whose main package the Go module proxy cannot build: it links the tencentvpc backend, whose
// tencentcloud-sdk-go vpc module is not served. This main is ours; the work is flannel's own library
// at v0.28.9 (pkg/subnet/kube, pkg/backend with the vxlan, host-gw and udp backends, pkg/trafficmngr/
// iptables, pkg/ipmatch), called in the order flannel's main.go at v0.28.9 calls them:
//   subnet manager (--kube-subnet-mgr: node annotations, spec.podCIDR) → healthz → network config
//   (net-conf.json) → br_netfilter check → external interface (--iface) → backend → RegisterNetwork
//   (acquires the lease) → iptables Init → masquerade (--ip-masq) and FORWARD rules → subnet.env
//   → ready → backend Run → CompleteLease.
// Only what the flannel chart v0.28.9 passes is taken (templates/daemonset.yaml, values.yaml args):
// --ip-masq, --kube-subnet-mgr, --iface, --healthz-port, plus --subnet-file, --net-config-path,
// --iptables-resync, --iptables-forward-rules at flannel's defaults. POD_NAME and POD_NAMESPACE are
// read by flannel's kube subnet manager itself; EVENT_QUEUE_DEPTH by its lease watch. The chart sets
// CONT_WHEN_CACHE_NOT_READY=false, flannel's exit when the node cache does not sync, which is what
// this main always does (no subnet manager, no start). Left out:
// etcd, nftables, IPv6, ipip/ipsec/wireguard/extension/alloc/tencentvpc.
// The udp backend is flannel's cgo proxy (pkg/backend/udp/proxy_amd64.c; amd64 only, as upstream):
// this main is built with CGO_ENABLED=1 and linked statically (local/build-tools.sh), so the
// stand-in image needs no C library of its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/flannel-io/flannel/pkg/backend"
	_ "github.com/flannel-io/flannel/pkg/backend/hostgw"
	_ "github.com/flannel-io/flannel/pkg/backend/udp"
	_ "github.com/flannel-io/flannel/pkg/backend/vxlan"
	"github.com/flannel-io/flannel/pkg/ip"
	"github.com/flannel-io/flannel/pkg/ipmatch"
	"github.com/flannel-io/flannel/pkg/subnet"
	"github.com/flannel-io/flannel/pkg/subnet/kube"
	"github.com/flannel-io/flannel/pkg/trafficmngr/iptables"
	log "k8s.io/klog/v2"
)

type options struct {
	kubeSubnetMgr, ipMasq, forwardRules bool
	ifaces                              stringList
	subnetFile, netConfPath             string
	healthzPort, resyncSeconds          int
}

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// Flag names and defaults as flannel v0.28.9's main.go declares them.
func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("flanneld", flag.ContinueOnError)
	fs.BoolVar(&o.kubeSubnetMgr, "kube-subnet-mgr", false, "take subnets from the Kubernetes API (the only manager here)")
	fs.BoolVar(&o.ipMasq, "ip-masq", false, "masquerade traffic leaving the flannel network")
	fs.BoolVar(&o.forwardRules, "iptables-forward-rules", true, "accept the flannel network in FORWARD")
	fs.Var(&o.ifaces, "iface", "interface (name or IP) for traffic between nodes; repeatable, first match wins")
	fs.StringVar(&o.subnetFile, "subnet-file", "/run/flannel/subnet.env", "where FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ go")
	fs.StringVar(&o.netConfPath, "net-config-path", "/etc/kube-flannel/net-conf.json", "the network configuration")
	fs.IntVar(&o.healthzPort, "healthz-port", 0, "port of /healthz and /readyz (0: none)")
	fs.IntVar(&o.resyncSeconds, "iptables-resync", 5, "iptables resync period, seconds")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if !o.kubeSubnetMgr {
		return o, errors.New("only --kube-subnet-mgr is supported by this stand-in (no etcd)")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "flanneld: %v\n", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() { <-sigs; log.Info("flanneld: signal, shutting down"); cancel() }()
	var wg sync.WaitGroup
	var ready atomic.Bool
	if err := run(ctx, o, &wg, &ready); err != nil {
		log.Errorf("flanneld: %v", err)
		cancel()
		wg.Wait()
		os.Exit(1)
	}
	wg.Wait()
}

func run(ctx context.Context, o options, wg *sync.WaitGroup, ready *atomic.Bool) error {
	sm, err := kube.NewSubnetManager(ctx, "", "", "flannel.alpha.coreos.com", o.netConfPath, true)
	if err != nil {
		return fmt.Errorf("subnet manager: %w", err)
	}
	if o.healthzPort > 0 {
		serveHealthz(ctx, wg, o.healthzPort, ready)
	}
	config, err := sm.GetNetworkConfig(ctx)
	if err != nil {
		return fmt.Errorf("network config %s: %w", o.netConfPath, err)
	}
	if config.EnableIPv6 || config.EnableNFTables {
		return fmt.Errorf("%s: EnableIPv6 and EnableNFTables are not supported by this stand-in", o.netConfPath)
	}
	log.Infof("flanneld: network %s, backend %s", config.Network, config.BackendType)
	// flannel refuses to start without br_netfilter (pods on cni0 must pass iptables).
	if _, err := os.Stat("/proc/sys/net/bridge/bridge-nf-call-iptables"); err != nil {
		return fmt.Errorf("br_netfilter is not loaded: %w", err)
	}
	extIface, err := externalInterface(ctx, sm, o.ifaces)
	if err != nil {
		return err
	}
	be, err := backend.NewManager(ctx, sm, extIface).GetBackend(config.BackendType)
	if err != nil {
		return fmt.Errorf("backend %q (this stand-in has vxlan, host-gw and udp): %w", config.BackendType, err)
	}
	bn, err := be.RegisterNetwork(ctx, wg, config)
	if err != nil {
		return fmt.Errorf("register network: %w", err)
	}
	if err := trafficRules(ctx, o, config, bn); err != nil {
		return err
	}
	if err := sm.HandleSubnetFile(o.subnetFile, config, o.ipMasq, bn.Lease().Subnet, bn.Lease().IPv6Subnet, bn.MTU()); err != nil {
		return fmt.Errorf("write %s: %w", o.subnetFile, err)
	}
	ready.Store(true)
	log.Infof("flanneld: wrote %s (subnet %s, MTU %d); ready", o.subnetFile, bn.Lease().Subnet, bn.MTU())
	wg.Add(1)
	go func() { defer wg.Done(); bn.Run(ctx) }()
	return sm.CompleteLease(ctx, bn.Lease(), wg)
}

// The first --iface that matches, as flannel looks it up; with none, the default route's interface.
func externalInterface(ctx context.Context, sm subnet.Manager, ifaces []string) (*backend.ExternalInterface, error) {
	stack, err := ipmatch.GetIPFamily(true, false)
	if err != nil {
		return nil, err
	}
	publicIP, _ := sm.GetStoredPublicIP(ctx)
	opts := ipmatch.PublicIPOpts{PublicIP: publicIP}
	if len(ifaces) == 0 {
		return ipmatch.LookupExtIface(publicIP, "", "", stack, opts)
	}
	for _, name := range ifaces {
		ext, err := ipmatch.LookupExtIface(name, "", "", stack, opts)
		if err == nil && ext != nil {
			return ext, nil
		}
		log.Infof("flanneld: no usable interface %q: %v", name, err)
	}
	return nil, fmt.Errorf("no interface matches --iface %v", ifaces)
}

// iptables as flannel keeps them: masquerade for traffic leaving the flannel network (with the
// previous subnet.env's values, so stale rules are replaced), and FORWARD accepts for it.
func trafficRules(ctx context.Context, o options, config *subnet.Config, bn backend.Network) error {
	tm := &iptables.IPTablesManager{}
	if err := tm.Init(ctx); err != nil {
		return fmt.Errorf("iptables: %w", err)
	}
	if o.ipMasq {
		prevNetwork := previousCIDR(o.subnetFile, "FLANNEL_NETWORK")
		prevSubnet := previousCIDR(o.subnetFile, "FLANNEL_SUBNET")
		if err := tm.SetupAndEnsureMasqRules(ctx, config.Network, prevSubnet, prevNetwork,
			ip.IP6Net{}, ip.IP6Net{}, ip.IP6Net{}, bn.Lease(), o.resyncSeconds, false); err != nil {
			return fmt.Errorf("masquerade rules: %w", err)
		}
	}
	if o.forwardRules {
		tm.SetupAndEnsureForwardRules(ctx, config.Network, ip.IP6Net{}, o.resyncSeconds)
	}
	return nil
}
