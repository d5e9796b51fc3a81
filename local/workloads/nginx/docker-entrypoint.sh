#!/bin/sh
# The official image's entrypoint runs its /docker-entrypoint.d scripts first; this stand-in has none.
set -e
exec "$@"
