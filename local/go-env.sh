# Go settings every build in this folder shares (sourced): Go 1.26 from /usr/local/go, the module and
# build caches inside the local cache root so a rebuild reuses them, reproducible paths, small binaries.
export PATH=/usr/local/go/bin:$PATH
export GOMODCACHE="$LOCAL_CACHE_ROOT/go/mod"
export GOCACHE="$LOCAL_CACHE_ROOT/go/build"
export GOFLAGS="-trimpath -buildvcs=false"
export GOTOOLCHAIN=local
