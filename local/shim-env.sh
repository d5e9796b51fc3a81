# Puts local/docker-shim first on PATH as `docker` (sourced after versions.sh), so kind's
# --privileged becomes what this sandbox allows; only the harness's own commands see it.
# One link folder per checkout: checkouts sharing the cache each run their own shim.
shim_src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/docker-shim"
shim_dir="$LOCAL_CACHE/shim/$(printf '%s' "$shim_src" | sha256sum | cut -c1-12)"
mkdir -p "$shim_dir" && ln -sf "$shim_src" "$shim_dir/docker"
export PATH="$shim_dir:$PATH"
