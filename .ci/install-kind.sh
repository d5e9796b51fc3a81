#!/usr/bin/env bash
# Installs the kind CLI 0.27.0 from Debian trixie into /opt/kind (prints the binary's path).
#
# Why Debian trixie: our machines reach only the npm registry and Debian's mirrors, and trixie
# packages kind 0.27.0 as one static Go binary, so it runs on bookworm too. The machine's own
# apt sources are left untouched: a private sources list and lists directory under $WORK are
# passed to apt-get with -o options, and the .deb is unpacked with `dpkg -x` (not installed).
# Idempotent: an existing /opt/kind/usr/bin/kind that reports the wanted version is kept.
set -euo pipefail

KIND_VERSION="0.27.0"                 # the version trixie ships (tests only need its config parser)
PREFIX="${CNILAB_KIND_PREFIX:-/opt/kind}"
BIN="$PREFIX/usr/bin/kind"
WORK="${TMPDIR:-/tmp}/cnilab-kind-trixie"

fail() { echo "install-kind: $*" >&2; exit 1; }

if [ -x "$BIN" ] && "$BIN" version 2>/dev/null | grep -q "v$KIND_VERSION "; then
  echo "$BIN"
  exit 0
fi

command -v apt-get >/dev/null || fail "apt-get not found: this script needs a Debian-based machine (install kind $KIND_VERSION yourself and set CNILAB_KIND)"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || fail "/usr/share/keyrings/debian-archive-keyring.gpg missing (apt-get install debian-archive-keyring)"

# The machine's own Debian mirror (deb822 sources on bookworm, one-line sources.list before it).
mirror=""
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -r /etc/apt/sources.list ]; then
  mirror=$(awk '$1=="deb" && $2 !~ /^\[/ {print $2; exit} $1=="deb" && $2 ~ /^\[/ {print $3; exit}' /etc/apt/sources.list)
fi
mirror="${mirror:-http://deb.debian.org/debian}"

mkdir -p "$WORK/lists/partial" "$WORK/archives/partial"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$WORK/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$WORK/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$WORK/lists" -o "Dir::Cache::Archives=$WORK/archives")

apt-get "${apt_opts[@]}" -qq update >"$WORK/update.log" 2>&1 \
  || fail "apt-get update against $mirror trixie failed (log: $WORK/update.log)"
available=$(apt-cache "${apt_opts[@]}" show kind 2>/dev/null | awk '/^Version:/{print $2; exit}')
case "$available" in
  "$KIND_VERSION"*) ;;
  "") fail "Debian trixie at $mirror lists no package 'kind'" ;;
  *) fail "Debian trixie now ships kind $available, not $KIND_VERSION: update KIND_VERSION here after checking the tests" ;;
esac

rm -f "$WORK"/kind_*.deb
(cd "$WORK" && apt-get "${apt_opts[@]}" -qq download kind) >"$WORK/download.log" 2>&1 \
  || fail "apt-get download kind failed (log: $WORK/download.log)"
deb=$(ls "$WORK"/kind_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no kind_*.deb in $WORK after download"
mkdir -p "$PREFIX"
dpkg -x "$deb" "$PREFIX"

"$BIN" version 2>/dev/null | grep -q "v$KIND_VERSION " || fail "$BIN does not report v$KIND_VERSION: $("$BIN" version 2>&1 || true)"
echo "$BIN"
