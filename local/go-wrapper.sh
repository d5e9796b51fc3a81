# go_wrapper_build NAME MODULE VERSION PKG... — builds PKGs of MODULE@VERSION into $LOCAL_CACHE/bin
# through a wrapper module in $LOCAL_CACHE/src/NAME. A wrapper (rather than `go install m@v`) is
# needed because etcd's and Kubernetes' go.mod files carry replace directives, which `go install`
# refuses; a wrapper's own `replace` lines (WRAPPER_REPLACES, one per line) stand in for them.
# Skips a binary already in the cache, so a rerun is cheap. WRAPPER_OUT names the binary when there
# is one package whose last path element is not the command's name (etcd's …/server/v3);
# WRAPPER_LDFLAGS and WRAPPER_TAGS are added to `go build`; WRAPPER_BIN is the output folder when
# not $LOCAL_CACHE/bin (a second version of the same commands).
go_wrapper_build() {
  local name=$1 module=$2 version=$3; shift 3
  local missing=() p out="${WRAPPER_BIN:-$LOCAL_CACHE/bin}"
  for p in "$@"; do [ -x "$out/${WRAPPER_OUT:-$(basename "$p")}" ] || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then echo "$name: cached ($*)"; return 0; fi
  local mod="$LOCAL_CACHE/src/$name"
  mkdir -p "$mod" "$out"
  if [ ! -f "$mod/go.sum" ]; then
    echo "$name: wrapper module for $module@$version in $mod"
    {
      echo "module cnilab.local/$name"
      echo
      echo "go 1.24.0"
      echo
      echo "require $module $version"
      [ -z "${WRAPPER_REPLACES:-}" ] || printf '\n%s\n' "$WRAPPER_REPLACES"
    } >"$mod/go.mod"
    { echo "//go:build tools"; echo; echo "package tools"; echo; echo "import ("
      for p in "$@"; do echo "	_ \"$p\""; done; echo ")"; } >"$mod/tools.go"
    (cd "$mod" && go mod tidy)
  fi
  echo "$name: go build ${missing[*]}"
  local start=$SECONDS
  (cd "$mod" && CGO_ENABLED=0 nice -n 10 go build -tags "${WRAPPER_TAGS:-}" -ldflags "-s -w ${WRAPPER_LDFLAGS:-}" -o "$out/${WRAPPER_OUT:-}" "${missing[@]}")
  echo "$name: built in $((SECONDS - start)) s"
}
