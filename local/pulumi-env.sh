# The environment under which Pulumi uses the locally built toolchain (sourced after versions.sh;
# build-pulumi.sh says what each binary is). What the e2e driver exports before `cnilab up`:
# - PATH: $LOCAL_CACHE/bin first. cnilab finds `pulumi` there (and runs it through
#   PulumiCommand.get({root: $LOCAL_CACHE})); the engine finds pulumi-resource-pulumi-nodejs beside
#   it and takes pulumi-resource-kubernetes from PATH for whatever version the SDK asks (an
#   "ambient" plugin: pulumi/pulumi v3.259.0 sdk/go/common/workspace/plugins.go
#   getPluginInfoAndPath looks on PATH before the plugin cache). It says so in two warnings, both
#   true: "using pulumi-resource-kubernetes from $PATH at …" and, from pkg/host/host.go, "resource
#   plugin kubernetes is expected to have version >=4.34.2, but has 4.0.0-20260115033456-…" (the
#   version the plugin itself reports; PULUMI_DEV would hide it, so it is not set). Node ≥ 22
#   must already be on PATH: the dynamic-provider launcher and @pulumi/pulumi 3.270.0 need it.
# - PULUMI_HOME: a folder of the cache, so the user's ~/.pulumi (credentials, plugins) is never
#   read or written, and no plugin is ever installed into a cache that would name it 4.34.2.
# - PULUMI_SKIP_UPDATE_CHECK: no version check against the network.
export PATH="$LOCAL_CACHE/bin:$PATH"
export PULUMI_HOME="$LOCAL_CACHE/pulumi-home"
export PULUMI_SKIP_UPDATE_CHECK=true
# Set, it would hide the ambient kubernetes provider and send the engine to the network for 4.34.2.
unset PULUMI_IGNORE_AMBIENT_PLUGINS
