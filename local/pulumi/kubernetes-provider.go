// The kubernetes resource plugin (pulumi-resource-kubernetes), built by local/build-pulumi.sh in a
// wrapper module around github.com/pulumi/pulumi-kubernetes/provider/v4. The provider's own
// command embeds schema files that `go generate` writes and the module zip does not carry
// (cmd/pulumi-resource-kubernetes/main.go and generate.go at commit f47bc2d6f199), so the build
// writes them beside this file (schema.json with its version set, both compacted) and this
// main serves them the same way: provider.Serve(name, version, schema, mapping).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	// version.Version is set with -ldflags -X to the module's own version string.
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
