// Command flannel is cnilab's stand-in for flannel's CNI plugin (the /flannel of
// ghcr.io/flannel-io/flannel-cni-plugin v1.9.1-flannel3), whose module github.com/flannel-io/cni-plugin
// the Go module proxy does not serve. Ours, on containernetworking/cni's skel and invoke: a
// meta-plugin that reads the node's lease from flanneld's subnet.env and delegates to the bridge
// plugin with host-local IPAM (conf.go says how the delegate is built), keeping the delegate's
// configuration in dataDir so DEL and CHECK hand the same one back.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/skel"
	"github.com/containernetworking/cni/pkg/types"
	"github.com/containernetworking/cni/pkg/version"
)

func main() {
	skel.PluginMainFuncs(skel.CNIFuncs{Add: cmdAdd, Del: cmdDel, Check: cmdCheck}, version.All, "cnilab's flannel CNI plugin (stand-in)")
}

func cmdAdd(args *skel.CmdArgs) error {
	n, err := parseNetConf(args.StdinData)
	if err != nil {
		return err
	}
	f, err := os.Open(n.SubnetFile)
	if err != nil {
		return fmt.Errorf("flannel: %w (is flanneld running on this node?)", err)
	}
	env, err := parseSubnetEnv(f, n.SubnetFile)
	f.Close()
	if err != nil {
		return err
	}
	conf, err := json.Marshal(delegateConf(n, env))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(n.DataDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(scratch(n, args), conf, 0o600); err != nil {
		return err
	}
	result, err := invoke.DelegateAdd(context.TODO(), delegateType(conf), conf, nil)
	if err != nil {
		return fmt.Errorf("flannel: delegate ADD: %w", err)
	}
	return result.Print()
}

// DEL of a container ADD never reached (no saved configuration) succeeds, as the CNI spec asks.
func cmdDel(args *skel.CmdArgs) error {
	n, err := parseNetConf(args.StdinData)
	if err != nil {
		return err
	}
	conf, err := os.ReadFile(scratch(n, args))
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	if err := invoke.DelegateDel(context.TODO(), delegateType(conf), conf, nil); err != nil {
		return fmt.Errorf("flannel: delegate DEL: %w", err)
	}
	return os.Remove(scratch(n, args))
}

func cmdCheck(args *skel.CmdArgs) error {
	n, err := parseNetConf(args.StdinData)
	if err != nil {
		return err
	}
	conf, err := os.ReadFile(scratch(n, args))
	if err != nil {
		return fmt.Errorf("flannel: no configuration saved for container %s: %w", args.ContainerID, err)
	}
	return invoke.DelegateCheck(context.TODO(), delegateType(conf), conf, nil)
}

func scratch(n *netConf, args *skel.CmdArgs) string { return filepath.Join(n.DataDir, args.ContainerID) }

func delegateType(conf []byte) string {
	var t types.NetConf
	_ = json.Unmarshal(conf, &t)
	return t.Type
}
