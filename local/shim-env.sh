# Puts local/docker-shim first on PATH as `docker` (sourced after versions.sh), so kind's
# --privileged becomes what this sandbox allows; only the harness's own commands see it.
shim_dir="$LOCAL_CACHE/shim"
mkdir -p "$shim_dir" && ln -sf "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/docker-shim" "$shim_dir/docker"
export PATH="$shim_dir:$PATH"
