//go:build tools

// flannel's own install-conf (cmd/install_conf), which the chart's install-cni init container runs,
// is built from the same module version; this keeps it in go.mod.
package main

import _ "github.com/flannel-io/flannel/cmd/install_conf"
