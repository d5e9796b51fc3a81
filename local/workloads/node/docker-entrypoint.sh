#!/bin/sh
# As the official image's: arguments that are options or a script, not a command, are given to node.
set -e
if [ "${1#-}" != "$1" ] || { [ -n "${1:-}" ] && ! command -v "$1" >/dev/null 2>&1; }; then
  set -- node "$@"
fi
exec "$@"
