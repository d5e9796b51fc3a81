package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// Defaults of flannel's CNI plugin (flannel-io/cni-plugin flannel.go): where flanneld writes the
// node's lease, and where ADD keeps the delegate's configuration for DEL.
const (
	defaultSubnetFile = "/run/flannel/subnet.env"
	defaultDataDir    = "/var/lib/cni/flannel"
)

// netConf is the plugin's own configuration (the chart's cni-conf.json entry of type flannel).
type netConf struct {
	CNIVersion    string         `json:"cniVersion,omitempty"`
	Name          string         `json:"name"`
	Type          string         `json:"type"`
	IPAM          map[string]any `json:"ipam,omitempty"`
	SubnetFile    string         `json:"subnetFile"`
	DataDir       string         `json:"dataDir"`
	Delegate      map[string]any `json:"delegate"`
	RuntimeConfig map[string]any `json:"runtimeConfig,omitempty"`
}

func parseNetConf(data []byte) (*netConf, error) {
	n := &netConf{SubnetFile: defaultSubnetFile, DataDir: defaultDataDir}
	if err := json.Unmarshal(data, n); err != nil {
		return nil, fmt.Errorf("flannel: network configuration: %w", err)
	}
	if n.Delegate == nil {
		n.Delegate = map[string]any{}
	}
	if t, ok := n.Delegate["type"]; ok {
		if _, isString := t.(string); !isString {
			return nil, fmt.Errorf("flannel: delegate.type must be a string, got %v", t)
		}
	}
	for _, k := range []string{"name", "ipam"} {
		if _, ok := n.Delegate[k]; ok {
			return nil, fmt.Errorf("flannel: delegate.%s must not be set: the plugin sets it", k)
		}
	}
	return n, nil
}

// subnetEnv is what flanneld wrote to subnet.env (IPv4 only here: flanneld's stand-in has no IPv6).
type subnetEnv struct {
	network, subnet *net.IPNet
	mtu             uint64
	ipMasq          bool
}

func parseSubnetEnv(r io.Reader, source string) (*subnetEnv, error) {
	env := &subnetEnv{}
	seen := map[string]bool{}
	s := bufio.NewScanner(r)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), "=")
		if !ok {
			continue
		}
		var err error
		switch key {
		case "FLANNEL_NETWORK":
			_, env.network, err = net.ParseCIDR(value)
		case "FLANNEL_SUBNET":
			_, env.subnet, err = net.ParseCIDR(value)
		case "FLANNEL_MTU":
			env.mtu, err = strconv.ParseUint(value, 10, 32)
		case "FLANNEL_IPMASQ":
			env.ipMasq = value == "true"
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("flannel: %s: %s=%q: %w", source, key, value, err)
		}
		seen[key] = true
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("flannel: %s: %w", source, err)
	}
	var missing []string
	for _, k := range []string{"FLANNEL_NETWORK", "FLANNEL_SUBNET", "FLANNEL_MTU", "FLANNEL_IPMASQ"} {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("flannel: %s lacks %s (is flanneld running on this node?)", source, strings.Join(missing, ", "))
	}
	return env, nil
}

// delegateConf is the configuration handed to the delegate plugin, as flannel's plugin builds it
// (flannel-io/cni-plugin flannel_linux.go doCmdAdd, getDelegateIPAM): the network's name; type
// bridge unless set; ipMasq only when flanneld does not masquerade; the MTU flanneld chose;
// isGateway for bridge; the plugin's cniVersion; host-local IPAM over this node's subnet with a
// route to the whole flannel network (plus any ipam.routes given).
func delegateConf(n *netConf, env *subnetEnv) map[string]any {
	d := map[string]any{}
	for k, v := range n.Delegate {
		d[k] = v
	}
	if n.RuntimeConfig != nil {
		d["runtimeConfig"] = n.RuntimeConfig
	}
	d["name"] = n.Name
	setDefault(d, "type", "bridge")
	setDefault(d, "ipMasq", !env.ipMasq)
	setDefault(d, "mtu", env.mtu)
	if d["type"] == "bridge" {
		setDefault(d, "isGateway", true)
	}
	if n.CNIVersion != "" {
		d["cniVersion"] = n.CNIVersion
	}
	ipam := map[string]any{}
	for k, v := range n.IPAM {
		ipam[k] = v
	}
	setDefault(ipam, "type", "host-local")
	ipam["ranges"] = [][]map[string]any{{{"subnet": env.subnet.String()}}}
	routes := []any{}
	if given, ok := n.IPAM["routes"].([]any); ok {
		routes = append(routes, given...)
	}
	ipam["routes"] = append(routes, map[string]any{"dst": env.network.String()})
	d["ipam"] = ipam
	return d
}

func setDefault(m map[string]any, key string, value any) {
	if _, ok := m[key]; !ok {
		m[key] = value
	}
}
