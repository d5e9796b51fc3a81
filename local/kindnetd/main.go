// Command kindnetd is cnilab's stand-in for kind's default CNI daemon (kindest/kindnetd), whose
// module the Go module proxy does not serve. It keeps kind's contract, read from kind v0.30.0
// (kubernetes-sigs/kind images/kindnetd/cmd/kindnetd: cni.go, routes.go; pkg/build/nodeimage/
// const_cni.go): a host-network DaemonSet that writes /etc/cni/net.d/10-kindnet.conflist (ptp +
// host-local over the node's spec.podCIDR, portmap), routes every other node's pod CIDR via that
// node's InternalIP, and masquerades pod traffic leaving the pod subnet. It reads HOST_IP,
// POD_SUBNET and CONTROL_PLANE_ENDPOINT (set by kind's manifest patch, so the API server is
// reachable before kube-proxy runs). NetworkPolicy is kind's own choice, kube-network-policies
// v0.8.0, fed through iptables NFQUEUE (netpol.go says why).
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

const (
	cniConfigPath = "/etc/cni/net.d/10-kindnet.conflist"
	masqChain     = "CNILAB-KINDNET-MASQ"
	resyncEvery   = 10 * time.Second
)

func main() {
	hostIP := os.Getenv("HOST_IP")
	podSubnets := splitList(os.Getenv("POD_SUBNET"))
	if net.ParseIP(hostIP) == nil || len(podSubnets) == 0 {
		log.Fatalf("kindnetd: HOST_IP (%q) must be an IP and POD_SUBNET (%q) a CIDR list", hostIP, os.Getenv("POD_SUBNET"))
	}
	cfg, err := rest.InClusterConfig()
	if err != nil {
		log.Fatalf("kindnetd: in-cluster config: %v", err)
	}
	if ep := os.Getenv("CONTROL_PLANE_ENDPOINT"); ep != "" {
		cfg.Host = "https://" + ep
	}
	client := kubernetes.NewForConfigOrDie(cfg)
	if err := startNetworkPolicies(context.Background(), client); err != nil {
		log.Fatalf("kindnetd: network policy controller: %v", err)
	}
	for {
		if err := ensureMasquerade(podSubnets); err != nil {
			log.Printf("kindnetd: masquerade rules: %v", err)
		}
		if err := ensureQueueRules(podSubnets); err != nil {
			log.Printf("kindnetd: network policy queue rules: %v", err)
		}
		if err := syncNodes(client, hostIP); err != nil {
			log.Printf("kindnetd: %v", err)
		}
		time.Sleep(resyncEvery)
	}
}

func syncNodes(client kubernetes.Interface, hostIP string) error {
	ctx, cancel := context.WithTimeout(context.Background(), resyncEvery)
	defer cancel()
	nodes, err := client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing nodes: %w", err)
	}
	for _, node := range nodes.Items {
		nodeIP := internalIP(node)
		cidrs := node.Spec.PodCIDRs
		if len(cidrs) == 0 && node.Spec.PodCIDR != "" {
			cidrs = []string{node.Spec.PodCIDR}
		}
		if nodeIP == "" || len(cidrs) == 0 {
			continue // the controller manager has not allocated this node's range yet
		}
		if nodeIP == hostIP {
			if err := writeCNIConfig(cidrs[0]); err != nil {
				return err
			}
			continue
		}
		for _, cidr := range cidrs {
			if err := routeVia(cidr, nodeIP); err != nil {
				return fmt.Errorf("route %s via %s (%s): %w", cidr, nodeIP, node.Name, err)
			}
		}
	}
	return nil
}

func internalIP(node corev1.Node) string {
	for _, a := range node.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && net.ParseIP(a.Address).To4() != nil {
			return a.Address
		}
	}
	return ""
}

// routeVia replaces whatever route the pod CIDR has with one via the owning node.
func routeVia(cidr, gateway string) error {
	_, dst, err := net.ParseCIDR(cidr)
	if err != nil {
		return err
	}
	return netlink.RouteReplace(&netlink.Route{Dst: dst, Gw: net.ParseIP(gateway)})
}

// writeCNIConfig writes the conflist once per pod CIDR, through a temporary name the runtime
// ignores and a rename, so containerd never loads a half-written file.
func writeCNIConfig(podCIDR string) error {
	mtu := 0
	if link, err := netlink.LinkByName("eth0"); err == nil {
		mtu = link.Attrs().MTU
	}
	mtuField := ""
	if mtu > 0 {
		mtuField = fmt.Sprintf(",\n      \"mtu\": %d", mtu)
	}
	conf := fmt.Sprintf(`{
  "cniVersion": "0.3.1",
  "name": "kindnet",
  "plugins": [
    {
      "type": "ptp",
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "/run/cni-ipam-state",
        "routes": [{"dst": "0.0.0.0/0"}],
        "ranges": [[{"subnet": %q}]]
      }%s
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
`, podCIDR, mtuField)
	if old, err := os.ReadFile(cniConfigPath); err == nil && string(old) == conf {
		return nil
	}
	tmp := cniConfigPath + ".temp"
	if err := os.WriteFile(tmp, []byte(conf), 0o644); err != nil {
		return err
	}
	log.Printf("kindnetd: writing %s for pod CIDR %s", cniConfigPath, podCIDR)
	return os.Rename(tmp, cniConfigPath)
}

// ensureMasquerade makes pod traffic to anything outside the pod subnets leave with the node's
// address: POSTROUTING → our chain for non-local destinations; the chain returns for pod-subnet
// destinations and masquerades the rest.
func ensureMasquerade(podSubnets []string) error {
	rules := [][]string{}
	for _, s := range podSubnets {
		rules = append(rules, []string{masqChain, "-d", s, "-j", "RETURN"})
	}
	rules = append(rules, []string{masqChain, "-j", "MASQUERADE"})
	for _, s := range podSubnets {
		rules = append(rules, []string{"POSTROUTING", "-s", s, "-m", "addrtype", "!", "--dst-type", "LOCAL", "-j", masqChain})
	}
	return ensureRules("nat", []string{masqChain}, rules)
}

// ensureRules creates the table's chains that are missing and appends each rule it lacks (each as
// iptables arguments after "-A"); run every resync, so a rule someone removed comes back.
func ensureRules(table string, chains []string, rules [][]string) error {
	for _, chain := range chains {
		if iptables("-t", table, "-L", chain, "-n") != nil {
			if err := iptables("-t", table, "-N", chain); err != nil {
				return err
			}
		}
	}
	for _, r := range rules {
		if iptables(append([]string{"-t", table, "-C"}, r...)...) == nil {
			continue
		}
		if err := iptables(append([]string{"-t", table, "-A"}, r...)...); err != nil {
			return err
		}
	}
	return nil
}

func iptables(args ...string) error {
	out, err := exec.Command("iptables", append([]string{"-w", "5"}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("iptables %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
